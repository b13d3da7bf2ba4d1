using System;
using System.Globalization;
using System.Text;
using LeNet.Generator.Model;

namespace LeNet.Generator.Emitting;

internal static partial class NetworkEmitter
{
    /// <summary>The label loss the output layer supports: softmax pairs with cross-entropy, one sigmoid unit with binary cross-entropy.</summary>
    private static string LossKind(LayerShape last) =>
        last.Activation == ActivationKind.Softmax ? "CrossEntropy"
        : last.Activation == ActivationKind.Sigmoid && last.OutputLength == 1 ? "BinaryCrossEntropy"
        : "None";

    /// <summary>FNV-1a 64 of a canonical text of the architecture: equal for equal networks, whatever the type is called.</summary>
    internal static ulong Fingerprint(ShapeChain chain)
    {
        var text = new StringBuilder();
        text.Append("lenet-v1;in ").Append(chain.InC).Append('x').Append(chain.InH).Append('x').Append(chain.InW);
        foreach (LayerShape layer in chain.Layers)
        {
            text.Append(';').Append(layer.Kind).Append(' ').Append(layer.OutC).Append(' ')
                .Append(layer.Kernel).Append(' ').Append(layer.Stride).Append(' ').Append(layer.Padding).Append(' ').Append(layer.Activation);
        }

        ulong hash = 14695981039346656037UL;
        foreach (char c in text.ToString())
        {
            hash = unchecked((hash ^ c) * 1099511628211UL);
        }

        return hash;
    }

    private static void EmitLayerInfos(SourceWriter w, ShapeChain chain)
    {
        w.Line("private static readonly global::LeNet.LayerInfo[] s_layers =");
        w.Line("{");
        // What each layer reads, before flattening: a dense layer's own InC is its flattened input length.
        (int inC, int inH, int inW) = (chain.InC, chain.InH, chain.InW);
        foreach (LayerShape layer in chain.Layers)
        {
            int kernelArea = layer.Kernel * layer.Kernel;
            (int fanIn, int fanOut) = layer.Kind switch
            {
                LayerKind.Conv => (layer.InC * kernelArea, layer.OutC * kernelArea),
                LayerKind.Dense => (layer.InC, layer.OutC),
                _ => (kernelArea, 1),
            };
            w.Line($"    new global::LeNet.LayerInfo(\"{layer.Name}\", global::LeNet.LayerType.{layer.Kind}, global::LeNet.Activation.{layer.Activation}, " +
                $"{SourceWriter.Int(layer.WeightOffset)}, {SourceWriter.Int(layer.WeightLength)}, {SourceWriter.Int(layer.BiasOffset)}, {SourceWriter.Int(layer.BiasLength)}, " +
                $"{SourceWriter.Int(fanIn)}, {SourceWriter.Int(fanOut)}, {SourceWriter.Int(layer.OutputLength)})");
            bool windowed = layer.Kind != LayerKind.Dense;
            w.Line($"    {{ Input = new global::LeNet.ActivationShape({SourceWriter.Int(inC)}, {SourceWriter.Int(inH)}, {SourceWriter.Int(inW)}), " +
                $"Output = new global::LeNet.ActivationShape({SourceWriter.Int(layer.OutC)}, {SourceWriter.Int(layer.OutH)}, {SourceWriter.Int(layer.OutW)}), " +
                $"Kernel = {SourceWriter.Int(windowed ? layer.Kernel : 0)}, Stride = {SourceWriter.Int(windowed ? layer.Stride : 0)}, Padding = {SourceWriter.Int(layer.Padding)} }},");
            (inC, inH, inW) = (layer.OutC, layer.OutH, layer.OutW);
        }

        w.Line("};");
        w.Line();
    }

