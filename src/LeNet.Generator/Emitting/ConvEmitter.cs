using System;
using System.Text;
using LeNet.Generator.Model;
using static LeNet.Generator.Emitting.WindowEmitter;

namespace LeNet.Generator.Emitting;

/// <summary>
/// The kernels of a convolution, as llm.c pairs them: pad, forward, backward (and unpad). They are written into the
/// generator's kernel class, whose <c>using</c>s name the System types.
/// </summary>
internal static class ConvEmitter
{
    /// <summary>Most independent sums one pass keeps: with the loaded inputs they fit the 16 vector registers of AVX2.</summary>
    private const int MaxSums = 8;

    /// <summary>Most dW vector sums kept on the stack: 16 KB with 512-bit vectors.</summary>
    private const int MaxStackSums = 256;

    /// <summary>(c * h + y) * w + x, folded where a term is 0 or a size is 1.</summary>
    internal static string Flat(string c, int h, string y, int w, string x) => Index(Group(Index(c, h, y)), w, x);

    public static void Pad(SourceWriter w, LayerShape layer)
    {
        int p = layer.Padding;
        w.Line($"/// <summary>{layer.Name}: copies x ({layer.InC},{layer.InH},{layer.InW}) into the middle of xp ({layer.InC},{layer.PaddedH},{layer.PaddedW}), zeros around it.</summary>");
        using (w.Block($"public static void {layer.ClassName}Pad(ReadOnlySpan<float> x, Span<float> xp)"))
        {
            w.Line("xp.Clear();");
            using (ChannelLoop(w, "c", layer.InC, out string c))
            using (w.Block($"for (int row = 0; row < {layer.InH}; row++)"))
            {
                string source = $"x.Slice({Flat(c, layer.InH, "row", layer.InW, "0")}, {layer.InW})";
                string target = $"xp.Slice({Flat(c, layer.PaddedH, $"row + {p}", layer.PaddedW, SourceWriter.Int(p))}, {layer.InW})";
                w.Line($"{source}.CopyTo({target});");
            }
        }

        w.Line();
    }

    public static void Unpad(SourceWriter w, LayerShape layer)
    {
        int p = layer.Padding;
        w.Line($"/// <summary>{layer.Name}: copies the middle of dxp ({layer.InC},{layer.PaddedH},{layer.PaddedW}) into dx ({layer.InC},{layer.InH},{layer.InW}); the padding's gradient is dropped.</summary>");
        using (w.Block($"public static void {layer.ClassName}Unpad(ReadOnlySpan<float> dxp, Span<float> dx)"))
        using (ChannelLoop(w, "c", layer.InC, out string c))
        using (w.Block($"for (int row = 0; row < {layer.InH}; row++)"))
        {
            string source = $"dxp.Slice({Flat(c, layer.PaddedH, $"row + {p}", layer.PaddedW, SourceWriter.Int(p))}, {layer.InW})";
            string target = $"dx.Slice({Flat(c, layer.InH, "row", layer.InW, "0")}, {layer.InW})";
            w.Line($"{source}.CopyTo({target});");
        }

        w.Line();
    }

    /// <summary>
    /// A loop over <paramref name="count"/> channels named <paramref name="name"/>, or nothing when there is one: the
    /// index is then the literal 0, which the index helpers fold away.
    /// </summary>
    internal static IDisposable ChannelLoop(SourceWriter w, string name, int count, out string index)
    {
        if (count == 1)
        {
            index = "0";
            return Nothing.Instance;
        }

        index = name;
        return w.Block($"for (int {name} = 0; {name} < {count}; {name}++)");
    }

