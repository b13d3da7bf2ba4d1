using System;
using System.ComponentModel;
using System.Numerics.Tensors;

namespace LeNet;

/// <summary>Span kernels shared by generated networks. Public only so generated code can call them.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Kernels
{
    /// <summary>Softmax in place, subtracting the maximum first so large logits cannot overflow.</summary>
    public static void Softmax(Span<float> values)
    {
        float max = TensorPrimitives.Max(values);
        TensorPrimitives.Subtract(values, max, values);
        TensorPrimitives.Exp(values, values);
        float sum = TensorPrimitives.Sum(values);
        TensorPrimitives.Divide(values, sum, values);
    }
}