    private static void EmitBackwardMembers(SourceWriter w, ShapeChain chain)
    {
        LayerShape last = chain.Last;
        string loss = LossKind(last);

        w.Line("/// <summary>Runs the network and back-propagates the label's loss; adds every parameter's gradient into <paramref name=\"gradients\"/> (same order as Parameters).</summary>");
        w.Line("/// <returns>The example's loss.</returns>");
        w.Open($"public float Backward({ReadOnlySpan} input, int label, {Span} gradients, {Span} workspace)");
        if (loss == "None")
        {
            w.Line($"throw new global::System.InvalidOperationException(\"{last.Name} has activation {last.Activation}; a label loss needs a Softmax output or a single Sigmoid unit. Use Backward(input, outputGradient, gradients, workspace).\");");
            w.Close();
            w.Line();
        }
        else
        {
            EmitTrainingChecks(w);
            int classes = loss == "CrossEntropy" ? last.OutputLength : 2;
            w.Open($"if ((uint)label >= {classes})");
            w.Line($"throw new global::System.ArgumentOutOfRangeException(nameof(label), label, \"Expected a label from 0 to {classes - 1}.\");");
            w.Close();
            w.Line("ForwardCore(_parameters, input, workspace);");
            w.Line($"{ReadOnlySpan} probabilities = workspace.Slice(OutputOffset, OutputLength);");
            w.Line($"{Span} outputGradient = workspace.Slice(WorkspaceLength + OutputOffset, OutputLength);");
            if (loss == "CrossEntropy")
            {
                w.Line("// Softmax and cross-entropy fused: dL/dz = p - onehot(label).");
                w.Line("probabilities.CopyTo(outputGradient);");
                w.Line("outputGradient[label] -= 1f;");
                w.Line("float loss = global::LeNet.Kernels.NegativeLog(probabilities[label]);");
            }
            else
            {
                w.Line("// Sigmoid and binary cross-entropy fused: dL/dz = p - label.");
                w.Line("float p = probabilities[0];");
                w.Line("outputGradient[0] = p - label;");
                w.Line("float loss = global::LeNet.Kernels.NegativeLog(label == 1 ? p : 1f - p);");
            }

            w.Line("BackwardCore(_parameters, input, gradients, workspace, outputIsPreActivation: true);");
            w.Line("return loss;");
            w.Close();
            w.Line();
        }

        w.Line("/// <summary>Runs the network and back-propagates <paramref name=\"outputGradient\"/>, the gradient of some loss with respect to the output; adds every parameter's gradient into <paramref name=\"gradients\"/>.</summary>");
        w.Open($"public void Backward({ReadOnlySpan} input, {ReadOnlySpan} outputGradient, {Span} gradients, {Span} workspace)");
        EmitTrainingChecks(w);
        EmitLengthCheck(w, "outputGradient", "OutputLength", "==");
        w.Line("ForwardCore(_parameters, input, workspace);");
        w.Line("outputGradient.CopyTo(workspace.Slice(WorkspaceLength + OutputOffset, OutputLength));");
        w.Line("BackwardCore(_parameters, input, gradients, workspace, outputIsPreActivation: false);");
        w.Close();
        w.Line();

        w.Line("/// <summary>");
        w.Line("/// The backward pass. The gradient of the loss with respect to each activation lives in the second half of the");
        w.Line("/// workspace at the activation's own offset; each layer overwrites its input's gradient and adds to its parameters'.");
        w.Line("/// </summary>");
        w.Open($"private static void BackwardCore({ReadOnlySpan} parameters, {ReadOnlySpan} input, {Span} gradients, {Span} workspace, bool outputIsPreActivation)");
        w.Line($"{Span} deltas = workspace.Slice(WorkspaceLength, WorkspaceLength);");
        for (int i = chain.Layers.Count - 1; i >= 0; i--)
        {
            LayerShape layer = chain.Layers[i];
            string y = OutputSpan(layer, "workspace");
            string dy = OutputSpan(layer, "deltas");
            w.Line($"// {layer.Name}");
            string? activationBackward = layer.Activation switch
            {
                ActivationKind.ReLU => "ReluBackward",
                ActivationKind.Tanh => "TanhBackward",
                ActivationKind.Sigmoid => "SigmoidBackward",
                ActivationKind.Softmax => "SoftmaxBackward",
                _ => null,
            };
            if (activationBackward is not null)
            {
                string call = $"global::LeNet.Kernels.{activationBackward}({y}, {dy});";
                if (i == chain.Layers.Count - 1)
                {
                    w.Open("if (!outputIsPreActivation)");
                    w.Line(call);
                    w.Close();
                }
                else
                {
                    w.Line(call);
                }
            }

            bool hasInputGradient = layer.InputOffset >= 0;
            string dx = hasInputGradient ? InputSpan(layer, "deltas", "input") : string.Empty;
            string x = InputSpan(layer, "workspace", "input");
            switch (layer.Kind)
            {
                case LayerKind.Conv:
                {
                    string xs = layer.PaddedOffset >= 0 ? PaddedSpan(layer, "workspace") : x;
                    string dxs = layer.PaddedOffset >= 0 ? PaddedSpan(layer, "deltas") : dx;
                    string grads = $"{WeightSpan(layer, "gradients")}, {BiasSpan(layer, "gradients")}";
                    w.Line(hasInputGradient
                        ? $"{layer.ClassName}Backward({dy}, {xs}, {WeightSpan(layer, "parameters")}, {dxs}, {grads});"
                        : $"{layer.ClassName}WeightBackward({dy}, {xs}, {grads});");
                    if (hasInputGradient && layer.PaddedOffset >= 0)
                    {
                        w.Line($"{layer.ClassName}Unpad({dxs}, {dx});");
                    }

                    break;
                }

                case LayerKind.Dense:
                    w.Line($"{layer.ClassName}Backward({dy}, {x}, {WeightSpan(layer, "parameters")}, {(hasInputGradient ? dx : Span + ".Empty")}, {WeightSpan(layer, "gradients")}, {BiasSpan(layer, "gradients")});");
                    break;
                default:
                    if (hasInputGradient)
                    {
                        w.Line($"{layer.ClassName}Backward({dy}, {x}, {dx});");
                    }

                    break;
            }
        }

        w.Close();
        w.Line();
    }