    /// <summary>
    /// Convolution: each pass computes a block of output channels and rows (see <see cref="Block"/>). With stride 1
    /// a vector of output columns at a time, every tap of the window written out with constant offsets; otherwise, and
    /// for rows narrower than a vector, column by column.
    /// </summary>
    public static void Forward(SourceWriter w, LayerShape layer, KernelUnroll requested)
    {
        int k = layer.Kernel, s = layer.Stride, inW = layer.PaddedW, inH = layer.PaddedH;
        int outH = layer.OutH, outW = layer.OutW, inC = layer.InC, plane = outH * outW, filter = inC * k * k;
        (int channels, int rows) = Block(layer);

        // Each vector tap loads a vector per row and a weight per channel and does a multiply-add per pair; each
        // scalar tap loads an input and does a multiply-add per channel. Stride 1 writes both.
        int vectorTap = (rows * LoadBytes) + (channels * BroadcastBytes) + (channels * rows * FmaBytes);
        int scalarTap = channels == 1 ? StatementBytes : LoadBytes + (channels * ScalarFmaBytes);
        KernelUnroll unroll = Budgeted(requested, k, s == 1 ? vectorTap + scalarTap : scalarTap);

        w.Summary(Xml.Escape(SurfaceEmitter.ShapeComment(layer)) + ".", $"Reads the {(layer.Padding > 0 ? "padded " : string.Empty)}input, overwrites y.");
        using (w.Method($"public static void {layer.ClassName}Forward", "ReadOnlySpan<float> x", "ReadOnlySpan<float> w", "ReadOnlySpan<float> b", "Span<float> y"))
        {
            w.Line(UnrollComment(requested, unroll));
            w.Line("ref float xs = ref MemoryMarshal.GetReference(x);");
            w.Line("ref float ws = ref MemoryMarshal.GetReference(w);");
            w.Line("ref float ys = ref MemoryMarshal.GetReference(y);");
            if (channels * rows > 1)
            {
                w.Line($"// {BlockText(channels, rows)} per pass: independent sums, so the multiply-adds overlap instead of waiting on one another.");
            }

            using (w.Block($"for (int oc = 0; oc < {layer.OutC}; oc{Step(channels)})"))
            using (w.Block($"for (int oy = 0; oy < {outH}; oy{Step(rows)})"))
            {
                if (s == 1)
                {
                    using (w.Block($"if (Vector.IsHardwareAccelerated && {outW} >= Vector<float>.Count)"))
                    {
                        w.Line($"int yi = {Flat("oc", outH, "oy", outW, "0")};");
                        using (w.Block($"for (int start = 0; start < {outW}; start += Vector<float>.Count)"))
                        {
                            w.Line("// The last block may overlap the one before it; outputs are written, not accumulated, so that is harmless.");
                            w.Line($"int ox = Math.Min(start, {outW} - Vector<float>.Count);");
                            w.Line("// s<c><r> sums output channel oc + c, row oy + r.");
                            for (int c = 0; c < channels; c++)
                            {
                                w.Line($"Vector<float> s{c}0 = new Vector<float>(b[{Plus("oc", c)}]);");
                                for (int r = 1; r < rows; r++)
                                {
                                    w.Line($"Vector<float> s{c}{r} = s{c}0;");
                                }
                            }

                            using (ChannelLoop(w, "ic", inC, out string ic))
                            {
                                w.Line($"int xi = {Flat(ic, inH, "oy", inW, "ox")};");
                                w.Line($"int wi = {Index(Group(Index("oc", inC, ic)), k * k, "0")};");
                                w.Line($"Vector<float> {List(rows, r => "x" + r)}, wv;");
                                Window(w, k, inW, unroll, "xi", "wi", columnMajor: false, tap =>
                                {
                                    for (int r = 0; r < rows; r++)
                                    {
                                        w.Line($"x{r} = Vector.LoadUnsafe(ref xs, (nuint)({tap.X(r * inW)}));");
                                    }

                                    for (int c = 0; c < channels; c++)
                                    {
                                        w.Line($"wv = new Vector<float>(Unsafe.Add(ref ws, {tap.W(c * filter)}));");
                                        for (int r = 0; r < rows; r++)
                                        {
                                            w.Line($"s{c}{r} = Vector.MultiplyAddEstimate(x{r}, wv, s{c}{r});");
                                        }
                                    }
                                });
                            }

                            for (int c = 0; c < channels; c++)
                            {
                                for (int r = 0; r < rows; r++)
                                {
                                    w.Line($"Vector.StoreUnsafe(s{c}{r}, ref ys, (nuint)({Plus("yi", (c * plane) + (r * outW))} + ox));");
                                }
                            }
                        }

                        w.Line("continue;");
                    }

                    w.Line();
                }

                string row = "oy";
                using (rows > 1 ? w.Block($"for (int row = oy; row < oy + {rows}; row++)") : (IDisposable)Nothing.Instance)
                {
                    if (rows > 1)
                    {
                        row = "row";
                    }

                    w.Line($"int yRow = {Flat("oc", outH, row, outW, "0")};");
                    using (w.Block($"for (int ox = 0; ox < {outW}; ox++)"))
                    {
                        for (int c = 0; c < channels; c++)
                        {
                            w.Line($"float s{c} = b[{Plus("oc", c)}];");
                        }

                        using (ChannelLoop(w, "ic", inC, out string ic))
                        {
                            w.Line($"int xi = {Flat(ic, inH, Times(row, s), inW, Times("ox", s))};");
                            w.Line($"int wi = {Index(Group(Index("oc", inC, ic)), k * k, "0")};");
                            if (channels == 1)
                            {
                                Window(w, k, inW, unroll, "xi", "wi", (xo, wo) => $"s0 += Unsafe.Add(ref xs, {xo}) * Unsafe.Add(ref ws, {wo});");
                            }
                            else
                            {
                                w.Line("float xv;");
                                Window(w, k, inW, unroll, "xi", "wi", columnMajor: false, tap =>
                                {
                                    w.Line($"xv = Unsafe.Add(ref xs, {tap.X()});");
                                    for (int c = 0; c < channels; c++)
                                    {
                                        w.Line($"s{c} += xv * Unsafe.Add(ref ws, {tap.W(c * filter)});");
                                    }
                                });
                            }
                        }

                        for (int c = 0; c < channels; c++)
                        {
                            w.Line($"Unsafe.Add(ref ys, {Plus("yRow", c * plane)} + ox) = s{c};");
                        }
                    }
                }
            }

            DenseEmitter.Activation(w, layer.Activation, "y");
        }

        w.Line();
    }

