using System;
using LeNet.Generator.Model;

namespace LeNet.Generator.Emitting;

/// <summary>
/// The batched members of a network whose layers the batched kernels cover (<see cref="ShapeChain.HasBatchKernels"/>):
/// <c>IBatchForward</c> and <c>IBatchBackward</c> on the user's type, and a kernel class that runs one block of 16 images
/// through LeNet.BatchKernels with every size a constant. The block's workspace is the per-image layout with each float
/// widened to 16 lanes: the input, every activation (and padded copy) at 16 × its per-image offset, their gradients
/// after them in the same layout, then scratch for the strided input-gradient convolutions and the transposed dense blocks.
/// </summary>
internal static class BatchEmitter
{
    private const int Lanes = 16;
    private const string Kernels = "BatchKernels";

    /// <summary>The batched interfaces on the network type; the kernel class is <paramref name="batchKernels"/>.</summary>
    public static void Surface(SourceWriter w, NetworkSpec spec, ShapeChain chain, string batchKernels)
    {
        string self = CSharpNames.Identifier(spec.TypeName);
        bool trains = chain.Loss != LossKind.None;
        string interfaces = "global::LeNet.IBatchForward" + (trains ? ", global::LeNet.IBatchBackward" : string.Empty);
        w.Line();
        using (w.Block($"partial class {self} : {interfaces}"))
        {
            w.Lines($$"""
                int global::LeNet.IBatchForward.BatchWorkspaceLength => {{batchKernels}}.ForwardLength;

                void global::LeNet.IBatchForward.ForwardBlock(
                    global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs, int count, global::System.Span<float> workspace) =>
                    {{batchKernels}}.ForwardBlock(_parameters, inputs, outputs, count, workspace);
                """);
            if (!trains)
            {
                return;
            }

            w.Lines($$"""

                int global::LeNet.IBatchBackward.BatchTrainingWorkspaceLength(int examples) =>
                    global::System.Math.Max(TrainingWorkspaceLength, {{batchKernels}}.TrainingLength);

                float global::LeNet.IBatchBackward.BackwardBatch(
                    global::System.ReadOnlySpan<float> inputs,
                    global::System.ReadOnlySpan<int> labels,
                    global::System.Span<float> gradients,
                    global::System.Span<float> outputs,
                    global::System.Span<float> workspace)
                {
                    int count = labels.Length;
                    global::LeNet.GeneratedCodeSupport.CheckLength(inputs.Length, count * InputLength, nameof(inputs));
                    global::LeNet.GeneratedCodeSupport.CheckLength(outputs.Length, count * OutputLength, nameof(outputs));
                    global::LeNet.GeneratedCodeSupport.CheckLength(gradients.Length, ParameterCount, nameof(gradients));
                    for (int i = 0; i < count; i++)
                    {
                        if ((uint)labels[i] >= ClassCount)
                        {
                            throw new global::System.ArgumentOutOfRangeException(
                                nameof(labels), labels[i], $"Expected labels from 0 to {ClassCount - 1}, got {labels[i]} at index {i}.");
                        }
                    }

                    float loss = 0f;
                    if (!global::LeNet.BatchKernels.IsAccelerated)
                    {
                        // Without AVX-512: one Backward per example, the same arithmetic as the per-sample path.
                        for (int i = 0; i < count; i++)
                        {
                            loss += Backward(inputs.Slice(i * InputLength, InputLength), labels[i], gradients, workspace);
                            workspace.Slice(OutputOffset, OutputLength).CopyTo(outputs.Slice(i * OutputLength, OutputLength));
                        }

                        return loss;
                    }

                    global::LeNet.GeneratedCodeSupport.CheckMinimumLength(
                        workspace.Length, {{batchKernels}}.TrainingLength, nameof(workspace));
                    for (int start = 0; start < count; start += global::LeNet.BatchKernels.Lanes)
                    {
                        int n = global::System.Math.Min(global::LeNet.BatchKernels.Lanes, count - start);
                        loss += {{batchKernels}}.BackwardBlock(
                            _parameters,
                            inputs.Slice(start * InputLength, n * InputLength),
                            labels.Slice(start, n),
                            gradients,
                            outputs.Slice(start * OutputLength, n * OutputLength),
                            workspace);
                    }

                    return loss;
                }
                """);
        }
    }

