using System;
using System.Text;
using LeNet.Generator.Model;

namespace LeNet.Generator.Emitting;

internal static partial class NetworkEmitter
{
    private const string Vector = "global::System.Numerics.Vector";
    private const string VectorF = "global::System.Numerics.Vector<float>";
    private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    private const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";
    private const string Tensor = "global::System.Numerics.Tensors.TensorPrimitives";

    /// <summary>
    /// Most bytes of IL the windows of one kernel method may take; beyond it the window falls back to Row, then to None.
    /// The rest of a method is far smaller, so every method stays under 16 KB.
    /// </summary>
    internal const int UnrollBudget = 14_000;

    // Rough IL sizes of the statements a window is written with, for the budget.
    private const int LoadBytes = 18;      // a vector load into a local, or a scalar one
    private const int BroadcastBytes = 23; // a weight broadcast into a vector local
    private const int FmaBytes = 13;       // a multiply-add of vector locals
    private const int ScalarFmaBytes = 25; // s += xv * w[offset]
    private const int StatementBytes = 35; // anything through two refs at offsets: a scalar tap, a pool tap, a vector sum or store

    private static string InputSpan(LayerShape layer, string workspace, string networkInput) =>
        layer.InputOffset < 0 ? networkInput : $"{workspace}.Slice({SourceWriter.Int(layer.InputOffset)}, {SourceWriter.Int(layer.InputLength)})";

    private static string OutputSpan(LayerShape layer, string workspace) => $"{workspace}.Slice({layer.ClassName}.OutputOffset, {layer.ClassName}.OutputLength)";

    private static string PaddedSpan(LayerShape layer, string workspace) => $"{workspace}.Slice({layer.ClassName}.PaddedOffset, {layer.ClassName}.PaddedLength)";

    private static string WeightSpan(LayerShape layer, string parameters) => $"{parameters}.Slice({layer.ClassName}.WeightOffset, {layer.ClassName}.WeightLength)";

    private static string BiasSpan(LayerShape layer, string parameters) => $"{parameters}.Slice({layer.ClassName}.BiasOffset, {layer.ClassName}.BiasLength)";

    private static void EmitForwardCall(SourceWriter w, LayerShape layer)
    {
        string x = InputSpan(layer, "workspace", "input");
        string y = OutputSpan(layer, "workspace");
        switch (layer.Kind)
        {
            case LayerKind.Conv when layer.PaddedOffset >= 0:
                w.Line($"{layer.ClassName}Pad({x}, {PaddedSpan(layer, "workspace")});");
                w.Line($"{layer.ClassName}Forward({PaddedSpan(layer, "workspace")}, {WeightSpan(layer, "parameters")}, {BiasSpan(layer, "parameters")}, {y});");
                break;
            case LayerKind.Conv:
            case LayerKind.Dense:
                w.Line($"{layer.ClassName}Forward({x}, {WeightSpan(layer, "parameters")}, {BiasSpan(layer, "parameters")}, {y});");
                break;
            default:
                w.Line($"{layer.ClassName}Forward({x}, {y});");
                break;
        }
    }

    private static void EmitForwardKernel(SourceWriter w, LayerShape layer, UnrollKind unroll)
    {
        switch (layer.Kind)
        {
            case LayerKind.Conv:
                if (layer.PaddedOffset >= 0)
                {
                    EmitPad(w, layer);
                }

                EmitConvForward(w, layer, unroll);
                break;
            case LayerKind.MaxPool:
            case LayerKind.AvgPool:
                EmitPoolForward(w, layer, unroll);
                break;
            default:
                EmitDenseForward(w, layer);
                break;
        }
    }