    /// <summary>
    /// The convolution's block: output channels per pass (4, 3 or 2 when one divides the count) and, with stride 1,
    /// output rows per pass (the most that divide the height within <see cref="MaxSums"/>). Channels share each input
    /// load, rows share each weight, and every sum is an independent chain of multiply-adds.
    /// </summary>
    private static (int Channels, int Rows) Block(LayerShape layer)
    {
        int channels = layer.OutC % 4 == 0 ? 4 : layer.OutC % 3 == 0 ? 3 : layer.OutC % 2 == 0 ? 2 : 1;
        int rows = 1;
        if (layer.Stride == 1)
        {
            for (int r = MaxSums / channels; r > 1 && rows == 1; r--)
            {
                rows = layer.OutH % r == 0 ? r : 1;
            }
        }

        return (channels, rows);
    }

    private static string BlockText(int channels, int rows) =>
        $"{channels} output channel{(channels == 1 ? string.Empty : "s")} x {rows} row{(rows == 1 ? string.Empty : "s")}";

    /// <summary>
    /// Convolution backward. With stride 1 and rows at least a vector wide it works on vectors of output columns (see
    /// <see cref="WeightGradientVectors"/> and <see cref="InputGradientVectors"/>); otherwise one output at a time:
    /// its gradient g adds g·x to each tap's weight gradient and g·w to each tap's input gradient. Zero gradients
    /// (ReLU's dead units, MaxPool's losers) are skipped, a vector block at a time on the vector path.
    /// </summary>
    public static void Backward(SourceWriter w, LayerShape layer, KernelUnroll requested)
    {
        bool hasInputGradient = layer.HasInputGradient;
        int k = layer.Kernel, s = layer.Stride, inW = layer.PaddedW, inH = layer.PaddedH, inC = layer.InC;
        int rows = WeightGradientRows(layer), channels = InputGradientChannels(layer);

        // IL per tap over every copy of the window: the vector dW pass writes a multiply-add per row, about one load
        // and a reduction; the vector dx pass a broadcast multiply-add per channel and a load-add-store; the scalar
        // path a statement for dW and one for dx.
        int scalarTap = (hasInputGradient ? 2 : 1) * StatementBytes;
        int vectorTap = (rows * FmaBytes) + LoadBytes + StatementBytes
            + (hasInputGradient ? (channels * (BroadcastBytes + FmaBytes)) + StatementBytes : 0);
        KernelUnroll unroll = Budgeted(requested, k, s == 1 ? vectorTap + scalarTap : scalarTap);
        string shape = Xml.Escape(SurfaceEmitter.ShapeComment(layer));
        w.Summary(shape + ".", hasInputGradient ? "Backward: overwrites dx; adds to dw and db." : "Backward for the first layer, with no input gradient: adds to dw and db.");
        using (hasInputGradient
            ? w.Method($"public static void {layer.ClassName}Backward", "ReadOnlySpan<float> dy", "ReadOnlySpan<float> x", "ReadOnlySpan<float> w", "Span<float> dx", "Span<float> dw", "Span<float> db")
            : w.Method($"public static void {layer.ClassName}WeightBackward", "ReadOnlySpan<float> dy", "ReadOnlySpan<float> x", "Span<float> dw", "Span<float> db"))
        {
            w.Line(UnrollComment(requested, unroll));
            w.Line("ref float dys = ref MemoryMarshal.GetReference(dy);");
            w.Line("ref float xs = ref MemoryMarshal.GetReference(x);");
            w.Line("ref float dws = ref MemoryMarshal.GetReference(dw);");
            if (hasInputGradient)
            {
                w.Line("ref float ws = ref MemoryMarshal.GetReference(w);");
                w.Line("ref float dxs = ref MemoryMarshal.GetReference(dx);");
                w.Line("dx.Clear();");
            }

            // Row and None keep the K² dW sums on the stack, so very large kernels stay scalar.
            if (s == 1 && (unroll == KernelUnroll.Window || k * k <= MaxStackSums))
            {
                using (w.Block($"if (Vector.IsHardwareAccelerated && {layer.OutW} >= Vector<float>.Count)"))
                {
                    WeightGradientVectors(w, layer, unroll, rows);
                    if (hasInputGradient)
                    {
                        InputGradientVectors(w, layer, unroll, channels);
                    }

                    w.Line("return;");
                }

                w.Line();
            }

            using (w.Block($"for (int oc = 0; oc < {layer.OutC}; oc++)"))
            {
                w.Line("float biasGradient = 0f;");
                using (w.Block($"for (int oy = 0; oy < {layer.OutH}; oy++)"))
                using (w.Block($"for (int ox = 0; ox < {layer.OutW}; ox++)"))
                {
                    w.Line($"float g = Unsafe.Add(ref dys, {Flat("oc", layer.OutH, "oy", layer.OutW, "ox")});");
                    using (w.Block("if (g == 0f)"))
                    {
                        w.Line("continue;");
                    }

                    w.Line("biasGradient += g;");
                    using (ChannelLoop(w, "ic", inC, out string ic))
                    {
                        w.Line($"int xi = {Flat(ic, inH, Times("oy", s), inW, Times("ox", s))};");
                        w.Line($"int wi = {Index(Group(Index("oc", inC, ic)), k * k, "0")};");
                        Window(w, k, inW, unroll, "xi", "wi", columnMajor: false, tap =>
                        {
                            w.Line($"Unsafe.Add(ref dws, {tap.W()}) += g * Unsafe.Add(ref xs, {tap.X()});");
                            if (hasInputGradient)
                            {
                                w.Line($"Unsafe.Add(ref dxs, {tap.X()}) += g * Unsafe.Add(ref ws, {tap.W()});");
                            }
                        });
                    }
                }

                w.Line("db[oc] += biasGradient;");
            }
        }

        w.Line();
    }