    /// <summary>The block kernels: <c>ForwardBlock</c> always, <c>BackwardBlock</c> when the output has a label loss.</summary>
    public static void KernelClass(SourceWriter w, NetworkSpec spec, ShapeChain chain, string className, string qualifiedType, string generatorVersion)
    {
        var layout = new Layout(chain);
        using (w.Block("namespace " + NetworkEmitter.KernelNamespace))
        {
            w.Lines($$"""
                using System;
                using System.CodeDom.Compiler;
                using LeNet;
                using Net = {{qualifiedType}};

                /// <summary>
                /// The batched kernels of {{spec.DisplayName}}: one block of up to 16 images in the image-innermost layout, every
                /// size a constant. Offsets are floats into the block's workspace.
                /// </summary>
                [GeneratedCode("LeNet.Generator", "{{generatorVersion}}")]
                """);
            using (w.Block($"file static class {className}"))
            {
                w.Line("/// <summary>Floats of workspace ForwardBlock needs: the input and every activation, 16 lanes each.</summary>");
                w.Line($"public const int ForwardLength = {SourceWriter.Int(layout.ForwardLength)};");
                w.Line("/// <summary>Floats of workspace BackwardBlock needs: the activations, their gradients and the backward scratch.</summary>");
                w.Line($"public const int TrainingLength = {SourceWriter.Int(layout.TrainingLength)};");
                w.Line($"private const int Deltas = {SourceWriter.Int(layout.Deltas)};");
                w.Line($"private const int Scratch = {SourceWriter.Int(layout.Scratch)};");
                w.Line();
                ForwardBlock(w, chain, layout);
                if (chain.Loss != LossKind.None)
                {
                    BackwardBlock(w, chain, layout);
                }
            }
        }
    }

    private static void ForwardBlock(SourceWriter w, ShapeChain chain, Layout layout)
    {
        w.Line("/// <summary>Runs <paramref name=\"count\"/> images (at most 16) and writes their outputs back to back.</summary>");
        using (w.Method("public static void ForwardBlock", "ReadOnlySpan<float> parameters", "ReadOnlySpan<float> inputs", "Span<float> outputs", "int count", "Span<float> workspace"))
        {
            w.Line("GeneratedCodeSupport.CheckMinimumLength(workspace.Length, ForwardLength, nameof(workspace));");
            Forward(w, chain, layout);
            LayerShape last = chain.Last;
            w.Line($"{Kernels}.FromLanes({Slice("workspace", layout.Output(last), last.OutputLength)}, count, Net.OutputLength, outputs);");
            if (last.Activation == Activation.Softmax)
            {
                using (w.Block("for (int image = 0; image < count; image++)"))
                {
                    w.Line("GeneratedCodeSupport.Softmax(outputs.Slice(image * Net.OutputLength, Net.OutputLength));");
                }
            }
        }

        w.Line();
    }

