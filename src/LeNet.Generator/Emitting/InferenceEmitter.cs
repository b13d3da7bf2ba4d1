using System;
using System.Collections.Generic;
using LeNet.Generator.Model;
using static LeNet.Generator.Emitting.WindowEmitter;

namespace LeNet.Generator.Emitting;

/// <summary>
/// The single-image inference pass behind <c>Forward(input, output)</c>: the steps of <see cref="InferencePlan"/>, with
/// activations in two stack buffers instead of the workspace (nothing but the output is kept). Each vectorised step
/// checks at run time for its vector width (the JIT folds the check to a constant) and otherwise runs the layers'
/// ordinary kernels. Every output is summed in the ordinary kernels' order (bias, then input channel, kernel row, kernel
/// column, each a fused multiply-add), so the vector paths give the same bits as the ordinary ones.
/// </summary>
internal static class InferenceEmitter
{
    private static string Vector(int lanes) => lanes == 16 ? "Vector512" : "Vector256";

    private static string Weights(LayerShape layer) => $"parameters.Slice(Net.{layer.ClassName}.WeightOffset, Net.{layer.ClassName}.WeightLength)";

    private static string Biases(LayerShape layer) => $"parameters.Slice(Net.{layer.ClassName}.BiasOffset, Net.{layer.ClassName}.BiasLength)";

    /// <summary>The name of a step's kernel: Conv2Pool2Infer for a fused step, Conv2Infer otherwise (Conv2Bn2Pool2Infer with a folded batch norm).</summary>
    private static string KernelName(ShapeChain chain, InferenceStep step) =>
        chain.Layers[step.Layer].ClassName + (step.FoldsBatchNorm ? chain.Layers[step.Layer + 1].ClassName : string.Empty)
        + (InferencePlan.PoolOf(chain.Layers, step)?.ClassName ?? string.Empty) + "Infer";

    public static void Pass(SourceWriter w, ShapeChain chain)
    {
        IReadOnlyList<InferenceStep> steps = chain.Inference;
        int[] bufferLength = new int[2];
        for (int i = 0; i < steps.Count - 1; i++)
        {
            LayerShape last = chain.Layers[steps[i].Layer + steps[i].LayerCount - 1];
            bufferLength[i % 2] = Math.Max(bufferLength[i % 2], last.OutputLength);
        }

        w.Lines("""
            /// <summary>
            /// One input through the network into output, keeping only the activations the next step reads (two stack
            /// buffers, one step's output after the other's). Bit for bit the same output as Forward.
            /// </summary>
            """);
        using (w.Method("public static void Infer", "ReadOnlySpan<float> parameters", "ReadOnlySpan<float> input", "Span<float> output"))
        {
            string[] buffers = { "even", "odd" };
            for (int b = 0; b < 2; b++)
            {
                if (bufferLength[b] > 0)
                {
                    w.Line($"Span<float> {buffers[b]} = stackalloc float[{SourceWriter.Int(bufferLength[b])}];");
                }
            }

            string x = "input";
            for (int i = 0; i < steps.Count; i++)
            {
                InferenceStep step = steps[i];
                LayerShape layer = chain.Layers[step.Layer];
                LayerShape last = chain.Layers[step.Layer + step.LayerCount - 1];
                string y = i == steps.Count - 1 ? "output" : $"{buffers[i % 2]}.Slice(0, Net.{last.ClassName}.OutputLength)";
                if (i > 0)
                {
                    w.Line();
                }

                string names = layer.Name;
                for (int covered = 1; covered < step.LayerCount; covered++)
                {
                    names += " + " + chain.Layers[step.Layer + covered].Name;
                }

                w.Line($"// {names}");
                (string weights, string biases) = step.FoldsBatchNorm ? Fold(w, layer, chain.Layers[step.Layer + 1]) : (Weights(layer), Biases(layer));
                Activation activation = InferencePlan.ActivationOf(chain.Layers, step);
                if (step.Kind == InferenceKind.Layer)
                {
                    Ordinary(w, layer, x, y, weights, biases);
                    if (step.FoldsBatchNorm)
                    {
                        DenseEmitter.Activation(w, activation, y);
                    }
                }
                else
                {
                    string vectors = $"{Vector(step.Lanes)}.IsHardwareAccelerated" + step.Kind switch
                    {
                        InferenceKind.ConvColumnsPool => " && Avx512F.IsSupported",
                        // The ordinary kernel's order is the one of 8-lane Vector<float> sums; another width sums otherwise.
                        InferenceKind.Dense => " && Vector<float>.Count == 8",
                        _ => string.Empty,
                    };
                    using (w.Block($"if ({vectors})"))
                    {
                        w.Call(KernelName(chain, step), new[] { ("x", x), ("w", weights), ("b", biases), ("y", y) });
                    }

                    using (w.Block("else"))
                    {
                        if (step.IsFused)
                        {
                            string name = char.ToLowerInvariant(layer.ClassName[0]) + layer.ClassName.Substring(1);
                            w.Line($"Span<float> {name} = stackalloc float[Net.{layer.ClassName}.OutputLength];");
                            Ordinary(w, layer, x, name, weights, biases);
                            if (step.FoldsBatchNorm)
                            {
                                DenseEmitter.Activation(w, activation, name);
                            }

                            Ordinary(w, last, name, y, weights, biases);
                        }
                        else
                        {
                            Ordinary(w, layer, x, y, weights, biases);
                            if (step.FoldsBatchNorm)
                            {
                                DenseEmitter.Activation(w, activation, y);
                            }
                        }
                    }
                }

                x = y;
            }
        }

        w.Line();
    }

