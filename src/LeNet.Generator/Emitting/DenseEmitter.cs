using LeNet.Generator.Model;

namespace LeNet.Generator.Emitting;

/// <summary>The kernels of a dense layer (a constant-length dot product per output) and the activations every layer shares.</summary>
internal static class DenseEmitter
{
    /// <summary>
    /// Dense forward, <see cref="InferencePlan.DenseRows"/> outputs a pass: each load of x feeds every row of the pass.
    /// Each row sums exactly as <c>GeneratedCodeSupport.Dot</c> does (four vector sums, then the remainder vectors, the
    /// horizontal sum, the scalar tail), so the result has the same bits as one dot product per output.
    /// </summary>
    public static void Forward(SourceWriter w, LayerShape layer)
    {
        int n = layer.InC, rows = InferencePlan.DenseRows(layer);
        string length = SourceWriter.Int(n);
        w.Summary(Xml.Escape(SurfaceEmitter.ShapeComment(layer)) + ".", "Overwrites y.");
        using (w.Method($"public static void {layer.ClassName}Forward", "ReadOnlySpan<float> x", "ReadOnlySpan<float> w", "ReadOnlySpan<float> b", "Span<float> y"))
        {
            w.Line("ref float xs = ref MemoryMarshal.GetReference(x);");
            w.Line("ref float ws = ref MemoryMarshal.GetReference(w);");
            string R(int r) => "w" + SourceWriter.Int(r);
            using (w.Block($"for (int o = 0; o < {layer.OutC}; o{WindowEmitter.Step(rows)})"))
            {
                w.Line($"// Row o + r of the weights starts at w<r>; sum<r> is its dot product with x.");
                for (int r = 0; r < rows; r++)
                {
                    string start = r == 0 ? WindowEmitter.Times("o", n) : $"{R(0)} + {SourceWriter.Int(r * n)}";
                    w.Line($"int {R(r)} = {start};");
                }

                w.Line($"float {WindowEmitter.List(rows, r => $"sum{r} = 0f")};");
                w.Line("int i = 0;");
                using (w.Block($"if (Vector.IsHardwareAccelerated && {length} >= Vector<float>.Count)"))
                {
                    w.Line("int width = Vector<float>.Count;");
                    w.Line("// a<r><j>: four independent sums per row hide the latency of the multiply-adds.");
                    for (int r = 0; r < rows; r++)
                    {
                        w.Line($"Vector<float> {WindowEmitter.List(4, j => $"a{r}{j} = Vector<float>.Zero")};");
                    }

                    using (w.Block($"for (; i <= {length} - (4 * width); i += 4 * width)"))
                    {
                        for (int j = 0; j < 4; j++)
                        {
                            string at = j == 0 ? "i" : j == 1 ? "i + width" : $"i + ({j} * width)";
                            w.Line($"Vector<float> x{j} = Vector.LoadUnsafe(ref xs, (nuint)({at}));");
                            for (int r = 0; r < rows; r++)
                            {
                                w.Line($"a{r}{j} = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref ws, (nuint)({R(r)} + {at})), x{j}, a{r}{j});");
                            }
                        }
                    }

                    using (w.Block($"for (; i <= {length} - width; i += width)"))
                    {
                        w.Line("Vector<float> xv = Vector.LoadUnsafe(ref xs, (nuint)i);");
                        for (int r = 0; r < rows; r++)
                        {
                            w.Line($"a{r}0 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref ws, (nuint)({R(r)} + i)), xv, a{r}0);");
                        }
                    }

                    for (int r = 0; r < rows; r++)
                    {
                        w.Line($"sum{r} = Vector.Sum((a{r}0 + a{r}1) + (a{r}2 + a{r}3));");
                    }
                }

                using (w.Block($"for (; i < {length}; i++)"))
                {
                    w.Line("float xi = Unsafe.Add(ref xs, i);");
                    for (int r = 0; r < rows; r++)
                    {
                        w.Line($"sum{r} += Unsafe.Add(ref ws, {R(r)} + i) * xi;");
                    }
                }

                for (int r = 0; r < rows; r++)
                {
                    w.Line($"y[{WindowEmitter.Plus("o", r)}] = b[{WindowEmitter.Plus("o", r)}] + sum{r};");
                }
            }

            Activation(w, layer.Activation, "y");
        }

        w.Line();
    }

    public static void Backward(SourceWriter w, LayerShape layer)
    {
        bool hasInputGradient = layer.HasInputGradient;
        w.Summary(Xml.Escape(SurfaceEmitter.ShapeComment(layer)) + ".", $"Backward: {(hasInputGradient ? "overwrites dx; adds" : "adds")} to dw and db.");
        using (w.Method($"public static void {layer.ClassName}Backward", "ReadOnlySpan<float> dy", "ReadOnlySpan<float> x", "ReadOnlySpan<float> w", "Span<float> dx", "Span<float> dw", "Span<float> db"))
        {
            w.Line("TensorPrimitives.Add(db, dy, db);");
            if (hasInputGradient)
            {
                w.Line("dx.Clear();");
            }

            using (w.Block($"for (int o = 0; o < {layer.OutC}; o++)"))
            {
                w.Line("float g = dy[o];");
                using (w.Block("if (g == 0f)"))
                {
                    w.Line("continue;");
                }

                string row = WindowEmitter.Times("o", layer.InC);
                w.Line($"Span<float> dwRow = dw.Slice({row}, {layer.InC});");
                w.Line("TensorPrimitives.MultiplyAdd(x, g, dwRow, dwRow);");
                if (hasInputGradient)
                {
                    w.Line($"TensorPrimitives.MultiplyAdd(w.Slice({row}, {layer.InC}), g, dx, dx);");
                }
            }
        }

        w.Line();
    }

    /// <summary>Applies <paramref name="activation"/> to <paramref name="y"/> in place.</summary>
    public static void Activation(SourceWriter w, Activation activation, string y)
    {
        switch (activation)
        {
            case LeNet.Activation.ReLU:
                w.Line($"TensorPrimitives.Max({y}, 0f, {y});");
                break;
            case LeNet.Activation.Tanh:
                w.Line($"TensorPrimitives.Tanh({y}, {y});");
                break;
            case LeNet.Activation.Sigmoid:
                w.Line($"TensorPrimitives.Sigmoid({y}, {y});");
                break;
            case LeNet.Activation.Softmax:
                w.Line($"GeneratedCodeSupport.Softmax({y});");
                break;
        }
    }

    /// <summary>The runtime's backward of <paramref name="activation"/> given the output, or null for the identity.</summary>
    public static string? ActivationBackward(Activation activation) => activation switch
    {
        LeNet.Activation.ReLU => "ReluBackward",
        LeNet.Activation.Tanh => "TanhBackward",
        LeNet.Activation.Sigmoid => "SigmoidBackward",
        LeNet.Activation.Softmax => "SoftmaxBackward",
        _ => null,
    };
}

/// <summary>Escapes text for an XML doc comment.</summary>
internal static class Xml
{
    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
