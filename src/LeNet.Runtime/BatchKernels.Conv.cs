using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LeNet;

/// <summary>Convolution over a block: forward, weight gradient, and the input gradient as a convolution of the dilated output gradient.</summary>
public static partial class BatchKernels
{
    /// <summary>
    /// Valid convolution: y [oc][oh][ow][Lanes] = b + Σ w (oc, ic, k, k) · x [ic][ih][iw][Lanes] at stride
    /// <paramref name="stride"/>, then ReLU when <paramref name="relu"/>; an empty <paramref name="b"/> is a zero bias.
    /// A register tile is 6 output channels × 4 output columns at stride 1 (24 accumulators, sliding along the row: one
    /// input load and 6 broadcasts per 24 multiply-adds), 4 × 4 at larger strides. Each output sums the bias, then input
    /// channel, kernel row, kernel column in order with fused multiply-adds, the order of the per-image kernels. Input
    /// rows outside [<paramref name="dataFrom"/>, <paramref name="dataTo"/>) are known to be zero and skipped (the framed
    /// output gradient of the input-gradient convolution): adding nothing changes no bit.
    /// </summary>
    public static void Conv(
        ReadOnlySpan<float> x, int inC, int inH, int inW, ReadOnlySpan<float> w, ReadOnlySpan<float> b, int outC, int kernel, int stride,
        Span<float> y, int outH, int outW, bool relu, int dataFrom = 0, int dataTo = int.MaxValue)
    {
        int taps = kernel * kernel;
        int filter = inC * taps;
        Require(x.Length >= inC * inH * inW * Lanes && w.Length >= outC * filter && (b.IsEmpty || b.Length >= outC)
            && y.Length >= outC * outH * outW * Lanes && ((outH - 1) * stride) + kernel <= inH && ((outW - 1) * stride) + kernel <= inW, "Conv");
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ws = ref MemoryMarshal.GetReference(w);
        ref float ys = ref MemoryMarshal.GetReference(y);
        int plane = outH * outW * Lanes;
        bool sliding = stride == 1 && outW >= 4;
        if (!sliding)
        {
            // Its own method: with 4 inputs a tap live, 24 sums would not fit the registers (the JIT spilled the inputs).
            StridedConv(ref xs, inC, inH, inW, ref ws, b, outC, kernel, stride, ref ys, outH, outW, relu, dataFrom, dataTo);
            return;
        }

        for (int o = 0; o < outC; o += 6)
        {
            int group = Math.Min(6, outC - o);
            float bias0 = b.IsEmpty ? 0f : b[o];
            float bias1 = b.IsEmpty || group < 2 ? 0f : b[o + 1];
            float bias2 = b.IsEmpty || group < 3 ? 0f : b[o + 2];
            float bias3 = b.IsEmpty || group < 4 ? 0f : b[o + 3];
            float bias4 = b.IsEmpty || group < 5 ? 0f : b[o + 4];
            float bias5 = b.IsEmpty || group < 6 ? 0f : b[o + 5];
            ref float w0 = ref Unsafe.Add(ref ws, o * filter);
            ref float w1 = ref Unsafe.Add(ref w0, group > 1 ? filter : 0);
            ref float w2 = ref Unsafe.Add(ref w0, group > 2 ? 2 * filter : 0);
            ref float w3 = ref Unsafe.Add(ref w0, group > 3 ? 3 * filter : 0);
            ref float w4 = ref Unsafe.Add(ref w0, group > 4 ? 4 * filter : 0);
            ref float w5 = ref Unsafe.Add(ref w0, group > 5 ? 5 * filter : 0);
            for (int oy = 0; oy < outH; oy++)
            {
                int kyFrom = Math.Max(0, dataFrom - (oy * stride)), kyTo = Math.Min(kernel, dataTo - (oy * stride));
                for (int start = 0; start < outW; start += 4)
                {
                    // The last tile may overlap the one before it, and a row narrower than 4 repeats its last column:
                    // outputs are written, not accumulated, so recomputing one is harmless.
                    int p0 = Math.Min(start, Math.Max(0, outW - 4));
                    int p1 = Math.Min(p0 + 1, outW - 1), p2 = Math.Min(p0 + 2, outW - 1), p3 = Math.Min(p0 + 3, outW - 1);
                    Vector512<float> a0 = Vector512.Create(bias0), a1 = a0, a2 = a0, a3 = a0;
                    Vector512<float> b0 = Vector512.Create(bias1), b1 = b0, b2 = b0, b3 = b0;
                    Vector512<float> d0 = Vector512.Create(bias2), d1 = d0, d2 = d0, d3 = d0;
                    Vector512<float> e0 = Vector512.Create(bias3), e1 = e0, e2 = e0, e3 = e0;
                    Vector512<float> f0 = Vector512.Create(bias4), f1 = f0, f2 = f0, f3 = f0;
                    Vector512<float> h0 = Vector512.Create(bias5), h1 = h0, h2 = h0, h3 = h0;
                    // Stride 1, four adjacent columns: each tap loads one new column and reuses the three before it.
                    for (int c = 0; c < inC; c++)
                    {
                        for (int ky = kyFrom; ky < kyTo; ky++)
                        {
                            ref float row = ref Unsafe.Add(ref xs, ((((c * inH) + oy + ky) * inW) + p0) * Lanes);
                            int wi = (c * taps) + (ky * kernel);
                            Vector512<float> x0 = Load(ref row, 0), x1 = Load(ref row, Lanes), x2 = Load(ref row, 2 * Lanes);
                            for (int kx = 0; kx < kernel; kx++)
                            {
                                Vector512<float> x3 = Load(ref row, (kx + 3) * Lanes);
                                Vector512<float> wv = Vector512.Create(Unsafe.Add(ref w0, wi + kx));
                                a0 = Vector512.FusedMultiplyAdd(x0, wv, a0);
                                a1 = Vector512.FusedMultiplyAdd(x1, wv, a1);
                                a2 = Vector512.FusedMultiplyAdd(x2, wv, a2);
                                a3 = Vector512.FusedMultiplyAdd(x3, wv, a3);
                                if (group > 1)
                                {
                                    wv = Vector512.Create(Unsafe.Add(ref w1, wi + kx));
                                    b0 = Vector512.FusedMultiplyAdd(x0, wv, b0);
                                    b1 = Vector512.FusedMultiplyAdd(x1, wv, b1);
                                    b2 = Vector512.FusedMultiplyAdd(x2, wv, b2);
                                    b3 = Vector512.FusedMultiplyAdd(x3, wv, b3);
                                }

                                if (group > 2)
                                {
                                    wv = Vector512.Create(Unsafe.Add(ref w2, wi + kx));
                                    d0 = Vector512.FusedMultiplyAdd(x0, wv, d0);
                                    d1 = Vector512.FusedMultiplyAdd(x1, wv, d1);
                                    d2 = Vector512.FusedMultiplyAdd(x2, wv, d2);
                                    d3 = Vector512.FusedMultiplyAdd(x3, wv, d3);
                                }

                                if (group > 3)
                                {
                                    wv = Vector512.Create(Unsafe.Add(ref w3, wi + kx));
                                    e0 = Vector512.FusedMultiplyAdd(x0, wv, e0);
                                    e1 = Vector512.FusedMultiplyAdd(x1, wv, e1);
                                    e2 = Vector512.FusedMultiplyAdd(x2, wv, e2);
                                    e3 = Vector512.FusedMultiplyAdd(x3, wv, e3);
                                }

                                if (group > 4)
                                {
                                    wv = Vector512.Create(Unsafe.Add(ref w4, wi + kx));
                                    f0 = Vector512.FusedMultiplyAdd(x0, wv, f0);
                                    f1 = Vector512.FusedMultiplyAdd(x1, wv, f1);
                                    f2 = Vector512.FusedMultiplyAdd(x2, wv, f2);
                                    f3 = Vector512.FusedMultiplyAdd(x3, wv, f3);
                                }

                                if (group > 5)
                                {
                                    wv = Vector512.Create(Unsafe.Add(ref w5, wi + kx));
                                    h0 = Vector512.FusedMultiplyAdd(x0, wv, h0);
                                    h1 = Vector512.FusedMultiplyAdd(x1, wv, h1);
                                    h2 = Vector512.FusedMultiplyAdd(x2, wv, h2);
                                    h3 = Vector512.FusedMultiplyAdd(x3, wv, h3);
                                }

                                x0 = x1;
                                x1 = x2;
                                x2 = x3;
                            }
                        }
                    }

                    int yi = (o * plane) + (oy * outW * Lanes);
                    StoreTile(a0, a1, a2, a3, ref ys, yi, p0, p1, p2, p3, relu);
                    if (group > 1)
                    {
                        StoreTile(b0, b1, b2, b3, ref ys, yi + plane, p0, p1, p2, p3, relu);
                    }

                    if (group > 2)
                    {
                        StoreTile(d0, d1, d2, d3, ref ys, yi + (2 * plane), p0, p1, p2, p3, relu);
                    }

                    if (group > 3)
                    {
                        StoreTile(e0, e1, e2, e3, ref ys, yi + (3 * plane), p0, p1, p2, p3, relu);
                    }

                    if (group > 4)
                    {
                        StoreTile(f0, f1, f2, f3, ref ys, yi + (4 * plane), p0, p1, p2, p3, relu);
                    }

                    if (group > 5)
                    {
                        StoreTile(h0, h1, h2, h3, ref ys, yi + (5 * plane), p0, p1, p2, p3, relu);
                    }
                }
            }
        }
    }