    /// <summary>Output rows one dW step takes: two (or three) rows share most of their input loads.</summary>
    private static int WeightGradientRows(LayerShape layer) => layer.OutH % 2 == 0 ? 2 : layer.OutH % 3 == 0 ? 3 : 1;

    /// <summary>Output channels whose gradients one dx step adds into each input-gradient vector it loads and stores.</summary>
    private static int InputGradientChannels(LayerShape layer) => layer.OutC % 8 == 0 ? 8 : layer.OutC % 4 == 0 ? 4 : layer.OutC % 2 == 0 ? 2 : 1;

    /// <summary>
    /// Writes the loops over output rows (<paramref name="rows"/> at a time) and column blocks of the output gradient,
    /// loads the vectors g&lt;i&gt; at the given offsets from dy's row oy, channel oc, then calls <paramref name="body"/>.
    /// The last block may overlap the one before it, so its lanes before start are zeroed; a block that is all zero is skipped.
    /// </summary>
    private static void GradientBlocks(SourceWriter w, LayerShape layer, int rows, int[] offsets, Action body)
    {
        int outH = layer.OutH, outW = layer.OutW;
        using (w.Block($"for (int oy = 0; oy < {outH}; oy{Step(rows)})"))
        using (w.Block($"for (int start = 0; start < {outW}; start += Vector<float>.Count)"))
        {
            w.Line($"int ox = Math.Min(start, {outW} - Vector<float>.Count);");
            w.Line("// Lanes before start were in the previous block: zero them so no gradient counts twice.");
            w.Line("Vector<float> fresh = Vector.AsVectorSingle(Vector.GreaterThanOrEqual(Vector<int>.Indices, new Vector<int>(start - ox)));");
            w.Line($"int dyi = {Flat("oc", outH, "oy", outW, "ox")};");
            string G(int i) => offsets.Length == 1 ? "g" : "g" + SourceWriter.Int(i);
            for (int i = 0; i < offsets.Length; i++)
            {
                w.Line($"Vector<float> {G(i)} = Vector.LoadUnsafe(ref dys, (nuint)({Plus("dyi", offsets[i])})) & fresh;");
            }

            string allZero = List(offsets.Length, i => $"{G(i)} == Vector<float>.Zero", " && ");
            if (offsets.Length > 4)
            {
                // Eight channels' tests do not fit one line: they go four by four.
                allZero = List(2, half => List(offsets.Length / 2, i => $"{G((half * offsets.Length / 2) + i)} == Vector<float>.Zero", " && "), " &&\n    ");
            }

            using (w.Block($"if ({allZero})"))
            {
                w.Line("continue;");
            }

            body();
        }
    }