    /// <summary>
    /// Folds the batch normalisation <paramref name="batchNorm"/> into a stack copy of the weights and biases of the
    /// convolution <paramref name="conv"/> before it, from the parameters of this call; returns the two spans to pass for them.
    /// </summary>
    internal static (string Weights, string Biases) Fold(SourceWriter w, LayerShape conv, LayerShape batchNorm, string parameters = "parameters")
    {
        string folded = "folded" + conv.ClassName;
        w.Line($"// {batchNorm.Name} folded into {conv.Name}'s weights, from this call's parameters, so it can never be stale.");
        w.Line($"Span<float> {folded} = stackalloc float[Net.{conv.ClassName}.WeightLength + Net.{conv.ClassName}.BiasLength];");
        BatchNormEmitter.Fold(w, conv, batchNorm, parameters, folded);
        return ($"{folded}.Slice(0, Net.{conv.ClassName}.WeightLength)", $"{folded}.Slice(Net.{conv.ClassName}.WeightLength, Net.{conv.ClassName}.BiasLength)");
    }

    /// <summary>Calls a layer's ordinary forward kernel (padding into a stack copy first when it has padding).</summary>
    private static void Ordinary(SourceWriter w, LayerShape layer, string x, string y, string? weights = null, string? biases = null)
    {
        weights = layer.Kind is LayerType.Conv or LayerType.Dense && weights is not null ? weights : Weights(layer);
        biases = layer.Kind is LayerType.Conv or LayerType.Dense && biases is not null ? biases : Biases(layer);
        switch (layer.Kind)
        {
            case LayerType.Conv when layer.IsPadded:
                w.Line($"Span<float> padded{layer.ClassName} = stackalloc float[Net.{layer.ClassName}.PaddedLength];");
                w.Call($"{layer.ClassName}Pad", new[] { ("x", x), ("xp", $"padded{layer.ClassName}") });
                w.Call($"{layer.ClassName}Forward", new[] { ("x", $"padded{layer.ClassName}"), ("w", weights), ("b", biases), ("y", y) });
                break;
            case LayerType.Conv:
            case LayerType.Dense:
                w.Call($"{layer.ClassName}Forward", new[] { ("x", x), ("w", weights), ("b", biases), ("y", y) });
                break;
            case LayerType.BatchNorm:
                BatchNormEmitter.Infer(w, layer, x, y, "parameters");
                break;
            default:
                w.Call($"{layer.ClassName}Forward", new[] { ("x", x), ("y", y) });
                break;
        }
    }

    /// <summary>The kernels of the pass's vectorised steps (the ordinary ones are written with the layers).</summary>
    public static void Kernels(SourceWriter w, ShapeChain chain, KernelUnroll unroll)
    {
        foreach (InferenceStep step in chain.Inference)
        {
            LayerShape conv = chain.Layers[step.Layer];
            LayerShape? pool = InferencePlan.PoolOf(chain.Layers, step);
            Activation activation = InferencePlan.ActivationOf(chain.Layers, step);
            switch (step.Kind)
            {
                case InferenceKind.ConvChannels:
                case InferenceKind.ConvChannelsPool:
                    Channels(w, KernelName(chain, step), step, conv, pool, activation, unroll);
                    break;
                case InferenceKind.ConvColumnsPool:
                    Columns(w, KernelName(chain, step), step, conv, pool!, activation, unroll);
                    break;
                case InferenceKind.Dense:
                    Dense(w, KernelName(chain, step), step, conv);
                    break;
            }
        }
    }

