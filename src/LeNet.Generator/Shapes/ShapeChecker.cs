using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using LeNet.Generator.Diagnostics;
using LeNet.Generator.Model;

namespace LeNet.Generator.Shapes;

/// <summary>
/// Pure arithmetic on a <see cref="NetworkSpec"/>: walks the layers, computes every output shape with
/// floor((n + 2p − f) / s) + 1, lays out parameters and workspace, and collects every problem. Never throws.
/// The generator and the analyzer both call it, so the rules and their messages live here only.
/// </summary>
internal static class ShapeChecker
{
    /// <summary>Activations above this many bytes are not put on the stack (LENET011).</summary>
    public const int StackLimitBytes = 128 * 1024;

    public static CheckedNetwork Check(NetworkSpec spec, CancellationToken cancellationToken)
    {
        var problems = new List<Problem>();
        string typeName = spec.DisplayName;

        if (!spec.IsPartial)
        {
            problems.Add(new Problem(Descriptors.NotPartial.Id, ProblemSite.TypeName, 0, null, Args(typeName)));
        }

        if (spec.UnsupportedKind.Length > 0)
        {
            problems.Add(new Problem(Descriptors.UnsupportedType.Id, ProblemSite.TypeName, 0, null, Args(typeName, spec.UnsupportedKind)));
        }

        if (spec.IsGeneric)
        {
            problems.Add(new Problem(Descriptors.Generic.Id, ProblemSite.TypeName, 0, null, Args(typeName)));
        }

        for (int i = 0; i < spec.ContainingTypes.Count; i++)
        {
            if (!spec.ContainingTypes[i].IsPartial)
            {
                problems.Add(new Problem(Descriptors.ContainerNotPartial.Id, ProblemSite.ContainingType, i, null, Args(typeName, spec.ContainingTypes[i].Name)));
            }
        }

        for (int i = 0; i < spec.StrayLayerCount; i++)
        {
            problems.Add(new Problem(Descriptors.LayersSplit.Id, ProblemSite.StrayLayer, i, null, Args(typeName)));
        }

        if (spec.Unroll < (int)UnrollKind.None || spec.Unroll > (int)UnrollKind.Window)
        {
            problems.Add(new Problem(Descriptors.UnknownUnroll.Id, ProblemSite.NetworkAttribute, 0, "Unroll", Args(Number(spec.Unroll))));
        }

        ShapeChain? chain = CheckLayers(spec, problems, cancellationToken);

        bool hasErrors = spec.HasUnreadableAttribute;
        foreach (Problem problem in problems)
        {
            hasErrors |= Descriptors.IsError(problem.Id);
        }

        return new CheckedNetwork(spec, hasErrors ? null : chain, new EquatableArray<Problem>(problems), hasErrors);
    }