    /// <summary>
    /// db, then dW with vectors: per (oc, ic) a vector sum for each tap over the whole output plane, <paramref name="rows"/>
    /// output rows a step, reduced to one number at the end. Window keeps the K² sums in locals and lets the rows of a
    /// step share each input row they read; Row and None keep them in a stack buffer indexed by tap.
    /// </summary>
    private static void WeightGradientVectors(SourceWriter w, LayerShape layer, KernelUnroll unroll, int rows)
    {
        int k = layer.Kernel, inW = layer.PaddedW, inH = layer.PaddedH, inC = layer.InC, outW = layer.OutW;
        int[] rowOffsets = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            rowOffsets[r] = r * outW;
        }

        string G(int r) => rows == 1 ? "g" : "g" + SourceWriter.Int(r);
        string Load(string offset) => $"Vector.LoadUnsafe(ref xs, (nuint)({offset}))";
        string Fma(string sum, string g, string x) => $"{sum} = Vector.MultiplyAddEstimate({g}, {x}, {sum});";

        if (unroll != KernelUnroll.Window)
        {
            w.Line("// dW's per-tap vector sums live here: loops over taps cannot name K² locals.");
            w.Line($"Span<Vector<float>> sums = stackalloc Vector<float>[{k * k}];");
            w.Line("ref Vector<float> ts = ref MemoryMarshal.GetReference(sums);");
        }

