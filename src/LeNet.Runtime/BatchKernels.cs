using System;
using System.ComponentModel;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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

    /// <summary>Floats in a 64-byte cache line: workspaces start on one, so every lane vector is one aligned load.</summary>
    private const int LineFloats = 16;

    [ThreadStatic]
    private static float[]? t_workspace;

    [ThreadStatic]
    private static int t_workspaceOrigin;

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

    /// <summary>
    /// This thread's scratch of at least <paramref name="length"/> floats, starting on a 64-byte boundary; allocated once
    /// and grown as needed.
    /// </summary>
    public static Span<float> ThreadWorkspace(int length)
    {
        float[]? workspace = t_workspace;
        if (workspace is null || workspace.Length - t_workspaceOrigin < length)
        {
            workspace = AllocateAligned(length, out int origin);
            t_workspace = workspace;
            t_workspaceOrigin = origin;
        }

        return workspace.AsSpan(t_workspaceOrigin, length);
    }

    /// <summary>
    /// A pinned array with at least <paramref name="length"/> floats from <paramref name="origin"/>, where a 64-byte
    /// cache line starts. The kernels' lane vectors lie at multiples of 16 floats from the workspace's start; on an
    /// ordinary array (16-byte aligned) most of them would straddle two lines, which cost the block 15% (measured with
    /// `profile kernels` in the benchmarks).
    /// </summary>
    internal static unsafe float[] AllocateAligned(int length, out int origin)
    {
        // Pinned: the array never moves, so the alignment found now holds for its whole life.
        float[] array = GC.AllocateArray<float>(length + LineFloats - 1, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        origin = (int)(((LineFloats * sizeof(float)) - (address & ((LineFloats * sizeof(float)) - 1))) & ((LineFloats * sizeof(float)) - 1)) / sizeof(float);
        return array;
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
        int from = 0;
        if (count == Lanes && Avx512F.IsSupported)
        {
            // A full block: 16 pixels of the 16 images at a time, one tile transposed in registers.
            for (; from <= length - Lanes; from += Lanes)
            {
                TransposeTile(ref Unsafe.Add(ref source, from), length, ref Unsafe.Add(ref target, from * Lanes), Lanes);
            }
        }

        for (int image = 0; image < count; image++)
        {
            ref float row = ref Unsafe.Add(ref source, image * length);
            ref float column = ref Unsafe.Add(ref target, image);
            for (int i = from; i < length; i++)
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
        int from = 0;
        if (count == Lanes && Avx512F.IsSupported)
        {
            for (; from <= length - Lanes; from += Lanes)
            {
                TransposeTile(ref Unsafe.Add(ref source, from * Lanes), Lanes, ref Unsafe.Add(ref target, from), length);
            }
        }

        for (int image = 0; image < count; image++)
        {
            ref float row = ref Unsafe.Add(ref target, image * length);
            ref float column = ref Unsafe.Add(ref source, image);
            for (int i = from; i < length; i++)
            {
                Unsafe.Add(ref row, i) = Unsafe.Add(ref column, i * Lanes);
            }
        }
    }

    /// <summary>
    /// Transposes one 16×16 tile: row r of the source (16 floats at r × <paramref name="sourceStride"/>) becomes column r
    /// of the target. Four perfect shuffles (row k interleaved with row k + 8, twice as wide each time) transpose any
    /// 2^n × 2^n matrix; here each is two two-source permutes per pair of rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeTile(ref float source, int sourceStride, ref float target, int targetStride)
    {
        Vector512<int> low = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        Vector512<int> high = Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        Vector512<float> r0 = Load(ref source, 0 * sourceStride);
        Vector512<float> r1 = Load(ref source, 1 * sourceStride);
        Vector512<float> r2 = Load(ref source, 2 * sourceStride);
        Vector512<float> r3 = Load(ref source, 3 * sourceStride);
        Vector512<float> r4 = Load(ref source, 4 * sourceStride);
        Vector512<float> r5 = Load(ref source, 5 * sourceStride);
        Vector512<float> r6 = Load(ref source, 6 * sourceStride);
        Vector512<float> r7 = Load(ref source, 7 * sourceStride);
        Vector512<float> r8 = Load(ref source, 8 * sourceStride);
        Vector512<float> r9 = Load(ref source, 9 * sourceStride);
        Vector512<float> r10 = Load(ref source, 10 * sourceStride);
        Vector512<float> r11 = Load(ref source, 11 * sourceStride);
        Vector512<float> r12 = Load(ref source, 12 * sourceStride);
        Vector512<float> r13 = Load(ref source, 13 * sourceStride);
        Vector512<float> r14 = Load(ref source, 14 * sourceStride);
        Vector512<float> r15 = Load(ref source, 15 * sourceStride);
        Vector512<float> a0 = Avx512F.PermuteVar16x32x2(r0, low, r8), a1 = Avx512F.PermuteVar16x32x2(r0, high, r8);
        Vector512<float> a2 = Avx512F.PermuteVar16x32x2(r1, low, r9), a3 = Avx512F.PermuteVar16x32x2(r1, high, r9);
        Vector512<float> a4 = Avx512F.PermuteVar16x32x2(r2, low, r10), a5 = Avx512F.PermuteVar16x32x2(r2, high, r10);
        Vector512<float> a6 = Avx512F.PermuteVar16x32x2(r3, low, r11), a7 = Avx512F.PermuteVar16x32x2(r3, high, r11);
        Vector512<float> a8 = Avx512F.PermuteVar16x32x2(r4, low, r12), a9 = Avx512F.PermuteVar16x32x2(r4, high, r12);
        Vector512<float> a10 = Avx512F.PermuteVar16x32x2(r5, low, r13), a11 = Avx512F.PermuteVar16x32x2(r5, high, r13);
        Vector512<float> a12 = Avx512F.PermuteVar16x32x2(r6, low, r14), a13 = Avx512F.PermuteVar16x32x2(r6, high, r14);
        Vector512<float> a14 = Avx512F.PermuteVar16x32x2(r7, low, r15), a15 = Avx512F.PermuteVar16x32x2(r7, high, r15);
        Vector512<float> b0 = Avx512F.PermuteVar16x32x2(a0, low, a8), b1 = Avx512F.PermuteVar16x32x2(a0, high, a8);
        Vector512<float> b2 = Avx512F.PermuteVar16x32x2(a1, low, a9), b3 = Avx512F.PermuteVar16x32x2(a1, high, a9);
        Vector512<float> b4 = Avx512F.PermuteVar16x32x2(a2, low, a10), b5 = Avx512F.PermuteVar16x32x2(a2, high, a10);
        Vector512<float> b6 = Avx512F.PermuteVar16x32x2(a3, low, a11), b7 = Avx512F.PermuteVar16x32x2(a3, high, a11);
        Vector512<float> b8 = Avx512F.PermuteVar16x32x2(a4, low, a12), b9 = Avx512F.PermuteVar16x32x2(a4, high, a12);
        Vector512<float> b10 = Avx512F.PermuteVar16x32x2(a5, low, a13), b11 = Avx512F.PermuteVar16x32x2(a5, high, a13);
        Vector512<float> b12 = Avx512F.PermuteVar16x32x2(a6, low, a14), b13 = Avx512F.PermuteVar16x32x2(a6, high, a14);
        Vector512<float> b14 = Avx512F.PermuteVar16x32x2(a7, low, a15), b15 = Avx512F.PermuteVar16x32x2(a7, high, a15);
        Vector512<float> c0 = Avx512F.PermuteVar16x32x2(b0, low, b8), c1 = Avx512F.PermuteVar16x32x2(b0, high, b8);
        Vector512<float> c2 = Avx512F.PermuteVar16x32x2(b1, low, b9), c3 = Avx512F.PermuteVar16x32x2(b1, high, b9);
        Vector512<float> c4 = Avx512F.PermuteVar16x32x2(b2, low, b10), c5 = Avx512F.PermuteVar16x32x2(b2, high, b10);
        Vector512<float> c6 = Avx512F.PermuteVar16x32x2(b3, low, b11), c7 = Avx512F.PermuteVar16x32x2(b3, high, b11);
        Vector512<float> c8 = Avx512F.PermuteVar16x32x2(b4, low, b12), c9 = Avx512F.PermuteVar16x32x2(b4, high, b12);
        Vector512<float> c10 = Avx512F.PermuteVar16x32x2(b5, low, b13), c11 = Avx512F.PermuteVar16x32x2(b5, high, b13);
        Vector512<float> c12 = Avx512F.PermuteVar16x32x2(b6, low, b14), c13 = Avx512F.PermuteVar16x32x2(b6, high, b14);
        Vector512<float> c14 = Avx512F.PermuteVar16x32x2(b7, low, b15), c15 = Avx512F.PermuteVar16x32x2(b7, high, b15);
        Vector512<float> d0 = Avx512F.PermuteVar16x32x2(c0, low, c8), d1 = Avx512F.PermuteVar16x32x2(c0, high, c8);
        Vector512<float> d2 = Avx512F.PermuteVar16x32x2(c1, low, c9), d3 = Avx512F.PermuteVar16x32x2(c1, high, c9);
        Vector512<float> d4 = Avx512F.PermuteVar16x32x2(c2, low, c10), d5 = Avx512F.PermuteVar16x32x2(c2, high, c10);
        Vector512<float> d6 = Avx512F.PermuteVar16x32x2(c3, low, c11), d7 = Avx512F.PermuteVar16x32x2(c3, high, c11);
        Vector512<float> d8 = Avx512F.PermuteVar16x32x2(c4, low, c12), d9 = Avx512F.PermuteVar16x32x2(c4, high, c12);
        Vector512<float> d10 = Avx512F.PermuteVar16x32x2(c5, low, c13), d11 = Avx512F.PermuteVar16x32x2(c5, high, c13);
        Vector512<float> d12 = Avx512F.PermuteVar16x32x2(c6, low, c14), d13 = Avx512F.PermuteVar16x32x2(c6, high, c14);
        Vector512<float> d14 = Avx512F.PermuteVar16x32x2(c7, low, c15), d15 = Avx512F.PermuteVar16x32x2(c7, high, c15);
        Store(d0, ref target, 0 * targetStride);
        Store(d1, ref target, 1 * targetStride);
        Store(d2, ref target, 2 * targetStride);
        Store(d3, ref target, 3 * targetStride);
        Store(d4, ref target, 4 * targetStride);
        Store(d5, ref target, 5 * targetStride);
        Store(d6, ref target, 6 * targetStride);
        Store(d7, ref target, 7 * targetStride);
        Store(d8, ref target, 8 * targetStride);
        Store(d9, ref target, 9 * targetStride);
        Store(d10, ref target, 10 * targetStride);
        Store(d11, ref target, 11 * targetStride);
        Store(d12, ref target, 12 * targetStride);
        Store(d13, ref target, 13 * targetStride);
        Store(d14, ref target, 14 * targetStride);
        Store(d15, ref target, 15 * targetStride);
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

                // Softmax and cross-entropy fused: dL/dz = p - q, q onehot(label) unless the training smooths labels.
                total += GeneratedCodeSupport.NegativeLog(values[label]);
                GeneratedCodeSupport.SubtractTarget(values, label);
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