    private static ShapeChain? CheckLayers(NetworkSpec spec, List<Problem> problems, CancellationToken cancellationToken)
    {
        EquatableArray<LayerSpec> layers = spec.Layers;
        if (layers.Count == 0 || layers[0].Kind != LayerKind.Input)
        {
            bool anyInput = false;
            foreach (LayerSpec layer in layers)
            {
                anyInput |= layer.Kind == LayerKind.Input;
            }

            if (!anyInput)
            {
                problems.Add(new Problem(Descriptors.MissingInput.Id, ProblemSite.NetworkAttribute, 0, null, Args(spec.DisplayName)));
            }
        }

        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].Kind == LayerKind.Input && i != 0)
            {
                problems.Add(new Problem(Descriptors.InputNotFirst.Id, ProblemSite.Layer, i, null, Args(Number(i + 1))));
            }
        }

        bool shapeKnown = layers.Count > 0 && layers[0].Kind == LayerKind.Input;
        int c = 0, h = 0, w = 0;
        if (shapeKnown)
        {
            LayerSpec input = layers[0];
            shapeKnown &= Positive(problems, 0, "Input", "height", input.A);
            shapeKnown &= Positive(problems, 0, "Input", "width", input.B);
            shapeKnown &= Positive(problems, 0, "Input", "channels", input.C);
            (h, w, c) = (input.A, input.B, input.C);
            if (shapeKnown && !Fits((long)c * h * w))
            {
                problems.Add(new Problem(Descriptors.TooLarge.Id, ProblemSite.Layer, 0, null, Args("Input", "input size")));
                shapeKnown = false;
            }

            if (layers.Count == 1)
            {
                problems.Add(new Problem(Descriptors.NoLayers.Id, ProblemSite.Layer, 0, null, Args(spec.DisplayName)));
            }
        }

        var shapes = new List<LayerShape>();
        bool flat = false;
        int weighted = 0;
        long parameterOffset = 0;
        long workspaceOffset = 0;
        int inputOffset = -1;
        var classNames = new HashSet<string>(StringComparer.Ordinal);

        for (int i = 0; i < layers.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            LayerSpec layer = layers[i];
            if (layer.Kind == LayerKind.Input)
            {
                continue;
            }

            bool isLast = i == layers.Count - 1;
            if (layer.Kind is LayerKind.Conv or LayerKind.Dense)
            {
                weighted++;
            }

            string name = LayerName(layer, weighted, isLast);
            string className = ClassName(layer, weighted);
            for (char suffix = 'b'; !classNames.Add(className); suffix++)
            {
                // A second pool after the same conv: Pool1, Pool1b, ...
                className = ClassName(layer, weighted) + suffix;
            }

            if (layer.Activation < (int)ActivationKind.None || layer.Activation > (int)ActivationKind.Softmax)
            {
                problems.Add(new Problem(Descriptors.UnknownActivation.Id, ProblemSite.Layer, i, "Activation", Args(name, Number(layer.Activation))));
            }
            else if (layer.Activation == (int)ActivationKind.Softmax && (!isLast || layer.Kind != LayerKind.Dense))
            {
                problems.Add(new Problem(Descriptors.SoftmaxNotLast.Id, ProblemSite.Layer, i, "Activation", Args(name)));
            }

            if (layer.Kind != LayerKind.Dense && flat)
            {
                problems.Add(new Problem(Descriptors.SpatialAfterDense.Id, ProblemSite.Layer, i, null, Args(name, KindWord(layer.Kind))));
                shapeKnown = false;
            }

            LayerShape? shape = layer.Kind switch
            {
                LayerKind.Conv => CheckConv(layer, i, name, className, problems, ref shapeKnown, c, h, w),
                LayerKind.MaxPool or LayerKind.AvgPool => CheckPool(layer, i, name, className, problems, ref shapeKnown, c, h, w),
                _ => CheckDense(layer, i, name, className, problems, ref shapeKnown, c, h, w),
            };

            if (shape is null || !shapeKnown)
            {
                shapeKnown = false;
                continue;
            }

            // Lay out parameters and workspace in 64-bit and refuse anything past int range.
            long paddedLength = shape.Padding > 0 ? (long)shape.InC * shape.PaddedH * shape.PaddedW : 0;
            long weightsEnd = parameterOffset + shape.WeightLength + shape.BiasLength;
            long workspaceEnd = workspaceOffset + paddedLength + shape.OutputLength;
            if (!Fits(weightsEnd) || !Fits(workspaceEnd))
            {
                problems.Add(new Problem(Descriptors.TooLarge.Id, ProblemSite.Layer, i, null, Args(name, Fits(weightsEnd) ? "workspace" : "parameter count")));
                shapeKnown = false;
                continue;
            }

            int paddedOffset = paddedLength > 0 ? (int)workspaceOffset : -1;
            shape = shape with
            {
                WeightOffset = (int)parameterOffset,
                BiasOffset = (int)parameterOffset + shape.WeightLength,
                InputOffset = inputOffset,
                PaddedOffset = paddedOffset,
                OutputOffset = (int)(workspaceOffset + paddedLength),
            };
            parameterOffset = weightsEnd;
            workspaceOffset = workspaceEnd;
            inputOffset = shape.OutputOffset;
            shapes.Add(shape);
            (c, h, w) = (shape.OutC, shape.OutH, shape.OutW);
            flat = layer.Kind == LayerKind.Dense;
        }

        if (!shapeKnown || shapes.Count == 0)
        {
            return null;
        }

        if (workspaceOffset * sizeof(float) > StackLimitBytes)
        {
            problems.Add(new Problem(Descriptors.WorkspaceTooLargeForStack.Id, ProblemSite.NetworkAttribute, 0, null,
                Args(spec.DisplayName, Number(workspaceOffset * sizeof(float)), Number(StackLimitBytes))));
        }

        LayerSpec first = layers[0];
        return new ShapeChain(first.C, first.A, first.B, (int)parameterOffset, (int)workspaceOffset, new EquatableArray<LayerShape>(shapes));
    }

    private static LayerShape? CheckConv(LayerSpec layer, int index, string name, string className, List<Problem> problems, ref bool shapeKnown, int c, int h, int w)
    {
        int filters = layer.A, kernel = layer.B, stride = layer.C, padding = layer.D;
        bool ok = Positive(problems, index, name, "filters", filters);
        ok &= Positive(problems, index, name, "kernel", kernel);
        ok &= Positive(problems, index, name, "stride", stride);
        if (padding < 0)
        {
            problems.Add(new Problem(Descriptors.NegativePadding.Id, ProblemSite.Layer, index, "padding", Args(name, Number(padding))));
            ok = false;
        }
        else if (kernel > 0 && padding >= kernel)
        {
            problems.Add(new Problem(Descriptors.PaddingTooLarge.Id, ProblemSite.Layer, index, "padding", Args(name, Number(padding), Number(kernel))));
            ok = false;
        }

        if (!ok || !shapeKnown)
        {
            shapeKnown = false;
            return null;
        }

        long paddedH = (long)h + (2L * padding), paddedW = (long)w + (2L * padding);
        if (!FitsWindow(problems, index, name, "kernel", kernel, stride, paddedH, paddedW, padding, h, w))
        {
            shapeKnown = false;
            return null;
        }

        int outH = (int)(((paddedH - kernel) / stride) + 1), outW = (int)(((paddedW - kernel) / stride) + 1);
        long weights = (long)filters * c * kernel * kernel;
        long outputs = (long)filters * outH * outW;
        if (!Fits(weights + filters) || !Fits(outputs) || !Fits(paddedH * paddedW * c))
        {
            problems.Add(new Problem(Descriptors.TooLarge.Id, ProblemSite.Layer, index, null, Args(name, "layer size")));
            shapeKnown = false;
            return null;
        }

        long inputs = (long)c * h * w;
        return new LayerShape(name, className, LayerKind.Conv, (ActivationKind)layer.Activation, c, h, w, filters, outH, outW,
            kernel, stride, padding, 0, (int)weights, 0, filters, 0, 0, -1, inputs * outputs);
    }

    private static LayerShape? CheckPool(LayerSpec layer, int index, string name, string className, List<Problem> problems, ref bool shapeKnown, int c, int h, int w)
    {
        int size = layer.A, stride = layer.C;
        bool ok = Positive(problems, index, name, "size", size);

        // A stride left out copies the size, so its error would only repeat the size's, on the whole attribute.
        if (ok || stride != size)
        {
            ok &= Positive(problems, index, name, "stride", stride);
        }
        if (!ok || !shapeKnown)
        {
            shapeKnown = false;
            return null;
        }

        if (!FitsWindow(problems, index, name, "size", size, stride, h, w, 0, h, w))
        {
            shapeKnown = false;
            return null;
        }

        int outH = ((h - size) / stride) + 1, outW = ((w - size) / stride) + 1;
        return new LayerShape(name, className, layer.Kind, ActivationKind.None, c, h, w, c, outH, outW,
            size, stride, 0, 0, 0, 0, 0, 0, 0, -1, 0);
    }

    private static LayerShape? CheckDense(LayerSpec layer, int index, string name, string className, List<Problem> problems, ref bool shapeKnown, int c, int h, int w)
    {
        int units = layer.A;
        bool ok = Positive(problems, index, name, "units", units);
        if (!ok || !shapeKnown)
        {
            shapeKnown = false;
            return null;
        }

        long inputs = (long)c * h * w;
        long weights = inputs * units;
        if (!Fits(weights + units))
        {
            problems.Add(new Problem(Descriptors.TooLarge.Id, ProblemSite.Layer, index, null, Args(name, "parameter count")));
            shapeKnown = false;
            return null;
        }

        return new LayerShape(name, className, LayerKind.Dense, (ActivationKind)layer.Activation, (int)inputs, 1, 1, units, 1, 1,
            0, 1, 0, 0, (int)weights, 0, units, 0, 0, -1, 0);
    }

    /// <summary>Reports a window larger than its input (LENET002) or a stride that leaves input unread (LENET010).</summary>
    private static bool FitsWindow(List<Problem> problems, int index, string name, string argument, int window, int stride,
        long paddedH, long paddedW, int padding, int h, int w)
    {
        if (window > paddedH || window > paddedW)
        {
            string note = padding > 0 ? string.Format(CultureInfo.InvariantCulture, " ({0}x{1} padded by {2})", h, w, padding) : string.Empty;
            problems.Add(new Problem(Descriptors.WindowDoesNotFit.Id, ProblemSite.Layer, index, argument,
                Args(name, argument, Number(window), Number(paddedH), Number(paddedW), note)));
            return false;
        }

        long unusedRows = (paddedH - window) % stride, unusedColumns = (paddedW - window) % stride;
        if (unusedRows > 0 || unusedColumns > 0)
        {
            problems.Add(new Problem(Descriptors.StrideLeavesInputUnused.Id, ProblemSite.Layer, index, "stride",
                Args(name, Number(stride), Number(unusedRows), Number(unusedColumns), Number(paddedH), Number(paddedW))));
        }

        return true;
    }

    private static bool Positive(List<Problem> problems, int index, string name, string argument, int value)
    {
        if (value > 0)
        {
            return true;
        }

        problems.Add(new Problem(Descriptors.NotPositive.Id, ProblemSite.Layer, index, argument, Args(name, argument, Number(value))));
        return false;
    }

    /// <summary>CONVn, POOLn and FCn count weighted layers; a pool shares its conv's number; a softmax output is "Softmax".</summary>
    private static string LayerName(LayerSpec layer, int weighted, bool isLast) => layer.Kind switch
    {
        LayerKind.Conv => "CONV" + Number(weighted),
        LayerKind.MaxPool or LayerKind.AvgPool => "POOL" + Number(weighted),
        _ when isLast && layer.Activation == (int)ActivationKind.Softmax => "Softmax",
        _ => "FC" + Number(weighted),
    };

    private static string ClassName(LayerSpec layer, int weighted) => layer.Kind switch
    {
        LayerKind.Conv => "Conv" + Number(weighted),
        LayerKind.MaxPool or LayerKind.AvgPool => "Pool" + Number(weighted),
        _ => "Fc" + Number(weighted),
    };

    private static string KindWord(LayerKind kind) => kind switch
    {
        LayerKind.Conv => "Conv",
        LayerKind.MaxPool => "MaxPool",
        LayerKind.AvgPool => "AvgPool",
        _ => kind.ToString(),
    };

    private static bool Fits(long value) => value >= 0 && value <= int.MaxValue;

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static EquatableArray<string> Args(params string[] args) => new(args);
}
