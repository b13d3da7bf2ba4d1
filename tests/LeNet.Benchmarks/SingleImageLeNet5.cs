using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LeNet.Benchmarks;

/// <summary>
/// How far one-image LeNet-5 (1 or 3 channels) forward goes with AVX-512, hand-written: CONV1 two output rows at a time
/// (6 channels x 2 rows x 2 vectors = 24 accumulators) fused with ReLU and the 2x2 pool (an even/odd lane permute);
/// CONV2 vectorised over its 16 output channels (one Vector512) with repacked weights [ic][ky][kx][oc], two output
/// rows of 10 positions at a time, fused with ReLU and pool; FC3 four rows at a time. Scratch lives on the stack
/// ([SkipLocalsInit]: nothing is cleared that is written before it is read). The repacked CONV2 weights are built on
/// every call from the live parameters, so they can never be stale (2,400 floats, a fraction of a microsecond).
/// </summary>
[SkipLocalsInit]
internal sealed class SingleImageLeNet5
{
    private const int Lanes = 16;

    // POOL1 channel planes are 14 x 14 + 2 floats apart, so the 2 spare lanes a row store writes never reach the next channel.
    private const int Plane1 = 198;
    private readonly float[] _parameters;
    private readonly int _channels, _w2, _b2, _w3, _b3, _w4, _b4, _w5, _b5;