    // The conv and the pool it absorbs as two sentences, so each is a line of its own in a long summary.
    private static string[] Summary(LayerShape conv, LayerShape? pool, string detail) =>
        pool is null
            ? [Xml.Escape(SurfaceEmitter.ShapeComment(conv)) + ".", detail]
            : [Xml.Escape(SurfaceEmitter.ShapeComment(conv)) + ";", "then " + Xml.Escape(SurfaceEmitter.ShapeComment(pool)) + ".", detail];

    /// <summary>
    /// A convolution vectorised over its output channels: each tap loads its weight for every channel at once from a
    /// copy repacked as [ic][ky][kx][oc] (transposed from w on every call, 16x16 blocks through registers, so it can never
    /// be stale), and multiplies it by one broadcast input. A pass keeps Rows x Columns output positions; with a pool, a pass is whole pool windows, pooled
    /// and activated in registers. Results go out channel-last, then are transposed into y's (C,H,W).
    /// </summary>
    private static void Channels(SourceWriter w, string name, InferenceStep step, LayerShape conv, LayerShape? pool, Activation activation, KernelUnroll requested)
    {
        string v = Vector(step.Lanes);
        int lanes = step.Lanes, groups = step.Groups, rows = step.Rows, columns = step.Columns;
        int k = conv.Kernel, s = conv.Stride, inW = conv.InW, inH = conv.InH, inC = conv.InC, outC = conv.OutC;
        int filter = inC * k * k;
        int pk = pool?.Kernel ?? 1;
        int outH = pool?.OutH ?? conv.OutH, outW = pool?.OutW ?? conv.OutW, tileW = columns / pk;
        int positions = rows * columns;

        // Per tap: a weight load per group, a broadcast per position and a multiply-add per position and group.
        int bytesPerTap = (groups * LoadBytes) + (positions * (BroadcastBytes + (groups * FmaBytes)));
        KernelUnroll unroll = Budgeted(requested, k, bytesPerTap);
        w.Summary(Summary(conv, pool, $"Output channels in the lanes of a {v}; overwrites y."));
        using (w.Method($"public static void {name}", "ReadOnlySpan<float> x", "ReadOnlySpan<float> w", "ReadOnlySpan<float> b", "Span<float> y"))
        {
            w.Line(UnrollComment(requested, unroll));
            w.Line("// The weights tap-major, [ic][ky][kx][oc]: one vector load is a tap's weight for every output channel.");
            w.Line($"Span<float> packed = stackalloc float[{SourceWriter.Int(conv.WeightLength)}];");
            w.Line($"InferenceKernels.Transpose(w, {outC}, {SourceWriter.Int(filter)}, packed);");
            w.Line("ref float ps = ref MemoryMarshal.GetReference(packed);");

            w.Line($"// Outputs channel-last, [position][oc], until the transpose at the end.");
            w.Line($"Span<float> channelLast = stackalloc float[{SourceWriter.Int(outC * outH * outW)}];");
            w.Line("ref float xs = ref MemoryMarshal.GetReference(x);");
            w.Line("ref float zs = ref MemoryMarshal.GetReference(channelLast);");
            w.Line("ref float bs = ref MemoryMarshal.GetReference(b);");
            for (int g = 0; g < groups; g++)
            {
                w.Line($"{v}<float> bias{g} = {v}.LoadUnsafe(ref bs{(g == 0 ? string.Empty : $", (nuint){g * lanes}")});");
            }

            string rowStep = pool is null ? "oy" : "py";
            using (w.Block($"for (int {rowStep} = 0; {rowStep} < {outH}; {rowStep}++)"))
            using (Blocks(w, outW, tileW, pool is null ? "ox" : "px"))
            {
                if (pool is not null)
                {
                    w.Line($"int oy = {Times("py", pk)};");
                    w.Line($"int ox = {Times("px", pk)};");
                }

                w.Line($"// s<r>_<c>_<g>: output row oy + r, column ox + c, channels {lanes}g to {lanes}g + {lanes - 1}; each starts at its bias.");
                for (int r = 0; r < rows; r++)
                {
                    for (int c = 0; c < columns; c++)
                    {
                        w.Line($"{v}<float> {List(groups, g => $"{Sum(r, c, g)} = bias{g}")};");
                    }
                }

                using (ConvEmitter.ChannelLoop(w, "ic", inC, out string ic))
                {
                    w.Line($"int xi = {ConvEmitter.Flat(ic, inH, Times("oy", s), inW, Times("ox", s))};");
                    w.Line($"int wi = {Times(ic, k * k * outC)};");
                    w.Line($"{v}<float> {List(groups, g => "w" + g)}{(groups > 1 ? $", xv" : string.Empty)};");
                    Window(w, k, inW, unroll, "xi", "wi", columnMajor: false, tap =>
                    {
                        for (int g = 0; g < groups; g++)
                        {
                            w.Line($"w{g} = {v}.LoadUnsafe(ref ps, (nuint)({tap.W(g * lanes)}));");
                        }

                        for (int r = 0; r < rows; r++)
                        {
                            for (int c = 0; c < columns; c++)
                            {
                                string input = $"{v}.Create(Unsafe.Add(ref xs, {tap.X((r * s * inW) + (c * s))}))";
                                if (groups == 1)
                                {
                                    w.Line($"{Sum(r, c, 0)} = {v}.MultiplyAddEstimate({input}, w0, {Sum(r, c, 0)});");
                                    continue;
                                }

                                w.Line($"xv = {input};");
                                for (int g = 0; g < groups; g++)
                                {
                                    w.Line($"{Sum(r, c, g)} = {v}.MultiplyAddEstimate(xv, w{g}, {Sum(r, c, g)});");
                                }
                            }
                        }
                    }, weightStride: outC);
                }

                if (pool is null)
                {
                    w.Line($"int zi = {Times(Group(Index("oy", conv.OutW, "ox")), outC)};");
                    for (int c = 0; c < columns; c++)
                    {
                        for (int g = 0; g < groups; g++)
                        {
                            w.Line($"{Sum(0, c, g)}.StoreUnsafe(ref zs, (nuint)({Plus("zi", (c * outC) + (g * lanes))}));");
                        }
                    }
                }
                else
                {
                    w.Line($"// The max over each {pk}x{pk} window{(activation == Activation.ReLU ? ", then ReLU (the two commute)" : string.Empty)}.");
                    w.Line($"int zi = {Times(Group(Index("py", outW, "px")), outC)};");
                    w.Line($"{v}<float> pooled;");
                    for (int j = 0; j < tileW; j++)
                    {
                        for (int g = 0; g < groups; g++)
                        {
                            string max = Sum(0, j * pk, g);
                            for (int r = 0; r < pk; r++)
                            {
                                for (int c = 0; c < pk; c++)
                                {
                                    if (r + c > 0)
                                    {
                                        max = $"{v}.Max({max}, {Sum(r, (j * pk) + c, g)})";
                                    }
                                }
                            }

                            w.Line($"pooled = {max};");
                            if (activation == Activation.ReLU)
                            {
                                w.Line($"pooled = {v}.Max(pooled, {v}<float>.Zero);");
                            }

                            w.Line($"pooled.StoreUnsafe(ref zs, (nuint)({Plus("zi", (j * outC) + (g * lanes))}));");
                        }
                    }
                }
            }

            w.Line("// [position][oc] -> (C,H,W).");
            w.Line($"InferenceKernels.Transpose(channelLast, {SourceWriter.Int(outH * outW)}, {outC}, y);");

            if (pool is null)
            {
                DenseEmitter.Activation(w, activation, "y");
            }
        }

        w.Line();
    }

