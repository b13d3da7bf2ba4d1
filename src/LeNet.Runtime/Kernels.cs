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

    /// <summary>dz = dy where the ReLU output y is positive, else 0; in place on <paramref name="gradient"/>.</summary>
    public static void ReluBackward(ReadOnlySpan<float> output, Span<float> gradient)
    {
        for (int i = 0; i < gradient.Length; i++)
        {
            if (!(output[i] > 0f))
            {
                gradient[i] = 0f;
            }
        }
    }

    /// <summary>dz = dy · (1 − y²) for y = tanh(z); in place on <paramref name="gradient"/>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> output, Span<float> gradient)
    {
        for (int i = 0; i < gradient.Length; i++)
        {
            float y = output[i];
            gradient[i] *= 1f - (y * y);
        }
    }

    /// <summary>dz = dy · y · (1 − y) for y = σ(z); in place on <paramref name="gradient"/>.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> output, Span<float> gradient)
    {
        for (int i = 0; i < gradient.Length; i++)
        {
            float y = output[i];
            gradient[i] *= y * (1f - y);
        }
    }

    /// <summary>dz_i = y_i · (dy_i − Σ_j dy_j y_j) for y = softmax(z); in place on <paramref name="gradient"/>.</summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> output, Span<float> gradient)
    {
        float dot = TensorPrimitives.Dot(output, gradient);
        for (int i = 0; i < gradient.Length; i++)
        {
            gradient[i] = output[i] * (gradient[i] - dot);
        }
    }

    /// <summary>−log p, with p floored at the smallest positive float so a confident wrong answer costs about 103, not infinity.</summary>
    public static float NegativeLog(float probability) => -MathF.Log(MathF.Max(probability, float.Epsilon));
}