    private static void EmitTrainingChecks(SourceWriter w)
    {
        EmitLengthCheck(w, "input", "InputLength", "==");
        EmitLengthCheck(w, "gradients", "ParameterCount", "==");
        EmitLengthCheck(w, "workspace", "TrainingWorkspaceLength", ">=");
    }

    private static void EmitBackwardKernel(SourceWriter w, LayerShape layer, UnrollKind unroll)
    {
        switch (layer.Kind)
        {
            case LayerKind.Conv:
                bool hasInputGradient = layer.InputOffset >= 0;
                if (hasInputGradient && layer.PaddedOffset >= 0)
                {
                    EmitUnpad(w, layer);
                }

                EmitConvBackward(w, layer, unroll, hasInputGradient);
                break;
            case LayerKind.MaxPool:
            case LayerKind.AvgPool:
                if (layer.InputOffset >= 0)
                {
                    EmitPoolBackward(w, layer, unroll);
                }

                break;
            default:
                EmitDenseBackward(w, layer);
                break;
        }
    }

    private static void EmitUnpad(SourceWriter w, LayerShape layer)
    {
        int p = layer.Padding;
        w.Line($"/// <summary>{layer.Name}: copies the middle of dxp ({layer.InC},{layer.PaddedH},{layer.PaddedW}) into dx ({layer.InC},{layer.InH},{layer.InW}); the padding's gradient is dropped.</summary>");
        w.Open($"private static void {layer.ClassName}Unpad({ReadOnlySpan} dxp, {Span} dx)");
        w.Open($"for (int c = 0; c < {layer.InC}; c++)");
        w.Open($"for (int row = 0; row < {layer.InH}; row++)");
        w.Line($"dxp.Slice((c * {layer.PaddedH} + row + {p}) * {layer.PaddedW} + {p}, {layer.InW}).CopyTo(dx.Slice((c * {layer.InH} + row) * {layer.InW}, {layer.InW}));");
        w.Close();
        w.Close();
        w.Close();
        w.Line();
    }