    private static string Sum(int row, int column, int group) => $"s{row}_{column}_{group}";

    /// <summary>
    /// The loop over blocks of <paramref name="block"/> outputs along a row of <paramref name="length"/>, declaring the
    /// block's first output as <paramref name="index"/>; a block as long as the row is written as <c>int index = 0;</c>.
    /// </summary>
    private static IDisposable Blocks(SourceWriter w, int length, int block, string index)
    {
        if (block >= length)
        {
            w.Line($"int {index} = 0;");
            return Nothing.Instance;
        }

        SourceWriter.Scope scope = w.Block($"for (int start = 0; start < {length}; start += {block})");
        w.Line("// The last block may overlap the one before it: outputs are written, not added, so that is harmless.");
        w.Line($"int {index} = Math.Min(start, {length - block});");
        return scope;
    }

    /// <summary>
    /// A convolution vectorised over 16 output columns, fused with its activation and a 2x2 max pool: a pass computes
    /// two output rows of <c>Groups</c> channels (2 x Groups sums), takes the max of the two rows, then of each even and
    /// odd column (two lane permutes), and stores the 8 pooled values.
    /// </summary>
    private static void Columns(SourceWriter w, string name, InferenceStep step, LayerShape conv, LayerShape pool, Activation activation, KernelUnroll requested)
    {
        const string V = "Vector512";
        int channels = step.Groups, rows = step.Rows;
        int k = conv.Kernel, inW = conv.InW, inH = conv.InH, inC = conv.InC, filter = inC * k * k;
        int outH = pool.OutH, outW = pool.OutW, pooledPerPass = step.Columns / 2;

        // Per tap: a vector load per row, a broadcast per channel and a multiply-add per row and channel.
        int bytesPerTap = (rows * LoadBytes) + (channels * BroadcastBytes) + (channels * rows * FmaBytes);
        KernelUnroll unroll = Budgeted(requested, k, bytesPerTap);
        w.Summary(Summary(conv, pool, $"{step.Columns} output columns in the lanes of a {V}; overwrites y."));
        using (w.Method($"public static void {name}", "ReadOnlySpan<float> x", "ReadOnlySpan<float> w", "ReadOnlySpan<float> b", "Span<float> y"))
        {
            w.Line(UnrollComment(requested, unroll));
            w.Line("ref float xs = ref MemoryMarshal.GetReference(x);");
            w.Line("ref float ws = ref MemoryMarshal.GetReference(w);");
            w.Line("ref float ys = ref MemoryMarshal.GetReference(y);");
            w.Line("// Lane i of the even (odd) permute is column 2i (2i + 1) of the vector, for i below 8.");
            w.Line($"{V}<int> evens = {V}.Create({List(16, i => SourceWriter.Int((2 * i) % 16))});");
            w.Line($"{V}<int> odds = evens + {V}<int>.One;");
            bool onePass = channels == conv.OutC;
            string oc = onePass ? "0" : "oc";
            string Channel(int c) => onePass ? SourceWriter.Int(c) : Plus("oc", c);
            using (onePass ? Nothing.Instance : (IDisposable)w.Block($"for (int oc = 0; oc < {conv.OutC}; oc{Step(channels)})"))
            using (w.Block($"for (int py = 0; py < {outH}; py++)"))
            using (Blocks(w, outW, pooledPerPass, "px"))
            {
                w.Line($"// s<c><r>: output channel {(onePass ? "c" : "oc + c")}, row 2py + r, columns 2px to 2px + 15; each starts at its bias.");
                for (int c = 0; c < channels; c++)
                {
                    w.Line($"{V}<float> {List(rows, r => $"s{c}{r} = " + (r == 0 ? $"{V}.Create(b[{Channel(c)}])" : $"s{c}0"))};");
                }

                using (ConvEmitter.ChannelLoop(w, "ic", inC, out string ic))
                {
                    w.Line($"int xi = {ConvEmitter.Flat(ic, inH, "py * 2", inW, "px * 2")};");
                    w.Line($"int wi = {Index(Group(Index(oc, inC, ic)), k * k, "0")};");
                    w.Line($"{V}<float> {List(rows, r => "x" + r)}, wv;");
                    Window(w, k, inW, unroll, "xi", "wi", columnMajor: false, tap =>
                    {
                        for (int r = 0; r < rows; r++)
                        {
                            w.Line($"x{r} = {V}.LoadUnsafe(ref xs, (nuint)({tap.X(r * inW)}));");
                        }

                        for (int c = 0; c < channels; c++)
                        {
                            w.Line($"wv = {V}.Create(Unsafe.Add(ref ws, {tap.W(c * filter)}));");
                            for (int r = 0; r < rows; r++)
                            {
                                w.Line($"s{c}{r} = {V}.MultiplyAddEstimate(x{r}, wv, s{c}{r});");
                            }
                        }
                    });
                }

                w.Line($"// The max of the two rows{(activation == Activation.ReLU ? " and ReLU (the two commute)" : string.Empty)}, then of each column pair.");
                w.Line($"int yi = {ConvEmitter.Flat(oc, outH, "py", outW, "px")};");
                w.Line($"{V}<float> pooled;");
                for (int c = 0; c < channels; c++)
                {
                    w.Line($"pooled = {V}.Max(s{c}0, s{c}1);");
                    if (activation == Activation.ReLU)
                    {
                        w.Line($"pooled = {V}.Max(pooled, {V}<float>.Zero);");
                    }

                    w.Line($"pooled = {V}.Max(Avx512F.PermuteVar16x32x2(pooled, evens, pooled), Avx512F.PermuteVar16x32x2(pooled, odds, pooled));");
                    w.Line($"pooled.GetLower().StoreUnsafe(ref ys, (nuint)({Plus("yi", c * outH * outW)}));");
                }
            }
        }

        w.Line();
    }