    private static void EmitPad(SourceWriter w, LayerShape layer)
    {
        int p = layer.Padding;
        w.Line($"/// <summary>{layer.Name}: copies x ({layer.InC},{layer.InH},{layer.InW}) into the middle of xp ({layer.InC},{layer.PaddedH},{layer.PaddedW}), zeros around it.</summary>");
        w.Open($"private static void {layer.ClassName}Pad({ReadOnlySpan} x, {Span} xp)");
        w.Line("xp.Clear();");
        w.Open($"for (int c = 0; c < {layer.InC}; c++)");
        w.Open($"for (int row = 0; row < {layer.InH}; row++)");
        w.Line($"x.Slice((c * {layer.InH} + row) * {layer.InW}, {layer.InW}).CopyTo(xp.Slice((c * {layer.PaddedH} + row + {p}) * {layer.PaddedW} + {p}, {layer.InW}));");
        w.Close();
        w.Close();
        w.Close();
        w.Line();
    }

    /// <summary>
    /// Convolution: each pass computes a block of output channels and rows (see <see cref="ConvBlock"/>). With stride 1
    /// a vector of output columns at a time, every tap of the window written out with constant offsets; otherwise, and
    /// for rows narrower than a vector, column by column.
    /// </summary>
    private static void EmitConvForward(SourceWriter w, LayerShape layer, UnrollKind unroll)
    {
        int k = layer.Kernel, s = layer.Stride, inW = layer.PaddedW, inH = layer.PaddedH;
        int outH = layer.OutH, outW = layer.OutW, inC = layer.InC, plane = outH * outW, filter = inC * k * k;
        (int channels, int rows) = ConvBlock(layer);

        // Each vector tap loads a vector per row and a weight per channel and does a multiply-add per pair; each
        // scalar tap loads an input and does a multiply-add per channel. Stride 1 writes both.
        int vectorTap = (rows * LoadBytes) + (channels * BroadcastBytes) + (channels * rows * FmaBytes);
        int scalarTap = channels == 1 ? StatementBytes : LoadBytes + (channels * ScalarFmaBytes);
        unroll = Budgeted(unroll, k, s == 1 ? vectorTap + scalarTap : scalarTap);

        w.Line($"/// <summary>{EscapeXml(ShapeComment(layer))}. Reads the {(layer.Padding > 0 ? "padded " : string.Empty)}input, overwrites y.</summary>");
        w.Open($"private static void {layer.ClassName}Forward({ReadOnlySpan} x, {ReadOnlySpan} w, {ReadOnlySpan} b, {Span} y)");
        w.Line($"ref float xs = ref {MemoryMarshal}.GetReference(x);");
        w.Line($"ref float ws = ref {MemoryMarshal}.GetReference(w);");
        w.Line($"ref float ys = ref {MemoryMarshal}.GetReference(y);");
        if (channels * rows > 1)
        {
            w.Line($"// {BlockText(channels, rows)} per pass: independent sums, so the multiply-adds overlap instead of waiting on one another.");
        }

        w.Open($"for (int oc = 0; oc < {layer.OutC}; oc{Step(channels)})");
        w.Open($"for (int oy = 0; oy < {outH}; oy{Step(rows)})");
        if (s == 1)
        {
            w.Open($"if ({Vector}.IsHardwareAccelerated && {outW} >= {VectorF}.Count)");
            w.Line($"int yi = (oc * {outH} + oy) * {outW};");
            w.Open($"for (int start = 0; start < {outW}; start += {VectorF}.Count)");
            w.Line("// The last block may overlap the one before it; outputs are written, not accumulated, so that is harmless.");
            w.Line($"int ox = global::System.Math.Min(start, {outW} - {VectorF}.Count);");
            w.Line("// s<c><r> sums output channel oc + c, row oy + r.");
            for (int c = 0; c < channels; c++)
            {
                var sums = new StringBuilder($"{VectorF} s{c}0 = new {VectorF}(b[{Plus("oc", c)}])");
                for (int r = 1; r < rows; r++)
                {
                    sums.Append($", s{c}{r} = s{c}0");
                }

                w.Line(sums.Append(';').ToString());
            }

            w.Open($"for (int ic = 0; ic < {inC}; ic++)");
            w.Line($"int xi = (ic * {inH} + oy) * {inW} + ox;");
            w.Line($"int wi = (oc * {inC} + ic) * {k * k};");
            w.Line($"{VectorF} {List(rows, r => "x" + r)}, wv;");
            EmitWindow(w, k, inW, unroll, "xi", "wi", tap =>
            {
                w.Line(List(rows, r => $"x{r} = {Vector}.LoadUnsafe(ref xs, (nuint)({tap.X(r * inW)}));", " "));
                for (int c = 0; c < channels; c++)
                {
                    int channel = c;
                    w.Line($"wv = new {VectorF}({Unsafe}.Add(ref ws, {tap.W(c * filter)})); " +
                        List(rows, r => $"s{channel}{r} = {Vector}.MultiplyAddEstimate(x{r}, wv, s{channel}{r});", " "));
                }
            });
            w.Close();
            for (int c = 0; c < channels; c++)
            {
                for (int r = 0; r < rows; r++)
                {
                    w.Line($"{Vector}.StoreUnsafe(s{c}{r}, ref ys, (nuint)({Plus("yi", (c * plane) + (r * outW))} + ox));");
                }
            }

            w.Close();
            w.Line("continue;");
            w.Close();
            w.Line();
        }

        string row = "oy";
        if (rows > 1)
        {
            w.Open($"for (int row = oy; row < oy + {rows}; row++)");
            row = "row";
        }

        w.Line($"int yRow = (oc * {outH} + {row}) * {outW};");
        w.Open($"for (int ox = 0; ox < {outW}; ox++)");
        w.Line($"float {List(channels, c => $"s{c} = b[{Plus("oc", c)}]")};");
        w.Open($"for (int ic = 0; ic < {inC}; ic++)");
        w.Line($"int xi = (ic * {inH} + {row}{(s == 1 ? string.Empty : " * " + s)}) * {inW} + ox{(s == 1 ? string.Empty : " * " + s)};");
        w.Line($"int wi = (oc * {inC} + ic) * {k * k};");
        if (channels == 1)
        {
            EmitWindow(w, k, inW, unroll, "xi", "wi", tap => w.Line($"s0 += {Unsafe}.Add(ref xs, {tap.X()}) * {Unsafe}.Add(ref ws, {tap.W()});"));
        }
        else
        {
            w.Line("float xv;");
            EmitWindow(w, k, inW, unroll, "xi", "wi", tap =>
                w.Line($"xv = {Unsafe}.Add(ref xs, {tap.X()}); " + List(channels, c => $"s{c} += xv * {Unsafe}.Add(ref ws, {tap.W(c * filter)});", " ")));
        }

        w.Close();
        for (int c = 0; c < channels; c++)
        {
            w.Line($"{Unsafe}.Add(ref ys, {Plus("yRow", c * plane)} + ox) = s{c};");
        }

        w.Close();
        if (rows > 1)
        {
            w.Close();
        }

        w.Close();
        w.Close();
        EmitActivation(w, layer.Activation, "y");
        w.Close();
        w.Line();
    }