    public SingleImageLeNet5(int channels, ReadOnlySpan<float> parameters)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            throw new PlatformNotSupportedException("The single-image prototype needs AVX-512.");
        }

        if (parameters.Length != NaiveLeNet5.ParameterCount(channels))
        {
            throw new ArgumentException($"Expected {NaiveLeNet5.ParameterCount(channels)} parameters, got {parameters.Length}.", nameof(parameters));
        }

        _channels = channels;
        _parameters = parameters.ToArray();
        _w2 = (150 * channels) + 6;
        _b2 = _w2 + 2400;
        _w3 = _b2 + 16;
        _b3 = _w3 + 48000;
        _w4 = _b3 + 120;
        _b4 = _w4 + 10080;
        _w5 = _b4 + 84;
        _b5 = _w5 + 840;
    }

    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        int inputLength = _channels * 1024;
        if (input.Length != inputLength || output.Length != 10)
        {
            throw new ArgumentException($"Expected {inputLength} inputs and 10 outputs, got {input.Length} and {output.Length}.");
        }

        ReadOnlySpan<float> p = _parameters;
        // Input with slack: CONV1's second vector of a row reads 4 columns past the row end (discarded lanes).
        Span<float> x = stackalloc float[(3 * 1024) + Lanes];
        input.CopyTo(x);
        x.Slice(inputLength, Lanes).Clear();
        // POOL1 (6,14,14): each row is stored as 16 lanes, whose last 2 the next row (written later) overwrites.
        Span<float> pool1 = stackalloc float[(6 * Plane1) + Lanes];
        Conv1Pool(x, _channels, p.Slice(0, 150 * _channels), p.Slice(150 * _channels, 6), pool1);

        Span<float> w2 = stackalloc float[2400];
        ReadOnlySpan<float> w2Source = p.Slice(_w2, 2400);
        for (int oc = 0; oc < 16; oc++)
        {
            for (int t = 0; t < 150; t++)
            {
                w2[(t * 16) + oc] = w2Source[(oc * 150) + t];
            }
        }

        Span<float> pool2 = stackalloc float[400];
        Conv2Pool(pool1, w2, p.Slice(_b2, 16), pool2);

        Span<float> fc3 = stackalloc float[120];
        Fc3(pool2, p.Slice(_w3, 48000), p.Slice(_b3, 120), fc3);
        Span<float> fc4 = stackalloc float[84];
        for (int o = 0; o < 84; o++)
        {
            fc4[o] = MathF.Max(p[_b4 + o] + GeneratedCodeSupport.Dot(p.Slice(_w4 + (o * 120), 120), fc3), 0f);
        }

        for (int o = 0; o < 10; o++)
        {
            output[o] = p[_b5 + o] + GeneratedCodeSupport.Dot(p.Slice(_w5 + (o * 84), 84), fc4);
        }

        GeneratedCodeSupport.Softmax(output);
    }

    private static void Conv1Pool(ReadOnlySpan<float> x, int channels, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> pool1)
    {
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ws = ref MemoryMarshal.GetReference(w);
        ref float ps = ref MemoryMarshal.GetReference(pool1);
        Vector512<int> evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        Vector512<int> odds = evens + Vector512<int>.One;
        for (int py = 0; py < 14; py++)
        {
            // a<c><r><v>: channel c, conv row 2py + r, columns 16v..16v+15.
            Vector512<float> a000 = Vector512<float>.Zero, a001 = a000, a010 = a000, a011 = a000;
            Vector512<float> a100 = a000, a101 = a000, a110 = a000, a111 = a000;
            Vector512<float> a200 = a000, a201 = a000, a210 = a000, a211 = a000;
            Vector512<float> a300 = a000, a301 = a000, a310 = a000, a311 = a000;
            Vector512<float> a400 = a000, a401 = a000, a410 = a000, a411 = a000;
            Vector512<float> a500 = a000, a501 = a000, a510 = a000, a511 = a000;
            int filter = channels * 25;
            for (int c = 0; c < channels; c++)
            {
                for (int ky = 0; ky < 5; ky++)
                {
                    ref float row0 = ref Unsafe.Add(ref xs, (c * 1024) + (((2 * py) + ky) * 32));
                    ref float row1 = ref Unsafe.Add(ref row0, 32);
                    for (int kx = 0; kx < 5; kx++)
                    {
                        Vector512<float> x00 = Vector512.LoadUnsafe(ref row0, (nuint)kx);
                        Vector512<float> x01 = Vector512.LoadUnsafe(ref row0, (nuint)(kx + 16));
                        Vector512<float> x10 = Vector512.LoadUnsafe(ref row1, (nuint)kx);
                        Vector512<float> x11 = Vector512.LoadUnsafe(ref row1, (nuint)(kx + 16));
                        ref float tap = ref Unsafe.Add(ref ws, (c * 25) + (ky * 5) + kx);
                        Vector512<float> wv = Vector512.Create(tap);
                        a000 = Vector512.FusedMultiplyAdd(x00, wv, a000); a001 = Vector512.FusedMultiplyAdd(x01, wv, a001);
                        a010 = Vector512.FusedMultiplyAdd(x10, wv, a010); a011 = Vector512.FusedMultiplyAdd(x11, wv, a011);
                        wv = Vector512.Create(Unsafe.Add(ref tap, filter));
                        a100 = Vector512.FusedMultiplyAdd(x00, wv, a100); a101 = Vector512.FusedMultiplyAdd(x01, wv, a101);
                        a110 = Vector512.FusedMultiplyAdd(x10, wv, a110); a111 = Vector512.FusedMultiplyAdd(x11, wv, a111);
                        wv = Vector512.Create(Unsafe.Add(ref tap, (2 * filter)));
                        a200 = Vector512.FusedMultiplyAdd(x00, wv, a200); a201 = Vector512.FusedMultiplyAdd(x01, wv, a201);
                        a210 = Vector512.FusedMultiplyAdd(x10, wv, a210); a211 = Vector512.FusedMultiplyAdd(x11, wv, a211);
                        wv = Vector512.Create(Unsafe.Add(ref tap, (3 * filter)));
                        a300 = Vector512.FusedMultiplyAdd(x00, wv, a300); a301 = Vector512.FusedMultiplyAdd(x01, wv, a301);
                        a310 = Vector512.FusedMultiplyAdd(x10, wv, a310); a311 = Vector512.FusedMultiplyAdd(x11, wv, a311);
                        wv = Vector512.Create(Unsafe.Add(ref tap, (4 * filter)));
                        a400 = Vector512.FusedMultiplyAdd(x00, wv, a400); a401 = Vector512.FusedMultiplyAdd(x01, wv, a401);
                        a410 = Vector512.FusedMultiplyAdd(x10, wv, a410); a411 = Vector512.FusedMultiplyAdd(x11, wv, a411);
                        wv = Vector512.Create(Unsafe.Add(ref tap, (5 * filter)));
                        a500 = Vector512.FusedMultiplyAdd(x00, wv, a500); a501 = Vector512.FusedMultiplyAdd(x01, wv, a501);
                        a510 = Vector512.FusedMultiplyAdd(x10, wv, a510); a511 = Vector512.FusedMultiplyAdd(x11, wv, a511);
                    }
                }

            }

            ref float row = ref Unsafe.Add(ref ps, py * 14);
            Pool(a000, a001, a010, a011, b[0], evens, odds, ref row);
            Pool(a100, a101, a110, a111, b[1], evens, odds, ref Unsafe.Add(ref row, Plane1));
            Pool(a200, a201, a210, a211, b[2], evens, odds, ref Unsafe.Add(ref row, 2 * Plane1));
            Pool(a300, a301, a310, a311, b[3], evens, odds, ref Unsafe.Add(ref row, 3 * Plane1));
            Pool(a400, a401, a410, a411, b[4], evens, odds, ref Unsafe.Add(ref row, 4 * Plane1));
            Pool(a500, a501, a510, a511, b[5], evens, odds, ref Unsafe.Add(ref row, 5 * Plane1));
        }
    }

    /// <summary>Bias, ReLU, vertical max of the two rows, then the max of even and odd columns: 14 pooled values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pool(Vector512<float> r0v0, Vector512<float> r0v1, Vector512<float> r1v0, Vector512<float> r1v1, float bias, Vector512<int> evens, Vector512<int> odds, ref float destination)
    {
        var b = Vector512.Create(bias);
        Vector512<float> lo = Vector512.Max(Vector512.Max(r0v0, r1v0) + b, Vector512<float>.Zero);
        Vector512<float> hi = Vector512.Max(Vector512.Max(r0v1, r1v1) + b, Vector512<float>.Zero);
        Vector512<float> pooled = Vector512.Max(Avx512F.PermuteVar16x32x2(lo, evens, hi), Avx512F.PermuteVar16x32x2(lo, odds, hi));
        pooled.StoreUnsafe(ref destination);
    }

    /// <summary>CONV2 over its 16 output channels at once; two output rows (20 positions) a pass, then ReLU and pool.</summary>
    private static void Conv2Pool(ReadOnlySpan<float> pool1, ReadOnlySpan<float> w2, ReadOnlySpan<float> b, Span<float> pool2)
    {
        ref float xs = ref MemoryMarshal.GetReference(pool1);
        ref float ws = ref MemoryMarshal.GetReference(w2);
        Vector512<float> bias = Vector512.Create(b);
        Span<float> pooled = stackalloc float[25 * 16];
        ref float outs = ref MemoryMarshal.GetReference(pooled);
        for (int py = 0; py < 5; py++)
        {
            Vector512<float> r0 = bias, r1 = bias, r2 = bias, r3 = bias, r4 = bias, r5 = bias, r6 = bias, r7 = bias, r8 = bias, r9 = bias;
            Vector512<float> s0 = bias, s1 = bias, s2 = bias, s3 = bias, s4 = bias, s5 = bias, s6 = bias, s7 = bias, s8 = bias, s9 = bias;
            for (int ic = 0; ic < 6; ic++)
            {
                for (int ky = 0; ky < 5; ky++)
                {
                    ref float top = ref Unsafe.Add(ref xs, (ic * Plane1) + (((2 * py) + ky) * 14));
                    ref float bottom = ref Unsafe.Add(ref top, 14);
                    for (int kx = 0; kx < 5; kx++)
                    {
                        Vector512<float> wv = Vector512.LoadUnsafe(ref ws, (nuint)((((ic * 25) + (ky * 5) + kx)) * 16));
                        ref float t = ref Unsafe.Add(ref top, kx);
                        ref float u = ref Unsafe.Add(ref bottom, kx);
                        r0 = Vector512.FusedMultiplyAdd(Vector512.Create(t), wv, r0);
                        r1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref t, 1)), wv, r1);
                        r2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref t, 2)), wv, r2);
                        r3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref t, 3)), wv, r3);
                        r4 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref t, 4)), wv, r4);
                        r5 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref t, 5)), wv, r5);
                        r6 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref t, 6)), wv, r6);
                        r7 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref t, 7)), wv, r7);
                        r8 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref t, 8)), wv, r8);
                        r9 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref t, 9)), wv, r9);
                        s0 = Vector512.FusedMultiplyAdd(Vector512.Create(u), wv, s0);
                        s1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref u, 1)), wv, s1);
                        s2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref u, 2)), wv, s2);
                        s3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref u, 3)), wv, s3);
                        s4 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref u, 4)), wv, s4);
                        s5 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref u, 5)), wv, s5);
                        s6 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref u, 6)), wv, s6);
                        s7 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref u, 7)), wv, s7);
                        s8 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref u, 8)), wv, s8);
                        s9 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref u, 9)), wv, s9);
                    }
                }
            }

            // ReLU after the max: the same value, since max and ReLU commute.
            ref float row = ref Unsafe.Add(ref outs, py * 5 * 16);
            Vector512.Max(Vector512.Max(Vector512.Max(r0, r1), Vector512.Max(s0, s1)), Vector512<float>.Zero).StoreUnsafe(ref row);
            Vector512.Max(Vector512.Max(Vector512.Max(r2, r3), Vector512.Max(s2, s3)), Vector512<float>.Zero).StoreUnsafe(ref row, 16);
            Vector512.Max(Vector512.Max(Vector512.Max(r4, r5), Vector512.Max(s4, s5)), Vector512<float>.Zero).StoreUnsafe(ref row, 32);
            Vector512.Max(Vector512.Max(Vector512.Max(r6, r7), Vector512.Max(s6, s7)), Vector512<float>.Zero).StoreUnsafe(ref row, 48);
            Vector512.Max(Vector512.Max(Vector512.Max(r8, r9), Vector512.Max(s8, s9)), Vector512<float>.Zero).StoreUnsafe(ref row, 64);
        }

        // [position][channel] -> PyTorch's flatten order [channel][position].
        for (int position = 0; position < 25; position++)
        {
            for (int c = 0; c < 16; c++)
            {
                pool2[(c * 25) + position] = pooled[(position * 16) + c];
            }
        }
    }

    /// <summary>FC3 + ReLU: four weight rows per pass share each load of x (25 vectors of 400).</summary>
    private static void Fc3(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y)
    {
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ws = ref MemoryMarshal.GetReference(w);
        for (int o = 0; o < 120; o += 4)
        {
            Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
            ref float w0 = ref Unsafe.Add(ref ws, o * 400);
            for (int i = 0; i < 400; i += Lanes)
            {
                Vector512<float> xv = Vector512.LoadUnsafe(ref xs, (nuint)i);
                s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)i), xv, s0);
                s1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)(400 + i)), xv, s1);
                s2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)(800 + i)), xv, s2);
                s3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)(1200 + i)), xv, s3);
            }

            y[o] = MathF.Max(b[o] + Vector512.Sum(s0), 0f);
            y[o + 1] = MathF.Max(b[o + 1] + Vector512.Sum(s1), 0f);
            y[o + 2] = MathF.Max(b[o + 2] + Vector512.Sum(s2), 0f);
            y[o + 3] = MathF.Max(b[o + 3] + Vector512.Sum(s3), 0f);
        }
    }
}
