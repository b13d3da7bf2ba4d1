using System;
using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Threading;

namespace LeNet;

/// <summary>
/// The batched kernels generated networks call: <see cref="Lanes"/> images at once in an image-innermost layout
/// ([C][H][W][image], one Vector512 per pixel), so every weight is broadcast once per block of images rather than once
/// per image. The generator emits, per network, the calls with constant sizes and workspace offsets; the bodies live
/// here once. Public only so generated code can call them; not an API for hand-written code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[SkipLocalsInit]
public static partial class BatchKernels
{
    /// <summary>Images per block: one Vector512 of floats.</summary>
    public const int Lanes = 16;

    private static readonly AsyncLocal<bool> s_perImage = new();

    [ThreadStatic]
    private static float[]? t_workspace;

    /// <summary>
    /// Whether the batched kernels run: the processor has AVX-512 and <see cref="ForcePerImage"/> is off. Generated code
    /// falls back to its per-image path when this is false.
    /// </summary>
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated && !s_perImage.Value;

    /// <summary>
    /// Makes generated code take its per-image path, as on a processor without AVX-512 (for tests). The setting flows with
    /// the execution context, so it covers the threads a call starts but not other tests running at the same time.
    /// </summary>
    public static bool ForcePerImage
    {
        get => s_perImage.Value;
        set => s_perImage.Value = value;
    }

    /// <summary>This thread's scratch array of at least <paramref name="length"/> floats, allocated once and grown as needed.</summary>
    public static Span<float> ThreadWorkspace(int length)
    {
        float[]? workspace = t_workspace;
        if (workspace is null || workspace.Length < length)
        {
            workspace = new float[length];
            t_workspace = workspace;
        }

        return workspace.AsSpan(0, length);
    }

    /// <summary>
    /// <paramref name="count"/> images of <paramref name="length"/> floats back to back → [length][Lanes]; lanes of missing
    /// images are zero.
    /// </summary>
    public static void ToLanes(ReadOnlySpan<float> images, int count, int length, Span<float> lanes)
    {
        Require(images.Length >= count * length && count <= Lanes && lanes.Length >= length * Lanes, "ToLanes");
        if (count < Lanes)
        {
            lanes[..(length * Lanes)].Clear();
        }

        ref float source = ref MemoryMarshal.GetReference(images);
        ref float target = ref MemoryMarshal.GetReference(lanes);
        for (int image = 0; image < count; image++)
        {
            ref float row = ref Unsafe.Add(ref source, image * length);
            ref float column = ref Unsafe.Add(ref target, image);
            for (int i = 0; i < length; i++)
            {
                Unsafe.Add(ref column, i * Lanes) = Unsafe.Add(ref row, i);
            }
        }
    }

    /// <summary>[length][Lanes] → the first <paramref name="count"/> images of <paramref name="length"/> floats back to back.</summary>
    public static void FromLanes(ReadOnlySpan<float> lanes, int count, int length, Span<float> images)
    {
        Require(images.Length >= count * length && count <= Lanes && lanes.Length >= length * Lanes, "FromLanes");
        ref float source = ref MemoryMarshal.GetReference(lanes);
        ref float target = ref MemoryMarshal.GetReference(images);
        for (int image = 0; image < count; image++)
        {
            ref float row = ref Unsafe.Add(ref target, image * length);
            ref float column = ref Unsafe.Add(ref source, image);
            for (int i = 0; i < length; i++)
            {
                Unsafe.Add(ref row, i) = Unsafe.Add(ref column, i * Lanes);
            }
        }
    }

    /// <summary>Applies an activation in place, element by element, exactly as the per-image kernels do (softmax is per image, elsewhere).</summary>
    public static void Activate(Activation activation, Span<float> values)
    {
        switch (activation)
        {
            case Activation.ReLU:
                TensorPrimitives.Max(values, 0f, values);
                break;
            case Activation.Tanh:
                TensorPrimitives.Tanh(values, values);
                break;
            case Activation.Sigmoid:
                TensorPrimitives.Sigmoid(values, values);
                break;
            default:
                break;
        }
    }