        using (w.Block($"for (int oc = 0; oc < {layer.OutC}; oc++)"))
        {
            w.Line("Vector<float> biasSum = Vector<float>.Zero;");
            GradientBlocks(w, layer, 1, new[] { 0 }, () => w.Line("biasSum += g;"));
            w.Line("db[oc] += Vector.Sum(biasSum);");
            using (ChannelLoop(w, "ic", inC, out string ic))
            {
                w.Line($"int wi = {Index(Group(Index("oc", inC, ic)), k * k, "0")};");
                switch (unroll)
                {
                    case KernelUnroll.Window:
                        w.Line("// t<i> sums dW's tap i = ky * K + kx over the output plane, lane by lane.");
                        for (int ky = 0; ky < k; ky++)
                        {
                            w.Line($"Vector<float> {List(k, kx => $"t{(ky * k) + kx} = default")};");
                        }

                        GradientBlocks(w, layer, rows, rowOffsets, () =>
                        {
                            w.Line($"int xi = {Flat(ic, inH, "oy", inW, "ox")};");
                            w.Line("Vector<float> xv;");
                            if (rows > 1)
                            {
                                w.Line("// Input row oy + j feeds kernel row j - r of output row oy + r.");
                            }

                            for (int j = 0; j < rows + k - 1; j++)
                            {
                                for (int kx = 0; kx < k; kx++)
                                {
                                    w.Line($"xv = {Load(Plus("xi", (j * inW) + kx))};");
                                    for (int r = Math.Max(0, j - k + 1); r <= Math.Min(rows - 1, j); r++)
                                    {
                                        w.Line(Fma($"t{((j - r) * k) + kx}", G(r), "xv"));
                                    }
                                }
                            }
                        });
                        for (int i = 0; i < k * k; i++)
                        {
                            w.Line($"Unsafe.Add(ref dws, {Plus("wi", i)}) += Vector.Sum(t{i});");
                        }

                        break;
                    default:
                        w.Line("sums.Clear();");
                        GradientBlocks(w, layer, rows, rowOffsets, () =>
                        {
                            w.Line($"int xi = {Flat(ic, inH, "oy", inW, "ox")};");
                            Window(w, k, inW, unroll, "xi", "wi", columnMajor: false, tap =>
                            {
                                // One nested multiply-add per row, the outermost row first, each on its own line.
                                string t = $"Unsafe.Add(ref ts, {tap.Index})";
                                var sum = new StringBuilder(t).Append(" = ");
                                for (int r = rows - 1; r > 0; r--)
                                {
                                    sum.Append($"Vector.MultiplyAddEstimate({G(r)}, {Load(tap.X(r * inW))},\n    ");
                                }

                                sum.Append($"Vector.MultiplyAddEstimate({G(0)}, {Load(tap.X(0))}, {t})").Append(')', rows - 1).Append(';');
                                w.Lines(sum.ToString());
                            });
                        });
                        using (w.Block($"for (int i = 0; i < {k * k}; i++)"))
                        {
                            w.Line("Unsafe.Add(ref dws, wi + i) += Vector.Sum(Unsafe.Add(ref ts, i));");
                        }

                        break;
                }
            }
        }
    }

    /// <summary>
    /// dx with vectors: for each step of output-gradient vectors (one row of <paramref name="channels"/> channels),
    /// every tap adds each channel's gradient times its weight into the input-gradient vector under it. Taps go
    /// kernel column by kernel column: consecutive taps then write different rows, as a load of a vector that overlaps
    /// a store still in flight waits for that store.
    /// </summary>
    private static void InputGradientVectors(SourceWriter w, LayerShape layer, KernelUnroll unroll, int channels)
    {
        int k = layer.Kernel, inW = layer.PaddedW, inH = layer.PaddedH, inC = layer.InC, filter = inC * k * k;
        int plane = layer.OutH * layer.OutW;
        int[] channelOffsets = new int[channels];
        for (int c = 0; c < channels; c++)
        {
            channelOffsets[c] = c * plane;
        }

        string G(int c) => channels == 1 ? "g" : "g" + SourceWriter.Int(c);
        using (w.Block($"for (int oc = 0; oc < {layer.OutC}; oc{Step(channels)})"))
        {
            GradientBlocks(w, layer, 1, channelOffsets, () =>
            {
                using (ChannelLoop(w, "ic", inC, out string ic))
                {
                    w.Line($"int xi = {Flat(ic, inH, "oy", inW, "ox")};");
                    w.Line($"int wi = {Index(Group(Index("oc", inC, ic)), k * k, "0")};");
                    w.Line("// The products are summed before dx is loaded, so a tap waits on memory only for one add.");
                    w.Line("Vector<float> d;");
                    Window(w, k, inW, unroll, "xi", "wi", columnMajor: true, tap =>
                    {
                        w.Line($"d = {G(0)} * Unsafe.Add(ref ws, {tap.W()});");
                        for (int c = 1; c < channels; c++)
                        {
                            w.Line($"d = Vector.MultiplyAddEstimate({G(c)}, new Vector<float>(Unsafe.Add(ref ws, {tap.W(c * filter)})), d);");
                        }

                        w.Line($"Vector.StoreUnsafe(Vector.LoadUnsafe(ref dxs, (nuint)({tap.X()})) + d, ref dxs, (nuint)({tap.X()}));");
                    });
                }
            });
        }
    }
}

/// <summary>A scope that writes nothing: the folded case of a loop that would run once.</summary>
internal sealed class Nothing : IDisposable
{
    public static readonly Nothing Instance = new();

    public void Dispose()
    {
    }
}