    /// <summary>
    /// Convolution backward. With stride 1 and rows at least a vector wide it works on vectors of output columns (see
    /// <see cref="EmitWeightGradientVectors"/> and <see cref="EmitInputGradientVectors"/>); otherwise one output at a
    /// time: its gradient g adds g·x to each tap's weight gradient and g·w to each tap's input gradient. Zero gradients
    /// (ReLU's dead units, MaxPool's losers) are skipped, a vector block at a time on the vector path.
    /// </summary>
    private static void EmitConvBackward(SourceWriter w, LayerShape layer, UnrollKind unroll, bool hasInputGradient)
    {
        int k = layer.Kernel, s = layer.Stride, inW = layer.PaddedW, inH = layer.PaddedH, inC = layer.InC;
        int rows = WeightGradientRows(layer), channels = InputGradientChannels(layer);

        // IL per tap over every copy of the window: the vector dW pass writes a multiply-add per row, about one load
        // and a reduction; the vector dx pass a broadcast multiply-add per channel and a load-add-store; the scalar
        // path a statement for dW and one for dx.
        int scalarTap = (hasInputGradient ? 2 : 1) * StatementBytes;
        int vectorTap = (rows * FmaBytes) + LoadBytes + StatementBytes
            + (hasInputGradient ? (channels * (BroadcastBytes + FmaBytes)) + StatementBytes : 0);
        unroll = Budgeted(unroll, k, s == 1 ? vectorTap + scalarTap : scalarTap);
        w.Line(hasInputGradient
            ? $"/// <summary>{EscapeXml(ShapeComment(layer))}, backward. Overwrites dx; adds to dw and db.</summary>"
            : $"/// <summary>{EscapeXml(ShapeComment(layer))}, backward for the first layer: no input gradient. Adds to dw and db.</summary>");
        w.Open(hasInputGradient
            ? $"private static void {layer.ClassName}Backward({ReadOnlySpan} dy, {ReadOnlySpan} x, {ReadOnlySpan} w, {Span} dx, {Span} dw, {Span} db)"
            : $"private static void {layer.ClassName}WeightBackward({ReadOnlySpan} dy, {ReadOnlySpan} x, {Span} dw, {Span} db)");
        w.Line($"ref float dys = ref {MemoryMarshal}.GetReference(dy);");
        w.Line($"ref float xs = ref {MemoryMarshal}.GetReference(x);");
        w.Line($"ref float dws = ref {MemoryMarshal}.GetReference(dw);");
        if (hasInputGradient)
        {
            w.Line($"ref float ws = ref {MemoryMarshal}.GetReference(w);");
            w.Line($"ref float dxs = ref {MemoryMarshal}.GetReference(dx);");
            w.Line("dx.Clear();");
        }

        // Row and None keep the K² dW sums on the stack, so very large kernels stay scalar.
        if (s == 1 && (unroll == UnrollKind.Window || k * k <= MaxStackSums))
        {
            w.Open($"if ({Vector}.IsHardwareAccelerated && {layer.OutW} >= {VectorF}.Count)");
            EmitWeightGradientVectors(w, layer, unroll, rows);
            if (hasInputGradient)
            {
                EmitInputGradientVectors(w, layer, unroll, channels);
            }

            w.Line("return;");
            w.Close();
            w.Line();
        }

        w.Open($"for (int oc = 0; oc < {layer.OutC}; oc++)");
        w.Line("float biasGradient = 0f;");
        w.Open($"for (int oy = 0; oy < {layer.OutH}; oy++)");
        w.Open($"for (int ox = 0; ox < {layer.OutW}; ox++)");
        w.Line($"float g = {Unsafe}.Add(ref dys, (oc * {layer.OutH} + oy) * {layer.OutW} + ox);");
        w.Open("if (g == 0f)");
        w.Line("continue;");
        w.Close();
        w.Line("biasGradient += g;");
        w.Open($"for (int ic = 0; ic < {inC}; ic++)");
        w.Line($"int xi = (ic * {inH} + oy * {s}) * {inW} + ox * {s};");
        w.Line($"int wi = (oc * {inC} + ic) * {k * k};");
        EmitWindow(w, k, inW, unroll, "xi", "wi", (xo, wo) =>
            $"{Unsafe}.Add(ref dws, {wo}) += g * {Unsafe}.Add(ref xs, {xo});" +
            (hasInputGradient ? $" {Unsafe}.Add(ref dxs, {xo}) += g * {Unsafe}.Add(ref ws, {wo});" : string.Empty));
        w.Close();
        w.Close();
        w.Close();
        w.Line("db[oc] += biasGradient;");
        w.Close();
        w.Close();
        w.Line();
    }

    /// <summary>Most dW vector sums kept on the stack: 16 KB with 512-bit vectors.</summary>
    private const int MaxStackSums = 256;