    /// <summary>The forward pass of a block, keeping every activation (what backward reads).</summary>
    private static void Forward(SourceWriter w, ShapeChain chain, Layout layout)
    {
        w.Line($"{Kernels}.ToLanes(inputs, count, Net.InputLength, {Slice("workspace", 0, chain.InputLength)});");
        foreach (LayerShape layer in chain.Layers)
        {
            w.Line($"// {layer.Name}");
            string x = Slice("workspace", layout.Input(layer), layer.InputLength);
            string y = Slice("workspace", layout.Output(layer), layer.OutputLength);
            switch (layer.Kind)
            {
                case LayerType.Conv:
                {
                    string source = x;
                    if (layer.IsPadded)
                    {
                        source = Slice("workspace", layout.Padded(layer), layer.PaddedLength);
                        w.Call($"{Kernels}.Pad", Args(("x", x), ("channels", I(layer.InC)), ("height", I(layer.InH)), ("width", I(layer.InW)), ("padding", I(layer.Padding)), ("xp", source)));
                    }

                    w.Call($"{Kernels}.Conv", Args(
                        ("x", source), ("inC", I(layer.InC)), ("inH", I(layer.PaddedH)), ("inW", I(layer.PaddedW)), ("w", Weights(layer, "parameters")), ("b", Biases(layer, "parameters")),
                        ("outC", I(layer.OutC)), ("kernel", I(layer.Kernel)), ("stride", I(layer.Stride)), ("y", y), ("outH", I(layer.OutH)), ("outW", I(layer.OutW)),
                        ("relu", layer.Activation == Activation.ReLU ? "true" : "false")));
                    Activate(w, layer, y);
                    break;
                }

                case LayerType.MaxPool:
                case LayerType.AvgPool:
                    w.Call($"{Kernels}.Pool", Args(
                        ("x", x), ("channels", I(layer.InC)), ("inH", I(layer.InH)), ("inW", I(layer.InW)), ("kernel", I(layer.Kernel)), ("stride", I(layer.Stride)),
                        ("y", y), ("outH", I(layer.OutH)), ("outW", I(layer.OutW)), ("average", layer.Kind == LayerType.AvgPool ? "true" : "false")));
                    break;
                default:
                    w.Call($"{Kernels}.Dense", Args(
                        ("x", x), ("inputs", I(layer.InC)), ("w", Weights(layer, "parameters")), ("b", Biases(layer, "parameters")), ("outputs", I(layer.OutC)), ("y", y),
                        ("relu", layer.Activation == Activation.ReLU ? "true" : "false")));
                    Activate(w, layer, y);
                    break;
            }
        }
    }

    /// <summary>Tanh and sigmoid after the layer (ReLU is fused into it, softmax is per image at the end).</summary>
    private static void Activate(SourceWriter w, LayerShape layer, string y)
    {
        if (layer.Activation is Activation.Tanh or Activation.Sigmoid)
        {
            w.Line($"{Kernels}.Activate(Activation.{layer.Activation}, {y});");
        }
    }

    private static void BackwardBlock(SourceWriter w, ShapeChain chain, Layout layout)
    {
        w.Lines("""
            /// <summary>
            /// Runs up to 16 images and back-propagates each label's loss, adding the block's parameter gradients into
            /// <paramref name="gradients"/> and writing each image's output; returns the block's summed loss.
            /// </summary>
            """);
        using (w.Method("public static float BackwardBlock", "ReadOnlySpan<float> parameters", "ReadOnlySpan<float> inputs", "ReadOnlySpan<int> labels", "Span<float> gradients", "Span<float> outputs", "Span<float> workspace"))
        {
            w.Line("int count = labels.Length;");
            Forward(w, chain, layout);
            LayerShape last = chain.Last;
            w.Call("float loss = " + Kernels + ".OutputLoss", Args(
                ("loss", "LossKind." + chain.Loss), ("logits", Slice("workspace", layout.Output(last), last.OutputLength)), ("units", I(last.OutC)), ("labels", "labels"), ("outputs", "outputs"),
                ("delta", Slice("workspace", layout.Delta(last), last.OutputLength)), ("row", $"workspace.Slice(Scratch, {I(last.OutputLength)})")));
            for (int i = chain.Layers.Count - 1; i >= 0; i--)
            {
                LayerShape layer = chain.Layers[i];
                w.Line($"// {layer.Name}");
                string y = Slice("workspace", layout.Output(layer), layer.OutputLength);
                string dy = Slice("workspace", layout.Delta(layer), layer.OutputLength);
                string x = Slice("workspace", layout.Input(layer), layer.InputLength);
                string dx = layer.HasInputGradient ? Slice("workspace", layout.InputDelta(layer), layer.InputLength) : "Span<float>.Empty";
                if (i < chain.Layers.Count - 1 && layer.Activation is Activation.ReLU or Activation.Tanh or Activation.Sigmoid
                    && !ReluMaskedByPool(chain, i))
                {
                    w.Line($"{Kernels}.ActivationBackward(Activation.{layer.Activation}, {y}, {dy});");
                }

                switch (layer.Kind)
                {
                    case LayerType.Conv:
                        ConvBackward(w, layer, layout, x, dy, dx);
                        break;
                    case LayerType.MaxPool:
                    case LayerType.AvgPool:
                        if (layer.HasInputGradient)
                        {
                            w.Call($"{Kernels}.PoolBackward", Args(
                                ("dy", dy), ("x", x), ("channels", I(layer.InC)), ("inH", I(layer.InH)), ("inW", I(layer.InW)), ("kernel", I(layer.Kernel)), ("stride", I(layer.Stride)),
                                ("dx", dx), ("outH", I(layer.OutH)), ("outW", I(layer.OutW)), ("average", layer.Kind == LayerType.AvgPool ? "true" : "false"),
                                ("reluBefore", ReluMaskedByPool(chain, i - 1) ? "true" : "false")));
                        }

                        break;
                    default:
                        w.Call($"{Kernels}.DenseBackward", Args(
                            ("dz", dy), ("x", x), ("w", Weights(layer, "parameters")), ("inputs", I(layer.InC)), ("outputs", I(layer.OutC)), ("dx", dx),
                            ("dw", Weights(layer, "gradients")), ("db", Biases(layer, "gradients")), ("scratch", $"workspace.Slice(Scratch, {I((layer.InC + layer.OutC) * Lanes)})")));
                        break;
                }
            }

            w.Line("return loss;");
        }
    }