    /// <summary>
    /// <see cref="Conv"/> at strides above 1 (or rows narrower than 4): a tile of 4 output channels × 4 output columns,
    /// each tap loading its 4 inputs.
    /// </summary>
    private static void StridedConv(
        ref float xs, int inC, int inH, int inW, ref float ws, ReadOnlySpan<float> b, int outC, int kernel, int stride,
        ref float ys, int outH, int outW, bool relu, int dataFrom, int dataTo)
    {
        int taps = kernel * kernel;
        int filter = inC * taps;
        int plane = outH * outW * Lanes;
        int step = stride * Lanes;
        for (int o = 0; o < outC; o += 4)
        {
            int group = Math.Min(4, outC - o);
            float bias0 = b.IsEmpty ? 0f : b[o];
            float bias1 = b.IsEmpty || group < 2 ? 0f : b[o + 1];
            float bias2 = b.IsEmpty || group < 3 ? 0f : b[o + 2];
            float bias3 = b.IsEmpty || group < 4 ? 0f : b[o + 3];
            ref float w0 = ref Unsafe.Add(ref ws, o * filter);
            ref float w1 = ref Unsafe.Add(ref w0, group > 1 ? filter : 0);
            ref float w2 = ref Unsafe.Add(ref w0, group > 2 ? 2 * filter : 0);
            ref float w3 = ref Unsafe.Add(ref w0, group > 3 ? 3 * filter : 0);
            for (int oy = 0; oy < outH; oy++)
            {
                int kyFrom = Math.Max(0, dataFrom - (oy * stride)), kyTo = Math.Min(kernel, dataTo - (oy * stride));
                for (int start = 0; start < outW; start += 4)
                {
                    // The last tile may overlap the one before it, and a row narrower than 4 repeats its last column:
                    // outputs are written, not accumulated, so recomputing one is harmless.
                    int p0 = Math.Min(start, Math.Max(0, outW - 4));
                    int p1 = Math.Min(p0 + 1, outW - 1), p2 = Math.Min(p0 + 2, outW - 1), p3 = Math.Min(p0 + 3, outW - 1);
                    int c0 = p0 * step, c1 = p1 * step, c2 = p2 * step, c3 = p3 * step;
                    Vector512<float> a0 = Vector512.Create(bias0), a1 = a0, a2 = a0, a3 = a0;
                    Vector512<float> b0 = Vector512.Create(bias1), b1 = b0, b2 = b0, b3 = b0;
                    Vector512<float> d0 = Vector512.Create(bias2), d1 = d0, d2 = d0, d3 = d0;
                    Vector512<float> e0 = Vector512.Create(bias3), e1 = e0, e2 = e0, e3 = e0;
                    for (int c = 0; c < inC; c++)
                    {
                        for (int ky = kyFrom; ky < kyTo; ky++)
                        {
                            ref float row = ref Unsafe.Add(ref xs, (((c * inH) + (oy * stride) + ky) * inW) * Lanes);
                            int wi = (c * taps) + (ky * kernel);
                            for (int kx = 0; kx < kernel; kx++)
                            {
                                int at = kx * Lanes;
                                Vector512<float> x0 = Load(ref row, c0 + at);
                                Vector512<float> x1 = Load(ref row, c1 + at);
                                Vector512<float> x2 = Load(ref row, c2 + at);
                                Vector512<float> x3 = Load(ref row, c3 + at);
                                Vector512<float> wv = Vector512.Create(Unsafe.Add(ref w0, wi + kx));
                                a0 = Vector512.FusedMultiplyAdd(x0, wv, a0);
                                a1 = Vector512.FusedMultiplyAdd(x1, wv, a1);
                                a2 = Vector512.FusedMultiplyAdd(x2, wv, a2);
                                a3 = Vector512.FusedMultiplyAdd(x3, wv, a3);
                                if (group > 1)
                                {
                                    wv = Vector512.Create(Unsafe.Add(ref w1, wi + kx));
                                    b0 = Vector512.FusedMultiplyAdd(x0, wv, b0);
                                    b1 = Vector512.FusedMultiplyAdd(x1, wv, b1);
                                    b2 = Vector512.FusedMultiplyAdd(x2, wv, b2);
                                    b3 = Vector512.FusedMultiplyAdd(x3, wv, b3);
                                }

                                if (group > 2)
                                {
                                    wv = Vector512.Create(Unsafe.Add(ref w2, wi + kx));
                                    d0 = Vector512.FusedMultiplyAdd(x0, wv, d0);
                                    d1 = Vector512.FusedMultiplyAdd(x1, wv, d1);
                                    d2 = Vector512.FusedMultiplyAdd(x2, wv, d2);
                                    d3 = Vector512.FusedMultiplyAdd(x3, wv, d3);
                                }

                                if (group > 3)
                                {
                                    wv = Vector512.Create(Unsafe.Add(ref w3, wi + kx));
                                    e0 = Vector512.FusedMultiplyAdd(x0, wv, e0);
                                    e1 = Vector512.FusedMultiplyAdd(x1, wv, e1);
                                    e2 = Vector512.FusedMultiplyAdd(x2, wv, e2);
                                    e3 = Vector512.FusedMultiplyAdd(x3, wv, e3);
                                }
                            }
                        }
                    }

                    int yi = (o * plane) + (oy * outW * Lanes);
                    StoreTile(a0, a1, a2, a3, ref ys, yi, p0, p1, p2, p3, relu);
                    if (group > 1)
                    {
                        StoreTile(b0, b1, b2, b3, ref ys, yi + plane, p0, p1, p2, p3, relu);
                    }

                    if (group > 2)
                    {
                        StoreTile(d0, d1, d2, d3, ref ys, yi + (2 * plane), p0, p1, p2, p3, relu);
                    }

                    if (group > 3)
                    {
                        StoreTile(e0, e1, e2, e3, ref ys, yi + (3 * plane), p0, p1, p2, p3, relu);
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreTile(
        Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, ref float ys, int row, int p0, int p1, int p2, int p3, bool relu)
    {
        if (relu)
        {
            s0 = Vector512.Max(s0, Vector512<float>.Zero);
            s1 = Vector512.Max(s1, Vector512<float>.Zero);
            s2 = Vector512.Max(s2, Vector512<float>.Zero);
            s3 = Vector512.Max(s3, Vector512<float>.Zero);
        }

        // Highest column first: where a narrow row repeats a column, every store writes the same value anyway.
        Store(s3, ref ys, row + (p3 * Lanes));
        Store(s2, ref ys, row + (p2 * Lanes));
        Store(s1, ref ys, row + (p1 * Lanes));
        Store(s0, ref ys, row + (p0 * Lanes));
    }

    /// <summary>
    /// Adds the convolution's parameter gradients over a block: db[o] += Σ dy[o]; dW[o][c][ky][kx] += Σ over output
    /// positions and images of dy[o][oy][ox] · x[c][oy·s + ky][ox·s + kx]. A register tile is 4 output channels × 4
    /// kernel taps, each a 16-lane accumulator summed across lanes once per block.
    /// </summary>
    public static void ConvWeightGradient(
        ReadOnlySpan<float> dy, int outC, int outH, int outW, ReadOnlySpan<float> x, int inC, int inH, int inW, int kernel, int stride,
        Span<float> dw, Span<float> db)
    {
        int taps = kernel * kernel;
        int filter = inC * taps;
        Require(dy.Length >= outC * outH * outW * Lanes && x.Length >= inC * inH * inW * Lanes && dw.Length >= outC * filter && db.Length >= outC
            && ((outH - 1) * stride) + kernel <= inH && ((outW - 1) * stride) + kernel <= inW, "ConvWeightGradient");
        ref float dys = ref MemoryMarshal.GetReference(dy);
        ref float xs = ref MemoryMarshal.GetReference(x);
        int plane = outH * outW * Lanes;
        for (int o = 0; o < outC; o++)
        {
            ref float d = ref Unsafe.Add(ref dys, o * plane);
            Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
            int i = 0;
            for (; i <= plane - (4 * Lanes); i += 4 * Lanes)
            {
                s0 += Load(ref d, i);
                s1 += Load(ref d, i + Lanes);
                s2 += Load(ref d, i + (2 * Lanes));
                s3 += Load(ref d, i + (3 * Lanes));
            }

            for (; i < plane; i += Lanes)
            {
                s0 += Load(ref d, i);
            }

            db[o] += Vector512.Sum((s0 + s1) + (s2 + s3));
        }

        if (stride == 1 && kernel % RowTaps == 0)
        {
            SlidingWeightGradient(ref dys, outC, outH, outW, ref xs, inC, inH, inW, kernel, dw);
            return;
        }

        int step = stride * Lanes;
        for (int o = 0; o < outC; o += 4)
        {
            int group = Math.Min(4, outC - o);
            ref float g0 = ref Unsafe.Add(ref dys, o * plane);
            ref float g1 = ref Unsafe.Add(ref g0, group > 1 ? plane : 0);
            ref float g2 = ref Unsafe.Add(ref g0, group > 2 ? 2 * plane : 0);
            ref float g3 = ref Unsafe.Add(ref g0, group > 3 ? 3 * plane : 0);
            for (int c = 0; c < inC; c++)
            {
                for (int t = 0; t < taps; t += 4)
                {
                    // Four taps of the window; past the last tap the last one repeats, computed but not added.
                    int t1 = Math.Min(t + 1, taps - 1), t2 = Math.Min(t + 2, taps - 1), t3 = Math.Min(t + 3, taps - 1);
                    int x0 = TapOffset(t, kernel, inW), x1 = TapOffset(t1, kernel, inW), x2 = TapOffset(t2, kernel, inW), x3 = TapOffset(t3, kernel, inW);
                    Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
                    Vector512<float> b0 = a0, b1 = a0, b2 = a0, b3 = a0;
                    Vector512<float> d0 = a0, d1 = a0, d2 = a0, d3 = a0;
                    Vector512<float> e0 = a0, e1 = a0, e2 = a0, e3 = a0;
                    for (int oy = 0; oy < outH; oy++)
                    {
                        ref float row = ref Unsafe.Add(ref xs, (((c * inH) + (oy * stride)) * inW) * Lanes);
                        int gi = oy * outW * Lanes;
                        for (int ox = 0; ox < outW; ox++)
                        {
                            int xi = ox * step;
                            Vector512<float> v0 = Load(ref row, xi + x0);
                            Vector512<float> v1 = Load(ref row, xi + x1);
                            Vector512<float> v2 = Load(ref row, xi + x2);
                            Vector512<float> v3 = Load(ref row, xi + x3);
                            Vector512<float> gv = Load(ref g0, gi);
                            a0 = Vector512.FusedMultiplyAdd(gv, v0, a0);
                            a1 = Vector512.FusedMultiplyAdd(gv, v1, a1);
                            a2 = Vector512.FusedMultiplyAdd(gv, v2, a2);
                            a3 = Vector512.FusedMultiplyAdd(gv, v3, a3);
                            if (group > 1)
                            {
                                gv = Load(ref g1, gi);
                                b0 = Vector512.FusedMultiplyAdd(gv, v0, b0);
                                b1 = Vector512.FusedMultiplyAdd(gv, v1, b1);
                                b2 = Vector512.FusedMultiplyAdd(gv, v2, b2);
                                b3 = Vector512.FusedMultiplyAdd(gv, v3, b3);
                            }

                            if (group > 2)
                            {
                                gv = Load(ref g2, gi);
                                d0 = Vector512.FusedMultiplyAdd(gv, v0, d0);
                                d1 = Vector512.FusedMultiplyAdd(gv, v1, d1);
                                d2 = Vector512.FusedMultiplyAdd(gv, v2, d2);
                                d3 = Vector512.FusedMultiplyAdd(gv, v3, d3);
                            }

                            if (group > 3)
                            {
                                gv = Load(ref g3, gi);
                                e0 = Vector512.FusedMultiplyAdd(gv, v0, e0);
                                e1 = Vector512.FusedMultiplyAdd(gv, v1, e1);
                                e2 = Vector512.FusedMultiplyAdd(gv, v2, e2);
                                e3 = Vector512.FusedMultiplyAdd(gv, v3, e3);
                            }

                            gi += Lanes;
                        }
                    }

                    int valid = Math.Min(4, taps - t);
                    int wi = (o * filter) + (c * taps) + t;
                    AddSums(dw, wi, valid, a0, a1, a2, a3);
                    if (group > 1)
                    {
                        AddSums(dw, wi + filter, valid, b0, b1, b2, b3);
                    }

                    if (group > 2)
                    {
                        AddSums(dw, wi + (2 * filter), valid, d0, d1, d2, d3);
                    }

                    if (group > 3)
                    {
                        AddSums(dw, wi + (3 * filter), valid, e0, e1, e2, e3);
                    }
                }
            }
        }
    }

    /// <summary>Taps of one kernel row a sliding weight-gradient tile covers: 4 channels × 5 taps is 20 accumulators of the 32 registers.</summary>
    private const int RowTaps = 5;

    /// <summary>
    /// The weight gradient at stride 1 for kernels a whole number of <see cref="RowTaps"/> wide: a register tile is 4
    /// output channels × 5 adjacent taps of one kernel row, and stepping one output column on reuses four of the five
    /// input columns, so each output position costs one input load and one load per channel for 20 multiply-adds. Each
    /// accumulator sums over output rows, then columns, in order, as the general tile does: the same bits.
    /// </summary>
    private static void SlidingWeightGradient(ref float dys, int outC, int outH, int outW, ref float xs, int inC, int inH, int inW, int kernel, Span<float> dw)
    {
        int taps = kernel * kernel;
        int filter = inC * taps;
        int plane = outH * outW * Lanes;
        for (int o = 0; o < outC; o += 4)
        {
            int group = Math.Min(4, outC - o);
            ref float g0 = ref Unsafe.Add(ref dys, o * plane);
            ref float g1 = ref Unsafe.Add(ref g0, group > 1 ? plane : 0);
            ref float g2 = ref Unsafe.Add(ref g0, group > 2 ? 2 * plane : 0);
            ref float g3 = ref Unsafe.Add(ref g0, group > 3 ? 3 * plane : 0);
            for (int c = 0; c < inC; c++)
            {
                for (int ky = 0; ky < kernel; ky++)
                {
                    for (int kx = 0; kx < kernel; kx += RowTaps)
                    {
                        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0;
                        Vector512<float> b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0;
                        Vector512<float> d0 = a0, d1 = a0, d2 = a0, d3 = a0, d4 = a0;
                        Vector512<float> e0 = a0, e1 = a0, e2 = a0, e3 = a0, e4 = a0;
                        for (int oy = 0; oy < outH; oy++)
                        {
                            ref float row = ref Unsafe.Add(ref xs, ((((c * inH) + oy + ky) * inW) + kx) * Lanes);
                            int gi = oy * outW * Lanes;
                            Vector512<float> x0 = Load(ref row, 0), x1 = Load(ref row, Lanes), x2 = Load(ref row, 2 * Lanes), x3 = Load(ref row, 3 * Lanes);
                            for (int ox = 0; ox < outW; ox++)
                            {
                                Vector512<float> x4 = Load(ref row, (ox + 4) * Lanes);
                                Vector512<float> gv = Load(ref g0, gi);
                                a0 = Vector512.FusedMultiplyAdd(gv, x0, a0);
                                a1 = Vector512.FusedMultiplyAdd(gv, x1, a1);
                                a2 = Vector512.FusedMultiplyAdd(gv, x2, a2);
                                a3 = Vector512.FusedMultiplyAdd(gv, x3, a3);
                                a4 = Vector512.FusedMultiplyAdd(gv, x4, a4);
                                if (group > 1)
                                {
                                    gv = Load(ref g1, gi);
                                    b0 = Vector512.FusedMultiplyAdd(gv, x0, b0);
                                    b1 = Vector512.FusedMultiplyAdd(gv, x1, b1);
                                    b2 = Vector512.FusedMultiplyAdd(gv, x2, b2);
                                    b3 = Vector512.FusedMultiplyAdd(gv, x3, b3);
                                    b4 = Vector512.FusedMultiplyAdd(gv, x4, b4);
                                }

                                if (group > 2)
                                {
                                    gv = Load(ref g2, gi);
                                    d0 = Vector512.FusedMultiplyAdd(gv, x0, d0);
                                    d1 = Vector512.FusedMultiplyAdd(gv, x1, d1);
                                    d2 = Vector512.FusedMultiplyAdd(gv, x2, d2);
                                    d3 = Vector512.FusedMultiplyAdd(gv, x3, d3);
                                    d4 = Vector512.FusedMultiplyAdd(gv, x4, d4);
                                }

                                if (group > 3)
                                {
                                    gv = Load(ref g3, gi);
                                    e0 = Vector512.FusedMultiplyAdd(gv, x0, e0);
                                    e1 = Vector512.FusedMultiplyAdd(gv, x1, e1);
                                    e2 = Vector512.FusedMultiplyAdd(gv, x2, e2);
                                    e3 = Vector512.FusedMultiplyAdd(gv, x3, e3);
                                    e4 = Vector512.FusedMultiplyAdd(gv, x4, e4);
                                }

                                x0 = x1;
                                x1 = x2;
                                x2 = x3;
                                x3 = x4;
                                gi += Lanes;
                            }
                        }

                        int wi = (o * filter) + (c * taps) + (ky * kernel) + kx;
                        AddRowSums(dw, wi, a0, a1, a2, a3, a4);
                        if (group > 1)
                        {
                            AddRowSums(dw, wi + filter, b0, b1, b2, b3, b4);
                        }

                        if (group > 2)
                        {
                            AddRowSums(dw, wi + (2 * filter), d0, d1, d2, d3, d4);
                        }

                        if (group > 3)
                        {
                            AddRowSums(dw, wi + (3 * filter), e0, e1, e2, e3, e4);
                        }
                    }
                }
            }
        }
    }

    private static void AddRowSums(Span<float> dw, int at, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, Vector512<float> s4)
    {
        dw[at] += Vector512.Sum(s0);
        dw[at + 1] += Vector512.Sum(s1);
        dw[at + 2] += Vector512.Sum(s2);
        dw[at + 3] += Vector512.Sum(s3);
        dw[at + 4] += Vector512.Sum(s4);
    }

    /// <summary>Where tap <paramref name="tap"/> (row-major in the k×k window) sits relative to the window's corner, in floats of the lane layout.</summary>
    private static int TapOffset(int tap, int kernel, int inW) => (((tap / kernel) * inW) + (tap % kernel)) * Lanes;

    private static void AddSums(Span<float> dw, int at, int valid, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3)
    {
        dw[at] += Vector512.Sum(s0);
        if (valid > 1)
        {
            dw[at + 1] += Vector512.Sum(s1);
        }

        if (valid > 2)
        {
            dw[at + 2] += Vector512.Sum(s2);
        }

        if (valid > 3)
        {
            dw[at + 3] += Vector512.Sum(s3);
        }
    }

    /// <summary>
    /// A stride-1 convolution's input gradient, overwriting dx [inC][inH][inW][Lanes] (the padded input's, inH = outH + k − 1):
    /// dx[c][iy][ix] = Σ over o, ky, kx of w (o, c, ky, kx) · dy[o][iy − ky][ix − kx], terms outside dy left out. The same
    /// sums in the same order as <see cref="Conv"/> over <see cref="Dilate"/>d dy with <see cref="FlipFilters"/> (o, then
    /// dy row, then dy column, ascending), without the zero frame: a register tile is up to 6 input channels × 4 columns
    /// of dx (24 accumulators), its taps cut to the dy columns the tile reaches, and a column outside dy loads as zero.
    /// </summary>
    public static void ConvInputGradient(
        ReadOnlySpan<float> dy, int outC, int outH, int outW, ReadOnlySpan<float> w, int inC, int kernel, Span<float> dx, int inH, int inW)
    {
        int taps = kernel * kernel;
        int filter = inC * taps;
        Require(dy.Length >= outC * outH * outW * Lanes && w.Length >= outC * filter && dx.Length >= inC * inH * inW * Lanes
            && inH == outH + kernel - 1 && inW == outW + kernel - 1, "ConvInputGradient");
        ref float dys = ref MemoryMarshal.GetReference(dy);
        ref float ws = ref MemoryMarshal.GetReference(w);
        ref float dxs = ref MemoryMarshal.GetReference(dx);
        int plane = outH * outW * Lanes;
        int dxPlane = inH * inW * Lanes;
        int last = kernel - 1;
        for (int c = 0; c < inC; c += 6)
        {
            int group = Math.Min(6, inC - c);
            ref float w0 = ref Unsafe.Add(ref ws, c * taps);
            ref float w1 = ref Unsafe.Add(ref w0, group > 1 ? taps : 0);
            ref float w2 = ref Unsafe.Add(ref w0, group > 2 ? 2 * taps : 0);
            ref float w3 = ref Unsafe.Add(ref w0, group > 3 ? 3 * taps : 0);
            ref float w4 = ref Unsafe.Add(ref w0, group > 4 ? 4 * taps : 0);
            ref float w5 = ref Unsafe.Add(ref w0, group > 5 ? 5 * taps : 0);
            for (int iy = 0; iy < inH; iy++)
            {
                // Flipped kernel rows (ky′ = k − 1 − ky) whose dy row iy + ky′ − (k − 1) exists.
                int kyFrom = Math.Max(0, last - iy), kyTo = Math.Min(kernel, last + outH - iy);
                for (int p0 = 0; p0 < inW; p0 += 4)
                {
                    // Flipped kernel columns for which at least one of the tile's columns reaches into dy.
                    int kxFrom = Math.Max(0, last - p0 - 3), kxTo = Math.Min(kernel, last + outW - p0);
                    int first = p0 + kxFrom - last;
                    Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
                    Vector512<float> b0 = a0, b1 = a0, b2 = a0, b3 = a0;
                    Vector512<float> d0 = a0, d1 = a0, d2 = a0, d3 = a0;
                    Vector512<float> e0 = a0, e1 = a0, e2 = a0, e3 = a0;
                    Vector512<float> f0 = a0, f1 = a0, f2 = a0, f3 = a0;
                    Vector512<float> h0 = a0, h1 = a0, h2 = a0, h3 = a0;
                    for (int o = 0; o < outC; o++)
                    {
                        for (int ky = kyFrom; ky < kyTo; ky++)
                        {
                            ref float row = ref Unsafe.Add(ref dys, (o * plane) + ((iy + ky - last) * outW * Lanes));
                            // w (o, c, k − 1 − ky′, k − 1 − kx′) at wi − kx′.
                            int wi = (o * filter) + ((last - ky) * kernel) + last;
                            Vector512<float> x0 = Column(ref row, first, outW), x1 = Column(ref row, first + 1, outW), x2 = Column(ref row, first + 2, outW);
                            for (int kx = kxFrom; kx < kxTo; kx++)
                            {
                                Vector512<float> x3 = Column(ref row, first + 3 + kx - kxFrom, outW);
                                Vector512<float> wv = Vector512.Create(Unsafe.Add(ref w0, wi - kx));
                                a0 = Vector512.FusedMultiplyAdd(x0, wv, a0);
                                a1 = Vector512.FusedMultiplyAdd(x1, wv, a1);
                                a2 = Vector512.FusedMultiplyAdd(x2, wv, a2);
                                a3 = Vector512.FusedMultiplyAdd(x3, wv, a3);
                                if (group > 1)
                                {
                                    wv = Vector512.Create(Unsafe.Add(ref w1, wi - kx));
                                    b0 = Vector512.FusedMultiplyAdd(x0, wv, b0);
                                    b1 = Vector512.FusedMultiplyAdd(x1, wv, b1);
                                    b2 = Vector512.FusedMultiplyAdd(x2, wv, b2);
                                    b3 = Vector512.FusedMultiplyAdd(x3, wv, b3);
                                }

                                if (group > 2)
                                {
                                    wv = Vector512.Create(Unsafe.Add(ref w2, wi - kx));
                                    d0 = Vector512.FusedMultiplyAdd(x0, wv, d0);
                                    d1 = Vector512.FusedMultiplyAdd(x1, wv, d1);
                                    d2 = Vector512.FusedMultiplyAdd(x2, wv, d2);
                                    d3 = Vector512.FusedMultiplyAdd(x3, wv, d3);
                                }

                                if (group > 3)
                                {
                                    wv = Vector512.Create(Unsafe.Add(ref w3, wi - kx));
                                    e0 = Vector512.FusedMultiplyAdd(x0, wv, e0);
                                    e1 = Vector512.FusedMultiplyAdd(x1, wv, e1);
                                    e2 = Vector512.FusedMultiplyAdd(x2, wv, e2);
                                    e3 = Vector512.FusedMultiplyAdd(x3, wv, e3);
                                }

                                if (group > 4)
                                {
                                    wv = Vector512.Create(Unsafe.Add(ref w4, wi - kx));
                                    f0 = Vector512.FusedMultiplyAdd(x0, wv, f0);
                                    f1 = Vector512.FusedMultiplyAdd(x1, wv, f1);
                                    f2 = Vector512.FusedMultiplyAdd(x2, wv, f2);
                                    f3 = Vector512.FusedMultiplyAdd(x3, wv, f3);
                                }

                                if (group > 5)
                                {
                                    wv = Vector512.Create(Unsafe.Add(ref w5, wi - kx));
                                    h0 = Vector512.FusedMultiplyAdd(x0, wv, h0);
                                    h1 = Vector512.FusedMultiplyAdd(x1, wv, h1);
                                    h2 = Vector512.FusedMultiplyAdd(x2, wv, h2);
                                    h3 = Vector512.FusedMultiplyAdd(x3, wv, h3);
                                }

                                x0 = x1;
                                x1 = x2;
                                x2 = x3;
                            }
                        }
                    }

                    int at = (c * dxPlane) + (((iy * inW) + p0) * Lanes);
                    int columns = Math.Min(4, inW - p0);
                    StoreColumns(a0, a1, a2, a3, ref dxs, at, columns);
                    if (group > 1)
                    {
                        StoreColumns(b0, b1, b2, b3, ref dxs, at + dxPlane, columns);
                    }

                    if (group > 2)
                    {
                        StoreColumns(d0, d1, d2, d3, ref dxs, at + (2 * dxPlane), columns);
                    }

                    if (group > 3)
                    {
                        StoreColumns(e0, e1, e2, e3, ref dxs, at + (3 * dxPlane), columns);
                    }

                    if (group > 4)
                    {
                        StoreColumns(f0, f1, f2, f3, ref dxs, at + (4 * dxPlane), columns);
                    }

                    if (group > 5)
                    {
                        StoreColumns(h0, h1, h2, h3, ref dxs, at + (5 * dxPlane), columns);
                    }
                }
            }
        }
    }

    /// <summary>Column <paramref name="column"/> of a dy row, or zeros where the column lies outside it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Column(ref float row, int column, int width) =>
        (uint)column < (uint)width ? Load(ref row, column * Lanes) : Vector512<float>.Zero;

    /// <summary>The first <paramref name="columns"/> (1 to 4) of a tile's four adjacent columns; the rest lie past the row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumns(Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, ref float target, int at, int columns)
    {
        Store(s0, ref target, at);
        if (columns > 1)
        {
            Store(s1, ref target, at + Lanes);
        }

        if (columns > 2)
        {
            Store(s2, ref target, at + (2 * Lanes));
        }

        if (columns > 3)
        {
            Store(s3, ref target, at + (3 * Lanes));
        }
    }

    /// <summary>
    /// The first half of a convolution's input gradient: dy [oc][oh][ow][Lanes] spread stride apart and framed by
    /// k − 1 zeros, into d [oc][ph + k − 1][pw + k − 1][Lanes] (ph, pw: the padded input's size). A valid stride-1
    /// convolution of d with <see cref="FlipFilters"/> of the weights is then the gradient of the padded input.
    /// </summary>
    public static void Dilate(ReadOnlySpan<float> dy, int outC, int outH, int outW, int kernel, int stride, int paddedH, int paddedW, Span<float> d)
    {
        int height = paddedH + kernel - 1, width = paddedW + kernel - 1;
        Require(dy.Length >= outC * outH * outW * Lanes && d.Length >= outC * height * width * Lanes
            && ((outH - 1) * stride) + kernel <= paddedH && ((outW - 1) * stride) + kernel <= paddedW, "Dilate");
        d[..(outC * height * width * Lanes)].Clear();
        ref float source = ref MemoryMarshal.GetReference(dy);
        ref float target = ref MemoryMarshal.GetReference(d);
        for (int o = 0; o < outC; o++)
        {
            for (int oy = 0; oy < outH; oy++)
            {
                for (int ox = 0; ox < outW; ox++)
                {
                    int from = (((o * outH) + oy) * outW + ox) * Lanes;
                    int to = ((((o * height) + (oy * stride) + kernel - 1) * width) + (ox * stride) + kernel - 1) * Lanes;
                    Store(Load(ref source, from), ref target, to);
                }
            }
        }
    }

    /// <summary>The filters of the input-gradient convolution: flipped (oc, ic, k, k) → (ic, oc, k, k), tap (a, b) from (k−1−a, k−1−b).</summary>
    public static void FlipFilters(ReadOnlySpan<float> w, int outC, int inC, int kernel, Span<float> flipped)
    {
        int taps = kernel * kernel;
        Require(w.Length >= outC * inC * taps && flipped.Length >= outC * inC * taps, "FlipFilters");
        for (int o = 0; o < outC; o++)
        {
            for (int c = 0; c < inC; c++)
            {
                ReadOnlySpan<float> source = w.Slice(((o * inC) + c) * taps, taps);
                Span<float> target = flipped.Slice(((c * outC) + o) * taps, taps);
                for (int t = 0; t < taps; t++)
                {
                    target[t] = source[taps - 1 - t];
                }
            }
        }
    }
}