    /// <summary>Output rows one dW step takes: two (or three) rows share most of their input loads.</summary>
    private static int WeightGradientRows(LayerShape layer) => layer.OutH % 2 == 0 ? 2 : layer.OutH % 3 == 0 ? 3 : 1;

    /// <summary>Output channels whose gradients one dx step adds into each input-gradient vector it loads and stores.</summary>
    private static int InputGradientChannels(LayerShape layer) => layer.OutC % 8 == 0 ? 8 : layer.OutC % 4 == 0 ? 4 : layer.OutC % 2 == 0 ? 2 : 1;

    /// <summary>
    /// Opens the loops over output rows (<paramref name="rows"/> at a time) and column blocks of the output gradient,
    /// and loads the vectors g&lt;i&gt; at the given offsets from dy's row oy, channel oc. The last block may overlap
    /// the one before it, so its lanes before start are zeroed; a block that is all zero is skipped. The caller closes
    /// two blocks.
    /// </summary>
    private static void OpenGradientBlocks(SourceWriter w, LayerShape layer, int rows, params int[] offsets)
    {
        int outH = layer.OutH, outW = layer.OutW;
        w.Open($"for (int oy = 0; oy < {outH}; oy{Step(rows)})");
        w.Open($"for (int start = 0; start < {outW}; start += {VectorF}.Count)");
        w.Line($"int ox = global::System.Math.Min(start, {outW} - {VectorF}.Count);");
        w.Line("// Lanes before start were in the previous block: zero them so no gradient counts twice.");
        w.Line($"{VectorF} fresh = {Vector}.AsVectorSingle({Vector}.GreaterThanOrEqual(global::System.Numerics.Vector<int>.Indices, new global::System.Numerics.Vector<int>(start - ox)));");
        w.Line($"int dyi = (oc * {outH} + oy) * {outW} + ox;");
        string G(int i) => offsets.Length == 1 ? "g" : "g" + SourceWriter.Int(i);
        w.Line($"{VectorF} {List(offsets.Length, i => $"{G(i)} = {Vector}.LoadUnsafe(ref dys, (nuint)({Plus("dyi", offsets[i])})) & fresh")};");
        w.Open($"if ({List(offsets.Length, i => $"{G(i)} == {VectorF}.Zero", " && ")})");
        w.Line("continue;");
        w.Close();
    }

    /// <summary>
    /// db, then dW with vectors: per (oc, ic) a vector sum for each tap over the whole output plane, <paramref name="rows"/>
    /// output rows a step, reduced to one number at the end. Window keeps the K² sums in locals and lets the rows of a
    /// step share each input row they read; Row and None keep them in a stack buffer indexed by tap.
    /// </summary>
    private static void EmitWeightGradientVectors(SourceWriter w, LayerShape layer, UnrollKind unroll, int rows)
    {
        int k = layer.Kernel, inW = layer.PaddedW, inH = layer.PaddedH, inC = layer.InC, outW = layer.OutW;
        int[] rowOffsets = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            rowOffsets[r] = r * outW;
        }

        string G(int r) => rows == 1 ? "g" : "g" + SourceWriter.Int(r);
        string Load(string offset) => $"{Vector}.LoadUnsafe(ref xs, (nuint)({offset}))";
        string Fma(string sum, string g, string x) => $"{sum} = {Vector}.MultiplyAddEstimate({g}, {x}, {sum});";

        if (unroll != UnrollKind.Window)
        {
            w.Line("// dW's per-tap vector sums live here: loops over taps cannot name K² locals.");
            w.Line($"global::System.Span<{VectorF}> sums = stackalloc {VectorF}[{k * k}];");
            w.Line($"ref {VectorF} ts = ref {MemoryMarshal}.GetReference(sums);");
        }