    /// <summary>
    /// Whether layer <paramref name="i"/>'s ReLU backward is left to the pool after it: the pool's backward then routes
    /// and masks in one pass over the gradient instead of two.
    /// </summary>
    private static bool ReluMaskedByPool(ShapeChain chain, int i) =>
        i >= 0 && i < chain.Layers.Count - 1 && chain.Layers[i].Activation == Activation.ReLU
        && chain.Layers[i + 1].Kind is LayerType.MaxPool or LayerType.AvgPool && chain.Layers[i + 1].HasInputGradient;

    private static void ConvBackward(SourceWriter w, LayerShape layer, Layout layout, string x, string dy, string dx)
    {
        string source = layer.IsPadded ? Slice("workspace", layout.Padded(layer), layer.PaddedLength) : x;
        w.Call($"{Kernels}.ConvWeightGradient", Args(
            ("dy", dy), ("outC", I(layer.OutC)), ("outH", I(layer.OutH)), ("outW", I(layer.OutW)), ("x", source), ("inC", I(layer.InC)), ("inH", I(layer.PaddedH)), ("inW", I(layer.PaddedW)),
            ("kernel", I(layer.Kernel)), ("stride", I(layer.Stride)), ("dw", Weights(layer, "gradients")), ("db", Biases(layer, "gradients"))));
        if (!layer.HasInputGradient)
        {
            return;
        }

        int k = layer.Kernel;
        string dxp = layer.IsPadded ? Slice("workspace", layout.PaddedDelta(layer), layer.PaddedLength) : dx;
        if (layer.Stride == 1)
        {
            // Stride 1: dy needs no spreading, and the kernel leaves out the terms beyond its edges itself.
            w.Call($"{Kernels}.ConvInputGradient", Args(
                ("dy", dy), ("outC", I(layer.OutC)), ("outH", I(layer.OutH)), ("outW", I(layer.OutW)), ("w", Weights(layer, "parameters")), ("inC", I(layer.InC)),
                ("kernel", I(k)), ("dx", dxp), ("inH", I(layer.PaddedH)), ("inW", I(layer.PaddedW))));
            Unpad(w, layer, dxp, dx);
            return;
        }

        // Larger strides: a stride-1 convolution of the dilated, framed dy with the flipped, transposed filters.
        int dilatedH = layer.PaddedH + k - 1, dilatedW = layer.PaddedW + k - 1;
        int dilatedLength = layer.OutC * dilatedH * dilatedW * Lanes;
        int filters = layer.OutC * layer.InC * k * k;
        string dilated = $"workspace.Slice(Scratch, {I(dilatedLength)})";
        string flipped = $"workspace.Slice(Scratch + {I(dilatedLength)}, {I(filters)})";
        w.Call($"{Kernels}.FlipFilters", Args(("w", Weights(layer, "parameters")), ("outC", I(layer.OutC)), ("inC", I(layer.InC)), ("kernel", I(k)), ("flipped", flipped)));
        w.Call($"{Kernels}.Dilate", Args(
            ("dy", dy), ("outC", I(layer.OutC)), ("outH", I(layer.OutH)), ("outW", I(layer.OutW)), ("kernel", I(k)), ("stride", I(layer.Stride)),
            ("paddedH", I(layer.PaddedH)), ("paddedW", I(layer.PaddedW)), ("d", dilated)));
        w.Call($"{Kernels}.Conv", Args(
            ("x", dilated), ("inC", I(layer.OutC)), ("inH", I(dilatedH)), ("inW", I(dilatedW)), ("w", flipped), ("b", "ReadOnlySpan<float>.Empty"),
            ("outC", I(layer.InC)), ("kernel", I(k)), ("stride", "1"), ("y", dxp), ("outH", I(layer.PaddedH)), ("outW", I(layer.PaddedW)), ("relu", "false"),
            ("dataFrom", I(k - 1)), ("dataTo", I(k + ((layer.OutH - 1) * layer.Stride)))));
        Unpad(w, layer, dxp, dx);
    }