    /// <summary>Most independent sums one pass keeps: with the loaded inputs they fit the 16 vector registers of AVX2.</summary>
    private const int MaxSums = 8;

    /// <summary>
    /// The convolution's block: output channels per pass (4, 3 or 2 when one divides the count) and, with stride 1,
    /// output rows per pass (the most that divide the height within <see cref="MaxSums"/>). Channels share each input
    /// load, rows share each weight, and every sum is an independent chain of multiply-adds.
    /// </summary>
    private static (int Channels, int Rows) ConvBlock(LayerShape layer)
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

    private static string Step(int step) => step == 1 ? "++" : " += " + SourceWriter.Int(step);

    private static string Plus(string baseName, int offset) => offset == 0 ? baseName : baseName + " + " + SourceWriter.Int(offset);

    /// <summary><paramref name="count"/> items joined by <paramref name="separator"/>.</summary>
    private static string List(int count, Func<int, string> item, string separator = ", ")
    {
        var text = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            text.Append(i == 0 ? string.Empty : separator).Append(item(i));
        }

        return text.ToString();
    }

    private static void EmitPoolForward(SourceWriter w, LayerShape layer, UnrollKind unroll)
    {
        int k = layer.Kernel, s = layer.Stride;
        unroll = Budgeted(unroll, k, StatementBytes);
        bool max = layer.Kind == LayerKind.MaxPool;
        w.Line($"/// <summary>{EscapeXml(ShapeComment(layer))}. Overwrites y{(max ? "; on ties the first maximum in the window wins" : string.Empty)}.</summary>");
        w.Open($"private static void {layer.ClassName}Forward({ReadOnlySpan} x, {Span} y)");
        w.Line($"ref float xs = ref {MemoryMarshal}.GetReference(x);");
        w.Line($"ref float ys = ref {MemoryMarshal}.GetReference(y);");
        w.Open($"for (int c = 0; c < {layer.InC}; c++)");
        w.Open($"for (int oy = 0; oy < {layer.OutH}; oy++)");
        w.Open($"for (int ox = 0; ox < {layer.OutW}; ox++)");
        w.Line($"int xi = (c * {layer.InH} + oy * {s}) * {layer.InW} + ox * {s};");
        if (max)
        {
            w.Line($"float best = {Unsafe}.Add(ref xs, xi);");
            EmitWindow(w, k, layer.InW, unroll, "xi", null, (xo, _) => xo == "xi" ? null : $"best = global::System.MathF.Max(best, {Unsafe}.Add(ref xs, {xo}));");
            w.Line($"{Unsafe}.Add(ref ys, (c * {layer.OutH} + oy) * {layer.OutW} + ox) = best;");
        }
        else
        {
            w.Line("float sum = 0f;");
            EmitWindow(w, k, layer.InW, unroll, "xi", null, (xo, _) => $"sum += {Unsafe}.Add(ref xs, {xo});");
            w.Line($"{Unsafe}.Add(ref ys, (c * {layer.OutH} + oy) * {layer.OutW} + ox) = sum * {SourceWriter.Float(1f / (k * k))};");
        }

        w.Close();
        w.Close();
        w.Close();
        w.Close();
        w.Line();
    }

    private static void EmitDenseForward(SourceWriter w, LayerShape layer)
    {
        w.Line($"/// <summary>{EscapeXml(ShapeComment(layer))}. Overwrites y.</summary>");
        w.Open($"private static void {layer.ClassName}Forward({ReadOnlySpan} x, {ReadOnlySpan} w, {ReadOnlySpan} b, {Span} y)");
        w.Open($"for (int o = 0; o < {layer.OutC}; o++)");
        w.Line($"y[o] = b[o] + global::LeNet.Kernels.Dot(w.Slice(o * {layer.InC}, {layer.InC}), x);");
        w.Close();
        EmitActivation(w, layer.Activation, "y");
        w.Close();
        w.Line();
    }

    private static void EmitActivation(SourceWriter w, ActivationKind activation, string y)
    {
        switch (activation)
        {
            case ActivationKind.ReLU:
                w.Line($"{Tensor}.Max({y}, 0f, {y});");
                break;
            case ActivationKind.Tanh:
                w.Line($"{Tensor}.Tanh({y}, {y});");
                break;
            case ActivationKind.Sigmoid:
                w.Line($"{Tensor}.Sigmoid({y}, {y});");
                break;
            case ActivationKind.Softmax:
                w.Line($"global::LeNet.Kernels.Softmax({y});");
                break;
        }
    }

    /// <summary>
    /// The unrolling that fits the budget when the method writes <paramref name="bytesPerTap"/> bytes of IL for each
    /// tap, summed over every copy of the window it writes.
    /// </summary>
    private static UnrollKind Budgeted(UnrollKind unroll, int kernel, int bytesPerTap) =>
        unroll == UnrollKind.Window && bytesPerTap * kernel * kernel > UnrollBudget ? (bytesPerTap * kernel > UnrollBudget ? UnrollKind.None : UnrollKind.Row)
        : unroll == UnrollKind.Row && bytesPerTap * kernel > UnrollBudget ? UnrollKind.None
        : unroll;

    /// <summary>One tap of a window: its input and weight offsets as expressions, each moved by a constant, and its index ky * K + kx.</summary>
    private readonly struct Tap(Func<int, string> input, Func<int, string> weight, string index)
    {
        public string Index => index;

        public string X(int delta = 0) => input(delta);

        public string W(int delta = 0) => weight(delta);
    }

    /// <summary>As the other overload, for a tap written as a single statement (or none, when it returns null).</summary>
    private static void EmitWindow(SourceWriter w, int k, int rowLength, UnrollKind unroll, string xBase, string? wBase, Func<string, string, string?> tap) =>
        EmitWindow(w, k, rowLength, unroll, xBase, wBase, t =>
        {
            if (tap(t.X(), t.W()) is { } statement)
            {
                w.Line(statement);
            }
        });

    /// <summary>
    /// Writes the K×K window, calling <paramref name="tap"/> to write each tap. Window unrolling writes all K² taps with
    /// literal offsets; Row loops over kernel rows with each row's taps written out; None loops over both. Column-major
    /// swaps the roles of kernel rows and columns: taps go column by column, and Row loops over kernel columns.
    /// </summary>
    private static void EmitWindow(SourceWriter w, int k, int rowLength, UnrollKind unroll, string xBase, string? wBase, Action<Tap> tap) =>
        EmitWindow(w, k, rowLength, unroll, xBase, wBase, columnMajor: false, tap);

    private static void EmitWindow(SourceWriter w, int k, int rowLength, UnrollKind unroll, string xBase, string? wBase, bool columnMajor, Action<Tap> tap)
    {
        string weightBase = wBase ?? string.Empty;
        (string outer, string inner) = columnMajor ? ("kx", "ky") : ("ky", "kx");
        switch (unroll)
        {
            case UnrollKind.Window:
                for (int a = 0; a < k; a++)
                {
                    for (int b = 0; b < k; b++)
                    {
                        (int ky, int kx) = columnMajor ? (b, a) : (a, b);
                        int xo = (ky * rowLength) + kx, wo = (ky * k) + kx;
                        tap(new Tap(d => Plus(xBase, xo + d), d => Plus(weightBase, wo + d), SourceWriter.Int(wo)));
                    }
                }

                break;
            case UnrollKind.Row:
                (int xStep, int wStep, int xInner, int wInner) = columnMajor ? (1, 1, rowLength, k) : (rowLength, k, 1, 1);
                string xName = columnMajor ? "xc" : "xr", wName = columnMajor ? "wc" : "wr";
                w.Open($"for (int {outer} = 0; {outer} < {k}; {outer}++)");
                w.Line($"int {xName} = {xBase} + {outer}{(xStep == 1 ? string.Empty : " * " + SourceWriter.Int(xStep))};");
                if (wBase is not null)
                {
                    w.Line($"int {wName} = {wBase} + {outer}{(wStep == 1 ? string.Empty : " * " + SourceWriter.Int(wStep))};");
                }

                for (int b = 0; b < k; b++)
                {
                    int xo = b * xInner, wo = b * wInner;
                    tap(new Tap(d => Plus(xName, xo + d), d => Plus(wName, wo + d), columnMajor ? Plus("kx", wo) : Plus($"ky * {SourceWriter.Int(k)}", wo)));
                }

                w.Close();
                break;
            default:
                w.Open($"for (int {outer} = 0; {outer} < {k}; {outer}++)");
                w.Open($"for (int {inner} = 0; {inner} < {k}; {inner}++)");
                tap(new Tap(d => Plus($"{xBase} + ky * {rowLength} + kx", d), d => Plus($"{weightBase} + ky * {k} + kx", d), $"ky * {k} + kx"));
                w.Close();
                w.Close();
                break;
        }
    }
}