        w.Open($"for (int oc = 0; oc < {layer.OutC}; oc++)");
        w.Line($"{VectorF} biasSum = {VectorF}.Zero;");
        OpenGradientBlocks(w, layer, 1, 0);
        w.Line("biasSum += g;");
        w.Close();
        w.Close();
        w.Line($"db[oc] += {Vector}.Sum(biasSum);");
        w.Open($"for (int ic = 0; ic < {inC}; ic++)");
        w.Line($"int wi = (oc * {inC} + ic) * {k * k};");
        switch (unroll)
        {
            case UnrollKind.Window:
                w.Line("// t<i> sums dW's tap i = ky * K + kx over the output plane, lane by lane.");
                for (int ky = 0; ky < k; ky++)
                {
                    w.Line($"{VectorF} {List(k, kx => $"t{(ky * k) + kx} = {VectorF}.Zero")};");
                }

                OpenGradientBlocks(w, layer, rows, rowOffsets);
                w.Line($"int xi = (ic * {inH} + oy) * {inW} + ox;");
                w.Line($"{VectorF} xv;");
                if (rows > 1)
                {
                    w.Line("// Input row oy + j feeds kernel row j - r of output row oy + r.");
                }

                for (int j = 0; j < rows + k - 1; j++)
                {
                    for (int kx = 0; kx < k; kx++)
                    {
                        var line = new StringBuilder($"xv = {Load(Plus("xi", (j * inW) + kx))};");
                        for (int r = Math.Max(0, j - k + 1); r <= Math.Min(rows - 1, j); r++)
                        {
                            line.Append(' ').Append(Fma($"t{((j - r) * k) + kx}", G(r), "xv"));
                        }

                        w.Line(line.ToString());
                    }
                }

                w.Close();
                w.Close();
                for (int i = 0; i < k * k; i++)
                {
                    w.Line($"{Unsafe}.Add(ref dws, {Plus("wi", i)}) += {Vector}.Sum(t{i});");
                }

                break;
            default:
                w.Line("sums.Clear();");
                OpenGradientBlocks(w, layer, rows, rowOffsets);
                w.Line($"int xi = (ic * {inH} + oy) * {inW} + ox;");
                EmitWindow(w, k, inW, unroll, "xi", "wi", tap =>
                {
                    string t = $"{Unsafe}.Add(ref ts, {tap.Index})";
                    var sum = new StringBuilder(t);
                    for (int r = 0; r < rows; r++)
                    {
                        sum.Insert(0, $"{Vector}.MultiplyAddEstimate({G(r)}, {Load(tap.X(r * inW))}, ").Append(')');
                    }

                    w.Line($"{t} = {sum};");
                });
                w.Close();
                w.Close();
                w.Open($"for (int i = 0; i < {k * k}; i++)");
                w.Line($"{Unsafe}.Add(ref dws, wi + i) += {Vector}.Sum({Unsafe}.Add(ref ts, i));");
                w.Close();
                break;
        }