    private static void Unpad(SourceWriter w, LayerShape layer, string dxp, string dx)
    {
        if (layer.IsPadded)
        {
            w.Call($"{Kernels}.Unpad", Args(("dxp", dxp), ("channels", I(layer.InC)), ("height", I(layer.InH)), ("width", I(layer.InW)), ("padding", I(layer.Padding)), ("dx", dx)));
        }
    }

    private static (string Name, string Value)[] Args(params (string Name, string Value)[] args) => args;

    private static string I(int value) => SourceWriter.Int(value);

    private static string Slice(string span, long offset, int length) =>
        $"{span}.Slice({SourceWriter.Int(offset)}, {SourceWriter.Int((long)length * Lanes)})";

    private static string Weights(LayerShape layer, string span) => $"{span}.Slice(Net.{layer.ClassName}.WeightOffset, Net.{layer.ClassName}.WeightLength)";

    private static string Biases(LayerShape layer, string span) => $"{span}.Slice(Net.{layer.ClassName}.BiasOffset, Net.{layer.ClassName}.BiasLength)";

    /// <summary>Where each buffer of a block sits: the per-image layout widened to 16 lanes, after the block's input.</summary>
    private sealed class Layout
    {
        private readonly long _activations;

        public Layout(ShapeChain chain)
        {
            _activations = (long)chain.InputLength * Lanes;
            Deltas = _activations + ((long)chain.WorkspaceLength * Lanes);
            Scratch = Deltas + ((long)chain.WorkspaceLength * Lanes);
            long scratch = chain.OutputLength;
            foreach (LayerShape layer in chain.Layers)
            {
                if (layer.Kind == LayerType.Dense)
                {
                    scratch = Math.Max(scratch, (long)(layer.InC + layer.OutC) * Lanes);
                }
                else if (layer.Kind == LayerType.Conv && layer.HasInputGradient && layer.Stride > 1)
                {
                    int k = layer.Kernel;
                    long dilated = (long)layer.OutC * (layer.PaddedH + k - 1) * (layer.PaddedW + k - 1) * Lanes;
                    scratch = Math.Max(scratch, dilated + ((long)layer.OutC * layer.InC * k * k));
                }
            }

            ForwardLength = Deltas;
            TrainingLength = Scratch + scratch;
        }

        public long ForwardLength { get; }

        public long TrainingLength { get; }

        public long Deltas { get; }

        public long Scratch { get; }

        public long Input(LayerShape layer) => layer.HasInputGradient ? _activations + ((long)layer.InputOffset * Lanes) : 0;

        public long Output(LayerShape layer) => _activations + ((long)layer.OutputOffset * Lanes);

        public long Padded(LayerShape layer) => _activations + ((long)layer.PaddedOffset * Lanes);

        public long Delta(LayerShape layer) => Deltas + ((long)layer.OutputOffset * Lanes);

        public long InputDelta(LayerShape layer) => Deltas + ((long)layer.InputOffset * Lanes);

        public long PaddedDelta(LayerShape layer) => Deltas + ((long)layer.PaddedOffset * Lanes);
    }
}
