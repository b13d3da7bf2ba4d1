using System;
using System.ComponentModel;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LeNet;

/// <summary>
/// What code the generator writes calls into: span kernels shared by every generated network and its one length check.
/// Public only so generated code can call it; not an API for hand-written code.
/// </summary>
/// <remarks>
/// Reductions here add in a fixed order from index 0. TensorPrimitives' Dot and Sum align their loads to the data's
/// address, so their rounding depends on where the GC placed an array, which would break bit-identical training.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GeneratedCodeSupport
{
    /// <summary>Σ x[i]·y[i] over the shorter length, in an order that depends only on the length.</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int length = Math.Min(x.Length, y.Length);
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        int i = 0;
        float sum = 0f;
        if (Vector.IsHardwareAccelerated && length >= Vector<float>.Count)
        {
            int width = Vector<float>.Count;
            Vector<float> a0 = Vector<float>.Zero, a1 = Vector<float>.Zero, a2 = Vector<float>.Zero, a3 = Vector<float>.Zero;
            // Four accumulators hide the latency of the multiply-adds.
            for (; i <= length - (4 * width); i += 4 * width)
            {
                a0 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref xs, (nuint)i), Vector.LoadUnsafe(ref ys, (nuint)i), a0);
                a1 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref xs, (nuint)(i + width)), Vector.LoadUnsafe(ref ys, (nuint)(i + width)), a1);
                a2 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref xs, (nuint)(i + (2 * width))), Vector.LoadUnsafe(ref ys, (nuint)(i + (2 * width))), a2);
                a3 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref xs, (nuint)(i + (3 * width))), Vector.LoadUnsafe(ref ys, (nuint)(i + (3 * width))), a3);
            }

            for (; i <= length - width; i += width)
            {
                a0 = Vector.MultiplyAddEstimate(Vector.LoadUnsafe(ref xs, (nuint)i), Vector.LoadUnsafe(ref ys, (nuint)i), a0);
            }

            sum = Vector.Sum((a0 + a1) + (a2 + a3));
        }

        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref xs, i) * Unsafe.Add(ref ys, i);
        }

        return sum;
    }

    /// <summary>Softmax in place, subtracting the maximum first so large logits cannot overflow.</summary>
    public static void Softmax(Span<float> values)
    {
        float max = TensorPrimitives.Max(values);
        TensorPrimitives.Subtract(values, max, values);
        TensorPrimitives.Exp(values, values);
        float sum = 0f;
        foreach (float value in values)
        {
            sum += value;
        }

        TensorPrimitives.Divide(values, sum, values);
    }

    /// <summary>dz = dy where the ReLU output y is positive, else 0; in place on <paramref name="gradient"/>.</summary>
    public static void ReluBackward(ReadOnlySpan<float> output, Span<float> gradient)
    {
        RequireOutputFor(output, gradient);
        ref float ys = ref MemoryMarshal.GetReference(output);
        ref float gs = ref MemoryMarshal.GetReference(gradient);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= gradient.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<int> positive = Vector.GreaterThan(Vector.LoadUnsafe(ref ys, (nuint)i), Vector<float>.Zero);
                Vector.StoreUnsafe(Vector.ConditionalSelect(positive, Vector.LoadUnsafe(ref gs, (nuint)i), Vector<float>.Zero), ref gs, (nuint)i);
            }
        }

        for (; i < gradient.Length; i++)
        {
            if (!(Unsafe.Add(ref ys, i) > 0f))
            {
                Unsafe.Add(ref gs, i) = 0f;
            }
        }
    }

    /// <summary>dz = dy · (1 − y²) for y = tanh(z); in place on <paramref name="gradient"/>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> output, Span<float> gradient) => ScaleByDerivative<TanhDerivative>(output, gradient);

    /// <summary>dz = dy · y · (1 − y) for y = σ(z); in place on <paramref name="gradient"/>.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> output, Span<float> gradient) => ScaleByDerivative<SigmoidDerivative>(output, gradient);

    /// <summary>dz = dy · f′ where f′ is written in terms of the activation's output y.</summary>
    private static void ScaleByDerivative<TDerivative>(ReadOnlySpan<float> output, Span<float> gradient)
        where TDerivative : IDerivativeFromOutput
    {
        RequireOutputFor(output, gradient);
        ref float ys = ref MemoryMarshal.GetReference(output);
        ref float gs = ref MemoryMarshal.GetReference(gradient);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= gradient.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> derivative = TDerivative.Of(Vector.LoadUnsafe(ref ys, (nuint)i));
                Vector.StoreUnsafe(Vector.LoadUnsafe(ref gs, (nuint)i) * derivative, ref gs, (nuint)i);
            }
        }

        for (; i < gradient.Length; i++)
        {
            Unsafe.Add(ref gs, i) *= TDerivative.Of(Unsafe.Add(ref ys, i));
        }
    }

    /// <summary>An activation's derivative as a function of its output, for scalars and vectors alike.</summary>
    private interface IDerivativeFromOutput
    {
        static abstract float Of(float y);

        static abstract Vector<float> Of(Vector<float> y);
    }

    private readonly struct TanhDerivative : IDerivativeFromOutput
    {
        public static float Of(float y) => 1f - (y * y);

        public static Vector<float> Of(Vector<float> y) => Vector<float>.One - (y * y);
    }

    private readonly struct SigmoidDerivative : IDerivativeFromOutput
    {
        public static float Of(float y) => y * (1f - y);

        public static Vector<float> Of(Vector<float> y) => y * (Vector<float>.One - y);
    }

    private static void RequireOutputFor(ReadOnlySpan<float> output, Span<float> gradient)
    {
        if (output.Length < gradient.Length)
        {
            throw new ArgumentException($"Expected at least {gradient.Length} outputs, one per gradient, got {output.Length}.", nameof(output));
        }
    }

    /// <summary>The label smoothing ε of the training running on this thread; 0 outside training (see <see cref="Training.TrainingOptions.LabelSmoothing"/>).</summary>
    [ThreadStatic]
    private static float t_labelSmoothing;

    /// <summary>This thread's label smoothing; the trainer sets it on each worker for an epoch (<see cref="Training.LabelSmoothingScope"/>).</summary>
    internal static float LabelSmoothing
    {
        get => t_labelSmoothing;
        set => t_labelSmoothing = value;
    }

    /// <summary>
    /// Softmax and cross-entropy fused: dL/dz = p − q, with the target q = (1 − ε)·onehot(label) + ε/K over the K
    /// classes, ε the label smoothing of the training on this thread (0 outside training, so q = onehot).
    /// </summary>
    public static void CrossEntropyGradient(ReadOnlySpan<float> probabilities, int label, Span<float> gradient)
    {
        probabilities.CopyTo(gradient);
        SubtractTarget(gradient, label);
    }

    /// <summary>Subtracts the target q of <see cref="CrossEntropyGradient"/> from <paramref name="gradient"/>, which holds p.</summary>
    internal static void SubtractTarget(Span<float> gradient, int label)
    {
        float smoothing = t_labelSmoothing;
        if (smoothing == 0f)
        {
            gradient[label] -= 1f;
            return;
        }

        float share = smoothing / gradient.Length;
        for (int i = 0; i < gradient.Length; i++)
        {
            gradient[i] -= share;
        }

        gradient[label] -= 1f - smoothing;
    }

    /// <summary>dz_i = y_i · (dy_i − Σ_j dy_j y_j) for y = softmax(z); in place on <paramref name="gradient"/>.</summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> output, Span<float> gradient)
    {
        float dot = Dot(output, gradient);
        for (int i = 0; i < gradient.Length; i++)
        {
            gradient[i] = output[i] * (gradient[i] - dot);
        }
    }

    /// <summary>
    /// A dropout layer, forward (its input to its output) or backward (its output's gradient to its input's): with an
    /// active key each value is zeroed with probability <paramref name="rate"/> and the rest scaled by 1 / (1 − rate),
    /// the same masks in both directions for the same key and layer; with <c>default</c> a plain copy.
    /// </summary>
    public static void Dropout(ReadOnlySpan<float> source, Span<float> destination, float rate, DropoutKey key, int layer) =>
        DropoutMask.Apply(source, destination, rate, key, layer);

    /// <summary>−log p, with p floored at the smallest positive float so a confident wrong answer costs about 103, not infinity.</summary>
    public static float NegativeLog(float probability) => -MathF.Log(MathF.Max(probability, float.Epsilon));

    /// <summary>Throws the argument exception of a span of <paramref name="actual"/> floats where exactly <paramref name="expected"/> were needed.</summary>
    public static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            ThrowLength("exactly", actual, expected, name);
        }
    }

    /// <summary>Throws the argument exception of a span of <paramref name="actual"/> floats where at least <paramref name="expected"/> were needed.</summary>
    public static void CheckMinimumLength(int actual, int expected, string name)
    {
        if (actual < expected)
        {
            ThrowLength("at least", actual, expected, name);
        }
    }

    /// <summary>Whether every value is finite (no NaN, no infinity).</summary>
    public static bool IsFinite(ReadOnlySpan<float> values)
    {
        foreach (float value in values)
        {
            if (!float.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The exception of a prediction asked of an output that is not finite, naming the first such value.</summary>
    public static InvalidOperationException NonFiniteOutput(ReadOnlySpan<float> output)
    {
        int index = 0;
        while (index < output.Length - 1 && float.IsFinite(output[index]))
        {
            index++;
        }

        return new InvalidOperationException(
            $"Expected a finite output to predict a class from, got {output[index].ToString(System.Globalization.CultureInfo.InvariantCulture)} at output {index}; the parameters have probably diverged.");
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowLength(string expectation, int actual, int expected, string name) =>
        throw new ArgumentException($"Expected {expectation} {expected} floats in {name}, got {actual}.", name);
}
