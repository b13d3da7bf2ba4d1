using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LeNet.Benchmarks;

/// <summary>
/// Hand-written batched LeNet-5 forward (ReLU, max pooling, softmax), the prototype of the generated ForwardBatch:
/// <see cref="Lanes"/> images at once, laid out image-innermost ([C][H][W][image]), so one Vector512 holds the same
/// pixel of 16 images and every weight is broadcast once per block instead of once per image. Convolutions are fused
/// with ReLU and the 2x2 max pool (a register tile is 4 output channels x one 2x2 pool window) and sum in the same
/// order as the generated per-image kernels (bias first, then input channel, kernel row, kernel column), so their
/// outputs are bit for bit the per-image ones. Dense layers are small matrix products, 8 outputs x 16 images a tile.
/// </summary>
[SkipLocalsInit]
internal sealed partial class BatchedLeNet5
{
    /// <summary>Images per block: one Vector512 of floats.</summary>
    public const int Lanes = 16;

    private const int K = 5, C1 = 6, C2 = 16, F3 = 120, F4 = 84, F5 = 10;

    private readonly int _channels;
    private readonly float[] _parameters;
    private readonly int _w1, _b1, _w2, _b2, _w3, _b3, _w4, _b4, _w5, _b5;

    public BatchedLeNet5(int channels, ReadOnlySpan<float> parameters)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            throw new PlatformNotSupportedException("The batched prototype needs AVX-512.");
        }

        _channels = channels;
        _parameters = parameters.ToArray();
        int at = 0;
        int Take(int n)
        {
            int start = at;
            at += n;
            return start;
        }

        _w1 = Take(C1 * channels * K * K);
        _b1 = Take(C1);
        _w2 = Take(C2 * C1 * K * K);
        _b2 = Take(C2);
        _w3 = Take(F3 * C2 * 25);
        _b3 = Take(F3);
        _w4 = Take(F4 * F3);
        _b4 = Take(F4);
        _w5 = Take(F5 * F4);
        _b5 = Take(F5);
        if (at != parameters.Length)
        {
            throw new ArgumentException($"Expected {at} parameters, got {parameters.Length}.", nameof(parameters));
        }
    }

    public int InputLength => _channels * 32 * 32;

    /// <summary>Floats of scratch space one thread needs.</summary>
    public int WorkspaceLength => Lanes * ((_channels * 32 * 32) + (C1 * 14 * 14) + (C2 * 5 * 5) + F3 + F4 + F5);

    /// <summary>Any number of images back to back in, as many outputs out.</summary>
    public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs, Span<float> workspace)
    {
        int count = inputs.Length / InputLength;
        for (int start = 0; start < count; start += Lanes)
        {
            int n = Math.Min(Lanes, count - start);
            ForwardBlock(inputs.Slice(start * InputLength, n * InputLength), outputs.Slice(start * F5, n * F5), workspace, n);
        }
    }

    private void ForwardBlock(ReadOnlySpan<float> inputs, Span<float> outputs, Span<float> workspace, int n)
    {
        int inLength = InputLength;
        Span<float> x = workspace[..(Lanes * inLength)];
        Span<float> p1 = workspace.Slice(x.Length, Lanes * C1 * 14 * 14);
        Span<float> p2 = workspace.Slice(x.Length + p1.Length, Lanes * C2 * 25);
        Span<float> f3 = workspace.Slice(x.Length + p1.Length + p2.Length, Lanes * F3);
        Span<float> f4 = workspace.Slice(x.Length + p1.Length + p2.Length + f3.Length, Lanes * F4);
        Span<float> f5 = workspace.Slice(x.Length + p1.Length + p2.Length + f3.Length + f4.Length, Lanes * F5);

        // Transpose to image-innermost; missing images of a short block are zeros.
        if (n < Lanes)
        {
            x.Clear();
        }

        ref float xs = ref MemoryMarshal.GetReference(x);
        for (int image = 0; image < n; image++)
        {
            ReadOnlySpan<float> source = inputs.Slice(image * inLength, inLength);
            for (int i = 0; i < inLength; i++)
            {
                Unsafe.Add(ref xs, (i * Lanes) + image) = source[i];
            }
        }

        ReadOnlySpan<float> parameters = _parameters;
        ConvReluPool(x, _channels, 32, parameters.Slice(_w1, C1 * _channels * 25), parameters.Slice(_b1, C1), C1, p1);
        ConvReluPool(p1, C1, 14, parameters.Slice(_w2, C2 * C1 * 25), parameters.Slice(_b2, C2), C2, p2);
        Dense(p2, C2 * 25, parameters.Slice(_w3, F3 * C2 * 25), parameters.Slice(_b3, F3), F3, f3, relu: true);
        Dense(f3, F3, parameters.Slice(_w4, F4 * F3), parameters.Slice(_b4, F4), F4, f4, relu: true);
        Dense(f4, F4, parameters.Slice(_w5, F5 * F4), parameters.Slice(_b5, F5), F5, f5, relu: false);

        for (int image = 0; image < n; image++)
        {
            Span<float> output = outputs.Slice(image * F5, F5);
            for (int o = 0; o < F5; o++)
            {
                output[o] = f5[(o * Lanes) + image];
            }

            GeneratedCodeSupport.Softmax(output);
        }
    }

    /// <summary>
    /// 5x5 convolution (stride 1, no padding) + ReLU + 2x2 max pool: x [ic][size][size][16] -> p [oc][ph][ph][16],
    /// ph = (size - 4) / 2. Four output channels times one pool window (2x2 conv outputs) are 16 accumulators.
    /// </summary>
    private static void ConvReluPool(ReadOnlySpan<float> x, int ic, int size, ReadOnlySpan<float> w, ReadOnlySpan<float> b, int oc, Span<float> p) =>
        Convolve(x, ic, size, w, b, oc, p, Span<float>.Empty, plain: false);

    /// <summary>
    /// The tile loop behind the convolutions. With <paramref name="plain"/> false: bias, ReLU and 2x2 max pool into
    /// <paramref name="p"/>, and, if <paramref name="a"/> is not empty, the ReLU outputs before pooling into it
    /// ([oc][size-4][size-4][16], what backward needs). With <paramref name="plain"/> true: no bias, no ReLU, no pool;
    /// the raw sums go to <paramref name="a"/> (the input gradient of a convolution is such a convolution).
    /// </summary>
    private static void Convolve(ReadOnlySpan<float> x, int ic, int size, ReadOnlySpan<float> w, ReadOnlySpan<float> b, int oc, Span<float> p, Span<float> a, bool plain)
    {
        int ph = (size - 4) / 2;
        int outSize = size - 4;
        ref float @as = ref MemoryMarshal.GetReference(a);
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ws = ref MemoryMarshal.GetReference(w);
        ref float ps = ref MemoryMarshal.GetReference(p);
        int filter = ic * 25;
        for (int o = 0; o < oc; o += 4)
        {
            // Two output channels per pass where four do not fit (CONV1's 6 = 4 + 2).
            int group = Math.Min(4, oc - o);
            for (int py = 0; py < ph; py++)
            {
                for (int px = 0; px < ph; px++)
                {
                    Vector512<float> a00 = Vector512.Create(plain ? 0f : b[o]), a01 = a00, a10 = a00, a11 = a00;
                    Vector512<float> b00 = Vector512.Create(plain ? 0f : b[o + 1]), b01 = b00, b10 = b00, b11 = b00;
                    Vector512<float> c00 = Vector512.Create(group > 2 && !plain ? b[o + 2] : 0f), c01 = c00, c10 = c00, c11 = c00;
                    Vector512<float> d00 = Vector512.Create(group > 3 && !plain ? b[o + 3] : 0f), d01 = d00, d10 = d00, d11 = d00;
                    for (int c = 0; c < ic; c++)
                    {
                        for (int ky = 0; ky < K; ky++)
                        {
                            ref float row0 = ref Unsafe.Add(ref xs, ((((c * size) + (2 * py) + ky) * size) + (2 * px)) * Lanes);
                            ref float row1 = ref Unsafe.Add(ref row0, size * Lanes);
                            ref float wa = ref Unsafe.Add(ref ws, (o * filter) + (c * 25) + (ky * K));
                            for (int kx = 0; kx < K; kx++)
                            {
                                Vector512<float> x00 = Vector512.LoadUnsafe(ref row0, (nuint)(kx * Lanes));
                                Vector512<float> x01 = Vector512.LoadUnsafe(ref row0, (nuint)((kx + 1) * Lanes));
                                Vector512<float> x10 = Vector512.LoadUnsafe(ref row1, (nuint)(kx * Lanes));
                                Vector512<float> x11 = Vector512.LoadUnsafe(ref row1, (nuint)((kx + 1) * Lanes));
                                Vector512<float> wv = Vector512.Create(Unsafe.Add(ref wa, kx));
                                a00 = Vector512.FusedMultiplyAdd(x00, wv, a00);
                                a01 = Vector512.FusedMultiplyAdd(x01, wv, a01);
                                a10 = Vector512.FusedMultiplyAdd(x10, wv, a10);
                                a11 = Vector512.FusedMultiplyAdd(x11, wv, a11);
                                wv = Vector512.Create(Unsafe.Add(ref wa, filter + kx));
                                b00 = Vector512.FusedMultiplyAdd(x00, wv, b00);
                                b01 = Vector512.FusedMultiplyAdd(x01, wv, b01);
                                b10 = Vector512.FusedMultiplyAdd(x10, wv, b10);
                                b11 = Vector512.FusedMultiplyAdd(x11, wv, b11);
                                if (group > 2)
                                {
                                    wv = Vector512.Create(Unsafe.Add(ref wa, (2 * filter) + kx));
                                    c00 = Vector512.FusedMultiplyAdd(x00, wv, c00);
                                    c01 = Vector512.FusedMultiplyAdd(x01, wv, c01);
                                    c10 = Vector512.FusedMultiplyAdd(x10, wv, c10);
                                    c11 = Vector512.FusedMultiplyAdd(x11, wv, c11);
                                    wv = Vector512.Create(Unsafe.Add(ref wa, (3 * filter) + kx));
                                    d00 = Vector512.FusedMultiplyAdd(x00, wv, d00);
                                    d01 = Vector512.FusedMultiplyAdd(x01, wv, d01);
                                    d10 = Vector512.FusedMultiplyAdd(x10, wv, d10);
                                    d11 = Vector512.FusedMultiplyAdd(x11, wv, d11);
                                }
                            }
                        }
                    }

                    if (plain || a.Length > 0)
                    {
                        if (!plain)
                        {
                            a00 = Vector512.Max(a00, Vector512<float>.Zero); a01 = Vector512.Max(a01, Vector512<float>.Zero);
                            a10 = Vector512.Max(a10, Vector512<float>.Zero); a11 = Vector512.Max(a11, Vector512<float>.Zero);
                            b00 = Vector512.Max(b00, Vector512<float>.Zero); b01 = Vector512.Max(b01, Vector512<float>.Zero);
                            b10 = Vector512.Max(b10, Vector512<float>.Zero); b11 = Vector512.Max(b11, Vector512<float>.Zero);
                            c00 = Vector512.Max(c00, Vector512<float>.Zero); c01 = Vector512.Max(c01, Vector512<float>.Zero);
                            c10 = Vector512.Max(c10, Vector512<float>.Zero); c11 = Vector512.Max(c11, Vector512<float>.Zero);
                            d00 = Vector512.Max(d00, Vector512<float>.Zero); d01 = Vector512.Max(d01, Vector512<float>.Zero);
                            d10 = Vector512.Max(d10, Vector512<float>.Zero); d11 = Vector512.Max(d11, Vector512<float>.Zero);
                        }

                        int aPlane = outSize * outSize * Lanes;
                        int a0 = ((((2 * py) * outSize) + (2 * px)) * Lanes) + (o * aPlane);
                        int a1 = a0 + (outSize * Lanes);
                        Store(a00, ref @as, a0); Store(a01, ref @as, a0 + Lanes); Store(a10, ref @as, a1); Store(a11, ref @as, a1 + Lanes);
                        Store(b00, ref @as, a0 + aPlane); Store(b01, ref @as, a0 + aPlane + Lanes); Store(b10, ref @as, a1 + aPlane); Store(b11, ref @as, a1 + aPlane + Lanes);
                        if (group > 2)
                        {
                            Store(c00, ref @as, a0 + (2 * aPlane)); Store(c01, ref @as, a0 + (2 * aPlane) + Lanes); Store(c10, ref @as, a1 + (2 * aPlane)); Store(c11, ref @as, a1 + (2 * aPlane) + Lanes);
                            Store(d00, ref @as, a0 + (3 * aPlane)); Store(d01, ref @as, a0 + (3 * aPlane) + Lanes); Store(d10, ref @as, a1 + (3 * aPlane)); Store(d11, ref @as, a1 + (3 * aPlane) + Lanes);
                        }

                        if (plain)
                        {
                            continue;
                        }
                    }

                    int at = ((py * ph) + px) * Lanes;
                    int plane = ph * ph * Lanes;
                    Store(MaxRelu(a00, a01, a10, a11), ref ps, at + (o * plane));
                    Store(MaxRelu(b00, b01, b10, b11), ref ps, at + ((o + 1) * plane));
                    if (group > 2)
                    {
                        Store(MaxRelu(c00, c01, c10, c11), ref ps, at + ((o + 2) * plane));
                        Store(MaxRelu(d00, d01, d10, d11), ref ps, at + ((o + 3) * plane));
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> MaxRelu(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d) =>
        Vector512.Max(Vector512.Max(Vector512.Max(a, Vector512<float>.Zero), Vector512.Max(b, Vector512<float>.Zero)),
            Vector512.Max(Vector512.Max(c, Vector512<float>.Zero), Vector512.Max(d, Vector512<float>.Zero)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> value, ref float destination, int at) => value.StoreUnsafe(ref destination, (nuint)at);

    /// <summary>y [outputs][16] = W (outputs, inputs) x [inputs][16] + b; eight outputs a tile, then one at a time.</summary>
    private static void Dense(ReadOnlySpan<float> x, int inputs, ReadOnlySpan<float> w, ReadOnlySpan<float> b, int outputs, Span<float> y, bool relu)
    {
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ws = ref MemoryMarshal.GetReference(w);
        ref float ys = ref MemoryMarshal.GetReference(y);
        int o = 0;
        // Eight outputs a tile: eight independent chains cover the multiply-add latency on both FMA ports.
        for (; o <= outputs - 8; o += 8)
        {
            Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            // One reference per weight row, hoisted: the loop then only advances i (the JIT does not hoist k * inputs).
            ref float w0 = ref Unsafe.Add(ref ws, o * inputs);
            ref float w1 = ref Unsafe.Add(ref w0, inputs);
            ref float w2 = ref Unsafe.Add(ref w1, inputs);
            ref float w3 = ref Unsafe.Add(ref w2, inputs);
            ref float w4 = ref Unsafe.Add(ref w3, inputs);
            ref float w5 = ref Unsafe.Add(ref w4, inputs);
            ref float w6 = ref Unsafe.Add(ref w5, inputs);
            ref float w7 = ref Unsafe.Add(ref w6, inputs);
            ref float xi = ref xs;
            for (int i = 0; i < inputs; i++)
            {
                Vector512<float> xv = Vector512.LoadUnsafe(ref xi);
                xi = ref Unsafe.Add(ref xi, Lanes);
                s0 = Vector512.FusedMultiplyAdd(xv, Vector512.Create(Unsafe.Add(ref w0, i)), s0);
                s1 = Vector512.FusedMultiplyAdd(xv, Vector512.Create(Unsafe.Add(ref w1, i)), s1);
                s2 = Vector512.FusedMultiplyAdd(xv, Vector512.Create(Unsafe.Add(ref w2, i)), s2);
                s3 = Vector512.FusedMultiplyAdd(xv, Vector512.Create(Unsafe.Add(ref w3, i)), s3);
                s4 = Vector512.FusedMultiplyAdd(xv, Vector512.Create(Unsafe.Add(ref w4, i)), s4);
                s5 = Vector512.FusedMultiplyAdd(xv, Vector512.Create(Unsafe.Add(ref w5, i)), s5);
                s6 = Vector512.FusedMultiplyAdd(xv, Vector512.Create(Unsafe.Add(ref w6, i)), s6);
                s7 = Vector512.FusedMultiplyAdd(xv, Vector512.Create(Unsafe.Add(ref w7, i)), s7);
            }

            Finish(s0, b[o], ref ys, o, relu);
            Finish(s1, b[o + 1], ref ys, o + 1, relu);
            Finish(s2, b[o + 2], ref ys, o + 2, relu);
            Finish(s3, b[o + 3], ref ys, o + 3, relu);
            Finish(s4, b[o + 4], ref ys, o + 4, relu);
            Finish(s5, b[o + 5], ref ys, o + 5, relu);
            Finish(s6, b[o + 6], ref ys, o + 6, relu);
            Finish(s7, b[o + 7], ref ys, o + 7, relu);
        }

        for (; o < outputs; o++)
        {
            Vector512<float> s = Vector512<float>.Zero;
            ref float wo = ref Unsafe.Add(ref ws, o * inputs);
            for (int i = 0; i < inputs; i++)
            {
                s = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xs, (nuint)(i * Lanes)), Vector512.Create(Unsafe.Add(ref wo, i)), s);
            }

            Finish(s, b[o], ref ys, o, relu);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(Vector512<float> sum, float bias, ref float ys, int o, bool relu)
    {
        Vector512<float> value = sum + Vector512.Create(bias);
        if (relu)
        {
            value = Vector512.Max(value, Vector512<float>.Zero);
        }

        value.StoreUnsafe(ref ys, (nuint)(o * Lanes));
    }
}
