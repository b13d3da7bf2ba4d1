using System;
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
    /// Most tap statements one kernel method may write out; beyond it the window falls back to Row, then to None. At
    /// about 40 bytes of IL per tap this keeps every method under 16 KB.
    /// </summary>
    internal const int UnrollBudget = 400;

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
    /// Convolution: loops over output channel and row; with stride 1 each output row is computed a vector of columns at
    /// a time, every tap of the window written out with constant offsets; otherwise column by column.
    /// </summary>
    private static void EmitConvForward(SourceWriter w, LayerShape layer, UnrollKind unroll)
    {
        int k = layer.Kernel, s = layer.Stride, inW = layer.PaddedW, inH = layer.PaddedH;
        int outH = layer.OutH, outW = layer.OutW, inC = layer.InC;

        // Stride 1 writes the window twice (vector and scalar column paths), so it spends the budget twice.
        unroll = Budgeted(unroll, k, s == 1 ? 2 : 1);

        w.Line($"/// <summary>{EscapeXml(ShapeComment(layer))}. Reads the {(layer.Padding > 0 ? "padded " : string.Empty)}input, overwrites y.</summary>");
        w.Open($"private static void {layer.ClassName}Forward({ReadOnlySpan} x, {ReadOnlySpan} w, {ReadOnlySpan} b, {Span} y)");
        w.Line($"ref float xs = ref {MemoryMarshal}.GetReference(x);");
        w.Line($"ref float ws = ref {MemoryMarshal}.GetReference(w);");
        w.Line($"ref float ys = ref {MemoryMarshal}.GetReference(y);");
        w.Open($"for (int oc = 0; oc < {layer.OutC}; oc++)");
        w.Line("float bias = b[oc];");
        w.Open($"for (int oy = 0; oy < {outH}; oy++)");
        w.Line($"int yRow = (oc * {outH} + oy) * {outW};");
        if (s == 1)
        {
            w.Open($"if ({Vector}.IsHardwareAccelerated && {outW} >= {VectorF}.Count)");
            w.Open($"for (int start = 0; start < {outW}; start += {VectorF}.Count)");
            w.Line("// The last block may overlap the one before it; outputs are written, not accumulated, so that is harmless.");
            w.Line($"int ox = global::System.Math.Min(start, {outW} - {VectorF}.Count);");
            w.Line($"{VectorF} sum = new {VectorF}(bias);");
            w.Open($"for (int ic = 0; ic < {inC}; ic++)");
            w.Line($"int xi = (ic * {inH} + oy) * {inW} + ox;");
            w.Line($"int wi = (oc * {inC} + ic) * {k * k};");
            EmitWindow(w, k, inW, unroll, "xi", "wi",
                (xo, wo) => $"sum = {Vector}.MultiplyAddEstimate({Vector}.LoadUnsafe(ref xs, (nuint)({xo})), new {VectorF}({Unsafe}.Add(ref ws, {wo})), sum);");
            w.Close();
            w.Line($"{Vector}.StoreUnsafe(sum, ref ys, (nuint)(yRow + ox));");
            w.Close();
            w.Line("continue;");
            w.Close();
            w.Line();
        }

        w.Open($"for (int ox = 0; ox < {outW}; ox++)");
        w.Line("float sum = bias;");
        w.Open($"for (int ic = 0; ic < {inC}; ic++)");
        w.Line($"int xi = (ic * {inH} + oy * {s}) * {inW} + ox * {s};");
        w.Line($"int wi = (oc * {inC} + ic) * {k * k};");
        EmitWindow(w, k, inW, unroll, "xi", "wi", (xo, wo) => $"sum += {Unsafe}.Add(ref xs, {xo}) * {Unsafe}.Add(ref ws, {wo});");
        w.Close();
        w.Line($"{Unsafe}.Add(ref ys, yRow + ox) = sum;");
        w.Close();
        w.Close();
        w.Close();
        EmitActivation(w, layer.Activation, "y");
        w.Close();
        w.Line();
    }

    private static void EmitPoolForward(SourceWriter w, LayerShape layer, UnrollKind unroll)
    {
        int k = layer.Kernel, s = layer.Stride;
        unroll = Budgeted(unroll, k);
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

    /// <summary>The unrolling that fits the budget when the method writes <paramref name="copies"/> copies of the window.</summary>
    private static UnrollKind Budgeted(UnrollKind unroll, int kernel, int copies = 1) =>
        unroll == UnrollKind.Window && copies * kernel * kernel > UnrollBudget ? (copies * kernel > UnrollBudget ? UnrollKind.None : UnrollKind.Row)
        : unroll == UnrollKind.Row && copies * kernel > UnrollBudget ? UnrollKind.None
        : unroll;

    /// <summary>
    /// Writes the K×K window: each tap is <paramref name="tap"/>(input offset, weight offset). Window unrolling writes
    /// all K² taps with literal offsets; Row loops over kernel rows with each row's taps written out; None loops over both.
    /// A tap that returns null is skipped.
    /// </summary>
    private static void EmitWindow(SourceWriter w, int k, int rowLength, UnrollKind unroll, string xBase, string? wBase, Func<string, string, string?> tap)
    {
        static string Plus(string baseName, string offset) => offset == "0" ? baseName : baseName + " + " + offset;

        switch (unroll)
        {
            case UnrollKind.Window:
                for (int ky = 0; ky < k; ky++)
                {
                    for (int kx = 0; kx < k; kx++)
                    {
                        Write(w, tap(Plus(xBase, SourceWriter.Int((ky * rowLength) + kx)), wBase is null ? string.Empty : Plus(wBase, SourceWriter.Int((ky * k) + kx))));
                    }
                }

                break;
            case UnrollKind.Row:
                w.Open($"for (int ky = 0; ky < {k}; ky++)");
                w.Line($"int xr = {xBase} + ky * {rowLength};");
                if (wBase is not null)
                {
                    w.Line($"int wr = {wBase} + ky * {k};");
                }

                for (int kx = 0; kx < k; kx++)
                {
                    Write(w, tap(Plus("xr", SourceWriter.Int(kx)), wBase is null ? string.Empty : Plus("wr", SourceWriter.Int(kx))));
                }

                w.Close();
                break;
            default:
                w.Open($"for (int ky = 0; ky < {k}; ky++)");
                w.Open($"for (int kx = 0; kx < {k}; kx++)");
                Write(w, tap($"{xBase} + ky * {rowLength} + kx", wBase is null ? string.Empty : $"{wBase} + ky * {k} + kx"));
                w.Close();
                w.Close();
                break;
        }

        static void Write(SourceWriter writer, string? statement)
        {
            if (statement is not null)
            {
                writer.Line(statement);
            }
        }
    }
}