    /// <summary>
    /// A dense layer, Groups outputs a pass sharing each load of x, on Vector512 sums: a row's four 8-lane sums of the
    /// ordinary kernel (<see cref="DenseEmitter.Forward"/>, <c>GeneratedCodeSupport.Dot</c>'s order) sit two to a
    /// Vector512, the remainder pieces go into the first one's lower half as they go into the first 8-lane sum, and the
    /// halves are added in the same order, so every output has the ordinary kernel's bits.
    /// </summary>
    private static void Dense(SourceWriter w, string name, InferenceStep step, LayerShape layer)
    {
        int n = layer.InC, rows = step.Groups;
        w.Summary(Xml.Escape(SurfaceEmitter.ShapeComment(layer)) + ".", $"{rows} outputs a pass on Vector512 sums; overwrites y.");
        using (w.Method($"public static void {name}", "ReadOnlySpan<float> x", "ReadOnlySpan<float> w", "ReadOnlySpan<float> b", "Span<float> y"))
        {
            w.Line("ref float xs = ref MemoryMarshal.GetReference(x);");
            w.Line("ref float ws = ref MemoryMarshal.GetReference(w);");
            string Row(int r) => r == 0 ? "wi" : $"wi + {SourceWriter.Int(r * n)}";
            using (w.Block($"for (int o = 0; o < {layer.OutC}; o{Step(rows)})"))
            {
                w.Line($"int wi = {Times("o", n)};");
                w.Line("// Row o + r: lo<r> holds the 8-lane sums of columns 0-7 and 8-15 of every 32, hi<r> of 16-23 and 24-31.");
                for (int r = 0; r < rows; r++)
                {
                    w.Line($"Vector512<float> lo{r} = Vector512<float>.Zero, hi{r} = Vector512<float>.Zero;");
                }

                w.Line("int i = 0;");
                using (w.Block($"for (; i <= {SourceWriter.Int(n)} - 32; i += 32)"))
                {
                    w.Line("Vector512<float> x0 = Vector512.LoadUnsafe(ref xs, (nuint)i), x1 = Vector512.LoadUnsafe(ref xs, (nuint)(i + 16));");
                    for (int r = 0; r < rows; r++)
                    {
                        w.Line($"lo{r} = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref ws, (nuint)({Row(r)} + i)), x0, lo{r});");
                        w.Line($"hi{r} = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref ws, (nuint)({Row(r)} + i + 16)), x1, hi{r});");
                    }
                }

                w.Line("// The remaining 8-wide pieces go into the first 8-lane sum, as in the ordinary kernel.");
                for (int r = 0; r < rows; r++)
                {
                    w.Line($"Vector256<float> first{r} = lo{r}.GetLower();");
                }

                using (w.Block($"for (; i <= {SourceWriter.Int(n)} - 8; i += 8)"))
                {
                    w.Line("Vector256<float> xv = Vector256.LoadUnsafe(ref xs, (nuint)i);");
                    for (int r = 0; r < rows; r++)
                    {
                        w.Line($"first{r} = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref ws, (nuint)({Row(r)} + i)), xv, first{r});");
                    }
                }

                for (int r = 0; r < rows; r++)
                {
                    w.Line($"float sum{r} = Vector256.Sum((first{r} + lo{r}.GetUpper()) + (hi{r}.GetLower() + hi{r}.GetUpper()));");
                }

                if (n % 8 != 0)
                {
                    using (w.Block($"for (; i < {SourceWriter.Int(n)}; i++)"))
                    {
                        w.Line("float xi = Unsafe.Add(ref xs, i);");
                        for (int r = 0; r < rows; r++)
                        {
                            w.Line($"sum{r} += Unsafe.Add(ref ws, {Row(r)} + i) * xi;");
                        }
                    }
                }

                for (int r = 0; r < rows; r++)
                {
                    w.Line($"y[{Plus("o", r)}] = b[{Plus("o", r)}] + sum{r};");
                }
            }

            DenseEmitter.Activation(w, layer.Activation, "y");
        }

        w.Line();
    }
}