        w.Close();
        w.Close();
    }

    /// <summary>
    /// dx with vectors: for each step of output-gradient vectors (one row of <paramref name="channels"/> channels),
    /// every tap adds each channel's gradient times its weight into the input-gradient vector under it. Taps go
    /// kernel column by kernel column: consecutive taps then write different rows, as a load of a vector that overlaps
    /// a store still in flight waits for that store.
    /// </summary>
    private static void EmitInputGradientVectors(SourceWriter w, LayerShape layer, UnrollKind unroll, int channels)
    {
        int k = layer.Kernel, inW = layer.PaddedW, inH = layer.PaddedH, inC = layer.InC, filter = inC * k * k;
        int plane = layer.OutH * layer.OutW;
        int[] channelOffsets = new int[channels];
        for (int c = 0; c < channels; c++)
        {
            channelOffsets[c] = c * plane;
        }

        string G(int c) => channels == 1 ? "g" : "g" + SourceWriter.Int(c);
        w.Open($"for (int oc = 0; oc < {layer.OutC}; oc{Step(channels)})");
        OpenGradientBlocks(w, layer, 1, channelOffsets);
        w.Open($"for (int ic = 0; ic < {inC}; ic++)");
        w.Line($"int xi = (ic * {inH} + oy) * {inW} + ox;");
        w.Line($"int wi = (oc * {inC} + ic) * {k * k};");
        w.Line("// The products are summed before dx is loaded, so a tap waits on memory only for one add.");
        w.Line($"{VectorF} d;");
        EmitWindow(w, k, inW, unroll, "xi", "wi", columnMajor: true, tap =>
        {
            w.Line($"d = {G(0)} * {Unsafe}.Add(ref ws, {tap.W()});");
            for (int c = 1; c < channels; c++)
            {
                w.Line($"d = {Vector}.MultiplyAddEstimate({G(c)}, new {VectorF}({Unsafe}.Add(ref ws, {tap.W(c * filter)})), d);");
            }

            w.Line($"{Vector}.StoreUnsafe({Vector}.LoadUnsafe(ref dxs, (nuint)({tap.X()})) + d, ref dxs, (nuint)({tap.X()}));");
        });
        w.Close();
        w.Close();
        w.Close();
        w.Close();
    }

    private static void EmitPoolBackward(SourceWriter w, LayerShape layer, UnrollKind unroll)
    {
        int k = layer.Kernel, s = layer.Stride;
        unroll = Budgeted(unroll, k, StatementBytes);
        bool max = layer.Kind == LayerKind.MaxPool;
        w.Line(max
            ? $"/// <summary>{EscapeXml(ShapeComment(layer))}, backward: each gradient goes to its window's first maximum. Overwrites dx.</summary>"
            : $"/// <summary>{EscapeXml(ShapeComment(layer))}, backward: each gradient is shared evenly by its window. Overwrites dx.</summary>");
        w.Open($"private static void {layer.ClassName}Backward({ReadOnlySpan} dy, {ReadOnlySpan} x, {Span} dx)");
        w.Line($"ref float xs = ref {MemoryMarshal}.GetReference(x);");
        w.Line($"ref float dxs = ref {MemoryMarshal}.GetReference(dx);");
        w.Line("dx.Clear();");
        w.Open($"for (int c = 0; c < {layer.InC}; c++)");
        w.Open($"for (int oy = 0; oy < {layer.OutH}; oy++)");
        w.Open($"for (int ox = 0; ox < {layer.OutW}; ox++)");
        w.Line($"int xi = (c * {layer.InH} + oy * {s}) * {layer.InW} + ox * {s};");
        w.Line($"float g = dy[(c * {layer.OutH} + oy) * {layer.OutW} + ox];");
        if (max)
        {
            w.Line("int best = xi;");
            w.Line($"float bestValue = {Unsafe}.Add(ref xs, xi);");
            EmitWindow(w, k, layer.InW, unroll, "xi", null, (xo, _) => xo == "xi" ? null
                : $"if ({Unsafe}.Add(ref xs, {xo}) > bestValue) {{ best = {xo}; bestValue = {Unsafe}.Add(ref xs, best); }}");
            w.Line($"{Unsafe}.Add(ref dxs, best) += g;");
        }
        else
        {
            w.Line($"g *= {SourceWriter.Float(1f / (k * k))};");
            EmitWindow(w, k, layer.InW, unroll, "xi", null, (xo, _) => $"{Unsafe}.Add(ref dxs, {xo}) += g;");
        }

        w.Close();
        w.Close();
        w.Close();
        w.Close();
        w.Line();
    }

    private static void EmitDenseBackward(SourceWriter w, LayerShape layer)
    {
        bool hasInputGradient = layer.InputOffset >= 0;
        w.Line($"/// <summary>{EscapeXml(ShapeComment(layer))}, backward. {(hasInputGradient ? "Overwrites dx; adds" : "Adds")} to dw and db.</summary>");
        w.Open($"private static void {layer.ClassName}Backward({ReadOnlySpan} dy, {ReadOnlySpan} x, {ReadOnlySpan} w, {Span} dx, {Span} dw, {Span} db)");
        w.Line($"{Tensor}.Add(db, dy, db);");
        if (hasInputGradient)
        {
            w.Line("dx.Clear();");
        }

        w.Open($"for (int o = 0; o < {layer.OutC}; o++)");
        w.Line("float g = dy[o];");
        w.Open("if (g == 0f)");
        w.Line("continue;");
        w.Close();
        w.Line($"{Span} dwRow = dw.Slice(o * {layer.InC}, {layer.InC});");
        w.Line($"{Tensor}.MultiplyAdd(x, g, dwRow, dwRow);");
        if (hasInputGradient)
        {
            w.Line($"{Tensor}.MultiplyAdd(w.Slice(o * {layer.InC}, {layer.InC}), g, dx, dx);");
        }

        w.Close();
        w.Close();
        w.Line();
    }

    private static string Hex(ulong value) => "0x" + value.ToString("X16", CultureInfo.InvariantCulture) + "UL";
}
