using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
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

        if (spec.Unroll < KernelUnroll.None || spec.Unroll > KernelUnroll.Window)
        {
            problems.Add(new Problem(Descriptors.UnknownUnroll.Id, ProblemSite.NetworkAttribute, 0, "Unroll", Args(Number((int)spec.Unroll))));
        }

        ShapeChain? chain = CheckLayers(spec, problems, cancellationToken);
        EquatableArray<string> layerClassNames = LayerClassNames(spec.Layers);
        CheckMemberClash(spec, layerClassNames, problems);

        bool hasErrors = spec.HasUnreadableAttribute;
        foreach (Problem problem in problems)
        {
            hasErrors |= Descriptors.IsError(problem.Id);
        }

        ShapeChain? sound = hasErrors ? null : chain;
        return new CheckedNetwork(spec, sound, new EquatableArray<Problem>(problems), hasErrors, layerClassNames,
            sound is null ? 0 : Fingerprint(sound));
    }

    /// <summary>
    /// The members the generator writes into the network type, besides the nested layer classes: a type of the same name
    /// would be CS0542 on each, so LENET020 names the clash instead. Emitters that add a member add its name here.
    /// (The private stack buffer and error constant pick another name themselves; these cannot.)
    /// </summary>
    internal static readonly string[] GeneratedMemberNames =
    {
        "InputLength", "InputChannels", "InputHeight", "InputWidth", "OutputLength", "ParameterCount", "WorkspaceLength",
        "TrainingWorkspaceLength", "OutputOffset", "ClassCount", "Fingerprint", "Loss", "Summary", "Parameters", "Layers",
        "Forward", "Predict", "ClassOf", "LossOf", "Backward", "_parameters", "s_layers", "TrainedParameters", "CreateTrained",
        "BatchStatisticsLength", "BatchStatisticsWorkspaceLength", "BackwardWithBatchStatistics", "SharedBatchStatisticsPerExample",
        "SharedBatchStatisticsLength", "TrainShard",
    };

    private static void CheckMemberClash(NetworkSpec spec, EquatableArray<string> layerClassNames, List<Problem> problems)
    {
        foreach (string member in GeneratedMemberNames)
        {
            if (spec.TypeName == member)
            {
                problems.Add(new Problem(Descriptors.NameClash.Id, ProblemSite.TypeName, 0, null, Args(spec.DisplayName, member, "a generated member")));
                return;
            }
        }

        foreach (string className in layerClassNames)
        {
            if (spec.TypeName == className)
            {
                problems.Add(new Problem(Descriptors.NameClash.Id, ProblemSite.TypeName, 0, null, Args(spec.DisplayName, className, "the nested class of one of its layers")));
                return;
            }
        }
    }

    /// <summary>FNV-1a 64 of a canonical text of the architecture: equal for equal networks, whatever the type is called.</summary>
    internal static ulong Fingerprint(ShapeChain chain)
    {
        var text = new StringBuilder();
        text.Append("lenet-v1;in ").Append(chain.InC).Append('x').Append(chain.InH).Append('x').Append(chain.InW);
        foreach (LayerShape layer in chain.Layers)
        {
            text.Append(';').Append(layer.Kind).Append(' ').Append(layer.OutC).Append(' ')
                .Append(layer.Kernel).Append(' ').Append(layer.Stride).Append(' ').Append(layer.Padding).Append(' ').Append(layer.Activation);
            if (layer.Kind == LayerType.BatchNorm)
            {
                // Inference depends on ε; the momentum only on how the statistics were learned.
                text.Append(" eps ").Append(layer.Epsilon.ToString("R", CultureInfo.InvariantCulture));
            }
        }

        ulong hash = 14695981039346656037UL;
        foreach (char c in text.ToString())
        {
            hash = unchecked((hash ^ c) * 1099511628211UL);
        }

        return hash;
    }

    /// <summary>The nested class names of the layers after the input, by the same rule the chain uses.</summary>
    private static EquatableArray<string> LayerClassNames(EquatableArray<LayerSpec> layers)
    {
        var names = new List<string>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        int weighted = 0;
        foreach (LayerSpec layer in layers)
        {
            if (layer is InputSpec)
            {
                continue;
            }

            weighted += layer is ConvSpec or DenseSpec ? 1 : 0;
            names.Add(UniqueClassName(layer, weighted, taken));
        }

        return new EquatableArray<string>(names);
    }

    private static string UniqueClassName(LayerSpec layer, int weighted, HashSet<string> taken)
    {
        string className = ClassName(layer, weighted);
        for (char suffix = 'b'; !taken.Add(className); suffix++)
        {
            // A second pool after the same conv: Pool1, Pool1b, ...
            className = ClassName(layer, weighted) + suffix;
        }

        return className;
    }

    private static ShapeChain? CheckLayers(NetworkSpec spec, List<Problem> problems, CancellationToken cancellationToken)
    {
        EquatableArray<LayerSpec> layers = spec.Layers;
        if (layers.Count == 0 || layers[0] is not InputSpec)
        {
            bool anyInput = false;
            foreach (LayerSpec layer in layers)
            {
                anyInput |= layer is InputSpec;
            }

            if (!anyInput)
            {
                problems.Add(new Problem(Descriptors.MissingInput.Id, ProblemSite.NetworkAttribute, 0, null, Args(spec.DisplayName)));
            }
        }

        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is InputSpec && i != 0)
            {
                problems.Add(new Problem(Descriptors.InputNotFirst.Id, ProblemSite.Layer, i, null, Args(Number(i + 1))));
            }
        }

        InputSpec? input = layers.Count > 0 ? layers[0] as InputSpec : null;
        bool shapeKnown = input is not null;
        int c = 0, h = 0, w = 0;
        if (input is not null)
        {
            shapeKnown &= Positive(problems, 0, "Input", "height", input.Height);
            shapeKnown &= Positive(problems, 0, "Input", "width", input.Width);
            shapeKnown &= Positive(problems, 0, "Input", "channels", input.Channels);
            (h, w, c) = (input.Height, input.Width, input.Channels);
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

        (int c0, int h0, int w0) = (c, h, w);
        var shapes = new List<LayerShape>();
        bool flat = false;
        int weighted = 0;
        long parameterOffset = 0;
        long workspaceOffset = 0;
        int inputOffset = -1;
        var classNames = new HashSet<string>(StringComparer.Ordinal);
        string? firstDropout = null;
        for (int i = 0, droppedWeighted = 0; i < layers.Count && firstDropout is null; i++)
        {
            droppedWeighted += layers[i] is ConvSpec or DenseSpec ? 1 : 0;
            firstDropout = layers[i] is DropoutSpec ? LayerName(layers[i], droppedWeighted, false) : null;
        }

        for (int i = 0; i < layers.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            LayerSpec layer = layers[i];
            if (layer is InputSpec)
            {
                continue;
            }

            bool isLast = i == layers.Count - 1;
            if (layer is ConvSpec or DenseSpec)
            {
                weighted++;
            }

            string name = LayerName(layer, weighted, isLast);
            string className = UniqueClassName(layer, weighted, classNames);
            Activation activation = layer switch
            {
                ConvSpec conv => conv.Activation,
                DenseSpec dense => dense.Activation,
                BatchNormSpec batchNorm => batchNorm.Activation,
                _ => Activation.None,
            };

            if (activation < Activation.None || activation > Activation.Softmax)
            {
                problems.Add(new Problem(Descriptors.UnknownActivation.Id, ProblemSite.Layer, i, "Activation", Args(name, Number((int)activation))));
            }
            else if (activation == Activation.Softmax && (!isLast || layer is not DenseSpec))
            {
                problems.Add(new Problem(Descriptors.SoftmaxNotLast.Id, ProblemSite.Layer, i, "Activation", Args(name)));
            }

            if (layer is not DenseSpec and not DropoutSpec and not BatchNormSpec && flat)
            {
                problems.Add(new Problem(Descriptors.SpatialAfterDense.Id, ProblemSite.Layer, i, null, Args(name, layer.AttributeName)));
                shapeKnown = false;
            }

            LayerShape? shape = layer switch
            {
                ConvSpec conv => CheckConv(conv, i, name, className, problems, ref shapeKnown, c, h, w),
                PoolSpec pool => CheckPool(pool, i, name, className, problems, ref shapeKnown, c, h, w),
                DropoutSpec dropout => CheckDropout(dropout, i, name, className, problems, ref shapeKnown, c, h, w, flat, afterInput: i == 1, isLast),
                BatchNormSpec batchNorm => CheckBatchNorm(batchNorm, i, name, className, problems, ref shapeKnown, c, h, w, flat, i > 0 ? layers[i - 1] : null, firstDropout),
                _ => CheckDense((DenseSpec)layer, i, name, className, problems, ref shapeKnown, c, h, w),
            };

            if (shape is null || !shapeKnown)
            {
                shapeKnown = false;
                continue;
            }

            // Lay out parameters and workspace in 64-bit and refuse anything past int range.
            long paddedLength = shape.PaddedLength;
            long weightsEnd = parameterOffset + shape.ParameterCount;
            long workspaceEnd = workspaceOffset + paddedLength + shape.OutputLength;

            // TrainingWorkspaceLength = 2 * WorkspaceLength is a constant of the generated code: it must fit too.
            if (!Fits(weightsEnd) || !Fits(workspaceEnd) || !Fits(checked(2 * workspaceEnd)))
            {
                string what = !Fits(weightsEnd) ? "parameter count" : Fits(workspaceEnd) ? "training workspace (twice the workspace)" : "workspace";
                problems.Add(new Problem(Descriptors.TooLarge.Id, ProblemSite.Layer, i, null, Args(name, what)));
                shapeKnown = false;
                continue;
            }

            int paddedOffset = paddedLength > 0 ? (int)workspaceOffset : -1;
            shape = shape with
            {
                WeightOffset = (int)parameterOffset,
                InputOffset = inputOffset,
                PaddedOffset = paddedOffset,
                OutputOffset = (int)(workspaceOffset + paddedLength),
            };
            parameterOffset = weightsEnd;
            workspaceOffset = workspaceEnd;
            inputOffset = shape.OutputOffset;
            shapes.Add(shape);
            (c, h, w) = (shape.OutC, shape.OutH, shape.OutW);
            flat = shape.IsFlat;
        }

        if (!shapeKnown || shapes.Count == 0)
        {
            return null;
        }

        var chain = new ShapeChain(c0, h0, w0, (int)parameterOffset, (int)workspaceOffset, new EquatableArray<LayerShape>(shapes))
        {
            HasBatchKernels = BatchCoverage.Covers(shapes, c0 * h0 * w0, (int)workspaceOffset),
        };
        if (!chain.WorkspaceOnStack)
        {
            problems.Add(new Problem(Descriptors.WorkspaceTooLargeForStack.Id, ProblemSite.NetworkAttribute, 0, null,
                Args(spec.DisplayName, Number(workspaceOffset * sizeof(float)), Number(ShapeChain.StackLimitBytes))));
        }

        return chain;
    }

    private static LayerShape? CheckConv(ConvSpec layer, int index, string name, string className, List<Problem> problems, ref bool shapeKnown, int c, int h, int w)
    {
        int filters = layer.Filters, kernel = layer.Kernel, stride = layer.Stride;
        bool ok = Positive(problems, index, name, "filters", filters);
        ok &= Positive(problems, index, name, "kernel", kernel);
        ok &= Positive(problems, index, name, "stride", stride);
        ok &= ResolvePadding(layer, index, name, problems, out int padding);
        layer = layer with { Padding = padding };
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

        long outH = LayerShape.OutputSize(h, kernel, stride, padding), outW = LayerShape.OutputSize(w, kernel, stride, padding);
        long weights = (long)filters * c * kernel * kernel;
        long outputs = (long)filters * outH * outW;
        if (!Fits(weights + filters) || !Fits(outputs) || !Fits(paddedH * paddedW * c))
        {
            problems.Add(new Problem(Descriptors.TooLarge.Id, ProblemSite.Layer, index, null, Args(name, "layer size")));
            shapeKnown = false;
            return null;
        }

        return LayerShape.Conv(name, className, layer, c, h, w);
    }

    /// <summary>
    /// The number of zeros on each side: as written, or from <c>Padding.Same</c>, (kernel − 1) / 2, which keeps the size
    /// for stride 1 and an odd kernel only (LENET026, LENET027); an undefined <c>Padding</c> value is LENET028.
    /// </summary>
    private static bool ResolvePadding(ConvSpec layer, int index, string name, List<Problem> problems, out int padding)
    {
        padding = layer.Padding;
        if (layer.PaddingMode is not { } mode)
        {
            return true;
        }

        padding = 0;
        if (mode == LeNet.Padding.Valid)
        {
            return true;
        }

        if (mode != LeNet.Padding.Same)
        {
            problems.Add(new Problem(Descriptors.UnknownPadding.Id, ProblemSite.Layer, index, "padding", Args(name, Number((int)mode))));
            return false;
        }

        bool ok = true;
        if (layer.Stride > 1)
        {
            problems.Add(new Problem(Descriptors.SamePaddingStride.Id, ProblemSite.Layer, index, "stride", Args(name, Number(layer.Stride))));
            ok = false;
        }

        if (layer.Kernel > 0 && layer.Kernel % 2 == 0)
        {
            problems.Add(new Problem(Descriptors.SamePaddingEvenKernel.Id, ProblemSite.Layer, index, "kernel", Args(name, Number(layer.Kernel))));
            ok = false;
        }

        padding = layer.Kernel > 0 ? (layer.Kernel - 1) / 2 : 0;
        return ok;
    }

    private static LayerShape? CheckPool(PoolSpec layer, int index, string name, string className, List<Problem> problems, ref bool shapeKnown, int c, int h, int w)
    {
        int size = layer.Size, stride = layer.Stride;
        bool ok = Positive(problems, index, name, "size", size);

        // A stride left out copies the size, so its error would only repeat the size's, on the whole attribute.
        if (ok || stride != PoolSpec.DefaultStride(size))
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

        return LayerShape.Pool(name, className, layer, c, h, w);
    }

    /// <summary>A rate in [0, 1) (LENET029), and a place between two layers (LENET030): not on the input, not the output.</summary>
    private static LayerShape? CheckDropout(DropoutSpec layer, int index, string name, string className, List<Problem> problems, ref bool shapeKnown,
        int c, int h, int w, bool flat, bool afterInput, bool isLast)
    {
        double rate = layer.Rate;
        bool ok = true;

        // The rate is stored as a float: 0.99999999 would round to 1 and drop everything.
        if (double.IsNaN(rate) || rate < 0 || (float)rate >= 1f)
        {
            problems.Add(new Problem(Descriptors.DropoutRate.Id, ProblemSite.Layer, index, "rate", Args(name, rate.ToString("R", CultureInfo.InvariantCulture))));
            ok = false;
        }

        if (afterInput || isLast)
        {
            string where = afterInput
                ? "directly after [Input], where it would drop input pixels"
                : "the last layer, where it would drop outputs the loss reads";
            problems.Add(new Problem(Descriptors.DropoutPlacement.Id, ProblemSite.Layer, index, null, Args(name, where)));
            ok = false;
        }

        if (!ok || !shapeKnown)
        {
            shapeKnown = false;
            return null;
        }

        return LayerShape.Dropout(name, className, (float)rate, c, h, w, flat);
    }

    /// <summary>
    /// Directly after a Conv or Dense layer (LENET031) that has no activation of its own (LENET032), momentum in [0, 1] and
    /// a positive finite ε (LENET033), and no Dropout in the same network (LENET034).
    /// </summary>
    private static LayerShape? CheckBatchNorm(BatchNormSpec layer, int index, string name, string className, List<Problem> problems, ref bool shapeKnown,
        int c, int h, int w, bool flat, LayerSpec? before, string? dropout)
    {
        bool ok = true;
        Activation beforeActivation = before switch
        {
            ConvSpec conv => conv.Activation,
            DenseSpec dense => dense.Activation,
            _ => Activation.None,
        };
        if (before is not ConvSpec and not DenseSpec)
        {
            string what = before switch
            {
                null => "no layer",
                InputSpec => "[Input]",
                _ => "a " + before.AttributeName + " layer",
            };
            problems.Add(new Problem(Descriptors.BatchNormPlacement.Id, ProblemSite.Layer, index, null, Args(name, what)));
            ok = false;
        }
        else if (beforeActivation != Activation.None)
        {
            string beforeName = name.Replace("BN", before is ConvSpec ? "CONV" : "FC");
            problems.Add(new Problem(Descriptors.ActivationBeforeBatchNorm.Id, ProblemSite.Layer, index - 1, "Activation", Args(name, beforeName, beforeActivation.ToString())));
            ok = false;
        }

        // Stored as floats: a momentum or ε that rounds out of range as a float is out of range.
        float momentum = (float)layer.Momentum, epsilon = (float)layer.Epsilon;
        if (double.IsNaN(layer.Momentum) || !(momentum >= 0f && momentum <= 1f))
        {
            problems.Add(new Problem(Descriptors.BatchNormArgument.Id, ProblemSite.Layer, index, "momentum",
                Args(name, "momentum", "from 0 to 1", layer.Momentum.ToString("R", CultureInfo.InvariantCulture))));
            ok = false;
        }

        if (!(epsilon > 0f) || float.IsInfinity(epsilon))
        {
            problems.Add(new Problem(Descriptors.BatchNormArgument.Id, ProblemSite.Layer, index, "epsilon",
                Args(name, "epsilon", "positive and finite as a float", layer.Epsilon.ToString("R", CultureInfo.InvariantCulture))));
            ok = false;
        }

        if (dropout is not null)
        {
            problems.Add(new Problem(Descriptors.BatchNormWithDropout.Id, ProblemSite.Layer, index, null, Args(name)));
            ok = false;
        }

        if (!ok || !shapeKnown)
        {
            shapeKnown = false;
            return null;
        }

        return LayerShape.BatchNorm(name, className, layer, c, h, w, flat);
    }

    private static LayerShape? CheckDense(DenseSpec layer, int index, string name, string className, List<Problem> problems, ref bool shapeKnown, int c, int h, int w)
    {
        int units = layer.Units;
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

        return LayerShape.Dense(name, className, layer, c, h, w);
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

    /// <summary>CONVn, POOLn and FCn count weighted layers; a pool, dropout or batch normalisation shares its layer's number (POOL1, DROP3, BN2); a softmax output is "Softmax".</summary>
    private static string LayerName(LayerSpec layer, int weighted, bool isLast) => layer switch
    {
        ConvSpec => "CONV" + Number(weighted),
        PoolSpec => "POOL" + Number(weighted),
        DropoutSpec => "DROP" + Number(weighted),
        BatchNormSpec => "BN" + Number(weighted),
        DenseSpec { Activation: Activation.Softmax } when isLast => "Softmax",
        _ => "FC" + Number(weighted),
    };

    private static string ClassName(LayerSpec layer, int weighted) => layer switch
    {
        ConvSpec => "Conv" + Number(weighted),
        PoolSpec => "Pool" + Number(weighted),
        DropoutSpec => "Drop" + Number(weighted),
        BatchNormSpec => "Bn" + Number(weighted),
        _ => "Fc" + Number(weighted),
    };

    private static bool Fits(long value) => value >= 0 && value <= int.MaxValue;

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static EquatableArray<string> Args(params string[] args) => new(args);
}
