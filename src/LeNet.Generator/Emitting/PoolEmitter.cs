using LeNet.Generator.Model;
using static LeNet.Generator.Emitting.WindowEmitter;

namespace LeNet.Generator.Emitting;

/// <summary>The kernels of a max or average pool: forward, and backward when an earlier layer needs the input gradient.</summary>
internal static class PoolEmitter
{
    public static void Forward(SourceWriter w, LayerShape layer, KernelUnroll requested)
    {
        int k = layer.Kernel, s = layer.Stride;
        KernelUnroll unroll = Budgeted(requested, k, StatementBytes);
        bool max = layer.Kind == LayerType.MaxPool;
        w.Summary(Xml.Escape(SurfaceEmitter.ShapeComment(layer)) + ".", $"Overwrites y{(max ? "; on ties the first maximum in the window wins" : string.Empty)}.");
        using (w.Block($"public static void {layer.ClassName}Forward(ReadOnlySpan<float> x, Span<float> y)"))
        {
            w.Line(UnrollComment(requested, unroll));
            w.Line("ref float xs = ref MemoryMarshal.GetReference(x);");
            w.Line("ref float ys = ref MemoryMarshal.GetReference(y);");
            using (ConvEmitter.ChannelLoop(w, "c", layer.InC, out string c))
            using (w.Block($"for (int oy = 0; oy < {layer.OutH}; oy++)"))
            using (w.Block($"for (int ox = 0; ox < {layer.OutW}; ox++)"))
            {
                w.Line($"int xi = {ConvEmitter.Flat(c, layer.InH, Times("oy", s), layer.InW, Times("ox", s))};");
                string yi = ConvEmitter.Flat(c, layer.OutH, "oy", layer.OutW, "ox");
                if (max)
                {
                    w.Line("float best = Unsafe.Add(ref xs, xi);");
                    Window(w, k, layer.InW, unroll, "xi", null, (xo, _) => xo == "xi" ? null : $"best = MathF.Max(best, Unsafe.Add(ref xs, {xo}));");
                    w.Line($"Unsafe.Add(ref ys, {yi}) = best;");
                }
                else
                {
                    w.Line("float sum = 0f;");
                    Window(w, k, layer.InW, unroll, "xi", null, (xo, _) => $"sum += Unsafe.Add(ref xs, {xo});");
                    w.Line($"Unsafe.Add(ref ys, {yi}) = sum * {SourceWriter.Float(1f / (k * k))};");
                }
            }
        }

        w.Line();
    }

    public static void Backward(SourceWriter w, LayerShape layer, KernelUnroll requested)
    {
        int k = layer.Kernel, s = layer.Stride;
        KernelUnroll unroll = Budgeted(requested, k, StatementBytes);
        bool max = layer.Kind == LayerType.MaxPool;
        string shape = Xml.Escape(SurfaceEmitter.ShapeComment(layer));
        w.Summary(shape + ".", max ? "Backward: each gradient goes to its window's first maximum; overwrites dx." : "Backward: each gradient is shared evenly by its window; overwrites dx.");
        using (w.Block($"public static void {layer.ClassName}Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dx)"))
        {
            w.Line(UnrollComment(requested, unroll));
            w.Line("ref float xs = ref MemoryMarshal.GetReference(x);");
            w.Line("ref float dxs = ref MemoryMarshal.GetReference(dx);");
            w.Line("dx.Clear();");
            using (ConvEmitter.ChannelLoop(w, "c", layer.InC, out string c))
            using (w.Block($"for (int oy = 0; oy < {layer.OutH}; oy++)"))
            using (w.Block($"for (int ox = 0; ox < {layer.OutW}; ox++)"))
            {
                w.Line($"int xi = {ConvEmitter.Flat(c, layer.InH, Times("oy", s), layer.InW, Times("ox", s))};");
                w.Line($"float g = dy[{ConvEmitter.Flat(c, layer.OutH, "oy", layer.OutW, "ox")}];");
                if (max)
                {
                    w.Line("int best = xi;");
                    w.Line("float bestValue = Unsafe.Add(ref xs, xi);");
                    Window(w, k, layer.InW, unroll, "xi", null, columnMajor: false, tap =>
                    {
                        string xo = tap.X();
                        if (xo == "xi")
                        {
                            return;
                        }

                        using (w.Block($"if (Unsafe.Add(ref xs, {xo}) > bestValue)"))
                        {
                            w.Line($"best = {xo};");
                            w.Line("bestValue = Unsafe.Add(ref xs, best);");
                        }
                    });
                    w.Line("Unsafe.Add(ref dxs, best) += g;");
                }
                else
                {
                    w.Line($"g *= {SourceWriter.Float(1f / (k * k))};");
                    Window(w, k, layer.InW, unroll, "xi", null, (xo, _) => $"Unsafe.Add(ref dxs, {xo}) += g;");
                }
            }
        }

        w.Line();
    }
}