    /// <summary>dz = dy · f′(z) in place on <paramref name="gradient"/>, f′ written in terms of the activation's output.</summary>
    public static void ActivationBackward(Activation activation, ReadOnlySpan<float> output, Span<float> gradient)
    {
        switch (activation)
        {
            case Activation.ReLU:
                GeneratedCodeSupport.ReluBackward(output, gradient);
                break;
            case Activation.Tanh:
                GeneratedCodeSupport.TanhBackward(output, gradient);
                break;
            case Activation.Sigmoid:
                GeneratedCodeSupport.SigmoidBackward(output, gradient);
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// The output layer's loss over a block: writes each image's output (softmax applied per image for a softmax output)
    /// into <paramref name="outputs"/> unless it is empty, the loss gradient with respect to the pre-activation output into
    /// <paramref name="delta"/> ([units][Lanes], zero in lanes without an image), and returns the summed loss.
    /// </summary>
    /// <param name="loss">Cross-entropy after a softmax, or binary cross-entropy after one sigmoid unit.</param>
    /// <param name="logits">The output layer in lanes: logits for a softmax output, the sigmoid's output for binary cross-entropy.</param>
    /// <param name="units">The output layer's units.</param>
    /// <param name="labels">One label per image of the block.</param>
    /// <param name="outputs">Each image's output, back to back; or empty.</param>
    /// <param name="delta">The loss gradient in lanes.</param>
    /// <param name="row">Scratch of at least <paramref name="units"/> floats.</param>
    public static float OutputLoss(LossKind loss, ReadOnlySpan<float> logits, int units, ReadOnlySpan<int> labels, Span<float> outputs, Span<float> delta, Span<float> row)
    {
        int count = labels.Length;
        Require(logits.Length >= units * Lanes && delta.Length >= units * Lanes && row.Length >= units && count <= Lanes
            && (outputs.IsEmpty || outputs.Length >= count * units), "OutputLoss");
        delta[..(units * Lanes)].Clear();
        float total = 0f;
        Span<float> values = row[..units];
        for (int image = 0; image < count; image++)
        {
            for (int o = 0; o < units; o++)
            {
                values[o] = logits[(o * Lanes) + image];
            }

            int label = labels[image];
            if (loss == LossKind.CrossEntropy)
            {
                GeneratedCodeSupport.Softmax(values);
                if (!outputs.IsEmpty)
                {
                    values.CopyTo(outputs.Slice(image * units, units));
                }

                // Softmax and cross-entropy fused: dL/dz = p - onehot(label).
                total += GeneratedCodeSupport.NegativeLog(values[label]);
                values[label] -= 1f;
            }
            else
            {
                if (!outputs.IsEmpty)
                {
                    values.CopyTo(outputs.Slice(image * units, units));
                }

                // Sigmoid and binary cross-entropy fused: dL/dz = p - label.
                float p = values[0];
                total += GeneratedCodeSupport.NegativeLog(label == 1 ? p : 1f - p);
                values[0] = p - label;
            }

            for (int o = 0; o < units; o++)
            {
                delta[(o * Lanes) + image] = values[o];
            }
        }

        return total;
    }

    /// <summary>
    /// Copies x [c][h][w][Lanes] into the interior of xp [c][h+2p][w+2p][Lanes] and zeroes its border.
    /// </summary>
    public static void Pad(ReadOnlySpan<float> x, int channels, int height, int width, int padding, Span<float> xp)
    {
        int paddedH = height + (2 * padding), paddedW = width + (2 * padding);
        Require(x.Length >= channels * height * width * Lanes && xp.Length >= channels * paddedH * paddedW * Lanes, "Pad");
        xp[..(channels * paddedH * paddedW * Lanes)].Clear();
        int row = width * Lanes;
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < height; y++)
            {
                x.Slice(((c * height) + y) * row, row).CopyTo(xp.Slice(((((c * paddedH) + y + padding) * paddedW) + padding) * Lanes, row));
            }
        }
    }

    /// <summary>dx [c][h][w][Lanes] = the interior of dxp [c][h+2p][w+2p][Lanes]: the gradient of <see cref="Pad"/>.</summary>
    public static void Unpad(ReadOnlySpan<float> dxp, int channels, int height, int width, int padding, Span<float> dx)
    {
        int paddedH = height + (2 * padding), paddedW = width + (2 * padding);
        Require(dx.Length >= channels * height * width * Lanes && dxp.Length >= channels * paddedH * paddedW * Lanes, "Unpad");
        int row = width * Lanes;
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < height; y++)
            {
                dxp.Slice(((((c * paddedH) + y + padding) * paddedW) + padding) * Lanes, row).CopyTo(dx.Slice(((c * height) + y) * row, row));
            }
        }
    }

    /// <summary>The kernels index with unchecked references; one check per call keeps every access inside its span.</summary>
    private static void Require(bool sizesFit, string kernel)
    {
        if (!sizesFit)
        {
            ThrowSizes(kernel);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowSizes(string kernel) =>
        throw new ArgumentException($"Expected spans large enough for the sizes given to BatchKernels.{kernel}.");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Load(ref float source, int at) => Vector512.LoadUnsafe(ref source, (nuint)at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> value, ref float destination, int at) => value.StoreUnsafe(ref destination, (nuint)at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(Vector512<float> value, ref float destination, int at) =>
        (Vector512.LoadUnsafe(ref destination, (nuint)at) + value).StoreUnsafe(ref destination, (nuint)at);
}
