using LeNet.Generator.Model;

namespace LeNet.Generator.Emitting;

/// <summary>The kernels of a dense layer (a constant-length dot product per output) and the activations every layer shares.</summary>
internal static class DenseEmitter
{
    public static void Forward(SourceWriter w, LayerShape layer)
    {
        w.Summary(Xml.Escape(SurfaceEmitter.ShapeComment(layer)) + ".", "Overwrites y.");
        using (w.Method($"public static void {layer.ClassName}Forward", "ReadOnlySpan<float> x", "ReadOnlySpan<float> w", "ReadOnlySpan<float> b", "Span<float> y"))
        {
            using (w.Block($"for (int o = 0; o < {layer.OutC}; o++)"))
            {
                w.Line($"y[o] = b[o] + GeneratedCodeSupport.Dot(w.Slice({WindowEmitter.Times("o", layer.InC)}, {layer.InC}), x);");
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
