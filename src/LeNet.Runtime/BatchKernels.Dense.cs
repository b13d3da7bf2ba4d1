using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LeNet;

/// <summary>Dense layers over a block: small matrix products, so each weight is read once per block of images.</summary>
public static partial class BatchKernels
{
    /// <summary>
    /// y [outputs][Lanes] = W (outputs, inputs) · x [inputs][Lanes] + b, then ReLU when <paramref name="relu"/>; eight
    /// outputs a tile (eight independent multiply-add chains), then one at a time.
    /// </summary>
    public static void Dense(ReadOnlySpan<float> x, int inputs, ReadOnlySpan<float> w, ReadOnlySpan<float> b, int outputs, Span<float> y, bool relu)
    {
        Require(x.Length >= inputs * Lanes && w.Length >= inputs * outputs && b.Length >= outputs && y.Length >= outputs * Lanes, "Dense");
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ws = ref MemoryMarshal.GetReference(w);
        ref float ys = ref MemoryMarshal.GetReference(y);
        int o = 0;
        for (; o <= outputs - 8; o += 8)
        {
            Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            // One reference per weight row, hoisted: the loop then only advances i.
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
                s = Vector512.FusedMultiplyAdd(Load(ref xs, i * Lanes), Vector512.Create(Unsafe.Add(ref wo, i)), s);
            }

            Finish(s, b[o], ref ys, o, relu);
        }
    }

    /// <summary>Adds four sums to 64 consecutive floats of a weight-gradient row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddRow(Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, ref float dws, int at)
    {
        AddTo(s0, ref dws, at);
        AddTo(s1, ref dws, at + Lanes);
        AddTo(s2, ref dws, at + (2 * Lanes));
        AddTo(s3, ref dws, at + (3 * Lanes));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(Vector512<float> sum, float bias, ref float ys, int o, bool relu)
    {
        // The bias last, as the per-image kernel adds it to the finished dot product.
        Vector512<float> value = Vector512.Create(bias) + sum;
        if (relu)
        {
            value = Vector512.Max(value, Vector512<float>.Zero);
        }

        Store(value, ref ys, o * Lanes);
    }

    /// <summary>
    /// Dense backward over a block: db += Σ dz; dW (outputs, inputs) += dz · xᵀ over the block's images (a matrix
    /// product on the transposed block, 4 outputs × 64 inputs a tile, then 4 × 16); dx [inputs][Lanes] = Wᵀ · dz unless
    /// <paramref name="dx"/> is empty. <paramref name="scratch"/> holds the transposed x and dz:
    /// at least (inputs + outputs) × Lanes floats.
    /// </summary>
    public static void DenseBackward(
        ReadOnlySpan<float> dz, ReadOnlySpan<float> x, ReadOnlySpan<float> w, int inputs, int outputs, Span<float> dx, Span<float> dw, Span<float> db, Span<float> scratch)
    {
        Require(dz.Length >= outputs * Lanes && x.Length >= inputs * Lanes && w.Length >= inputs * outputs && dw.Length >= inputs * outputs
            && db.Length >= outputs && (dx.IsEmpty || dx.Length >= inputs * Lanes) && scratch.Length >= (inputs + outputs) * Lanes, "DenseBackward");
        ref float dzs = ref MemoryMarshal.GetReference(dz);
        for (int o = 0; o < outputs; o++)
        {
            db[o] += Vector512.Sum(Load(ref dzs, o * Lanes));
        }

        Span<float> xT = scratch[..(inputs * Lanes)];
        Span<float> dzT = scratch.Slice(inputs * Lanes, outputs * Lanes);
        FromLanes(x, Lanes, inputs, xT);
        FromLanes(dz, Lanes, outputs, dzT);
        ref float dzTs = ref MemoryMarshal.GetReference(dzT);
        ref float xTs = ref MemoryMarshal.GetReference(xT);
        ref float dws = ref MemoryMarshal.GetReference(dw);
        int i = 0;
        for (; i <= inputs - (4 * Lanes); i += 4 * Lanes)
        {
            // 4 outputs × 64 inputs: four input loads and four broadcasts per 16 multiply-adds.
            int o = 0;
            for (; o <= outputs - 4; o += 4)
            {
                Vector512<float> s00 = Vector512<float>.Zero, s01 = s00, s02 = s00, s03 = s00;
                Vector512<float> s10 = s00, s11 = s00, s12 = s00, s13 = s00;
                Vector512<float> s20 = s00, s21 = s00, s22 = s00, s23 = s00;
                Vector512<float> s30 = s00, s31 = s00, s32 = s00, s33 = s00;
                for (int l = 0; l < Lanes; l++)
                {
                    ref float xl = ref Unsafe.Add(ref xTs, (l * inputs) + i);
                    Vector512<float> x0 = Vector512.LoadUnsafe(ref xl), x1 = Load(ref xl, Lanes), x2 = Load(ref xl, 2 * Lanes), x3 = Load(ref xl, 3 * Lanes);
                    ref float d = ref Unsafe.Add(ref dzTs, (l * outputs) + o);
                    Vector512<float> dv = Vector512.Create(d);
                    s00 = Vector512.FusedMultiplyAdd(x0, dv, s00);
                    s01 = Vector512.FusedMultiplyAdd(x1, dv, s01);
                    s02 = Vector512.FusedMultiplyAdd(x2, dv, s02);
                    s03 = Vector512.FusedMultiplyAdd(x3, dv, s03);
                    dv = Vector512.Create(Unsafe.Add(ref d, 1));
                    s10 = Vector512.FusedMultiplyAdd(x0, dv, s10);
                    s11 = Vector512.FusedMultiplyAdd(x1, dv, s11);
                    s12 = Vector512.FusedMultiplyAdd(x2, dv, s12);
                    s13 = Vector512.FusedMultiplyAdd(x3, dv, s13);
                    dv = Vector512.Create(Unsafe.Add(ref d, 2));
                    s20 = Vector512.FusedMultiplyAdd(x0, dv, s20);
                    s21 = Vector512.FusedMultiplyAdd(x1, dv, s21);
                    s22 = Vector512.FusedMultiplyAdd(x2, dv, s22);
                    s23 = Vector512.FusedMultiplyAdd(x3, dv, s23);
                    dv = Vector512.Create(Unsafe.Add(ref d, 3));
                    s30 = Vector512.FusedMultiplyAdd(x0, dv, s30);
                    s31 = Vector512.FusedMultiplyAdd(x1, dv, s31);
                    s32 = Vector512.FusedMultiplyAdd(x2, dv, s32);
                    s33 = Vector512.FusedMultiplyAdd(x3, dv, s33);
                }

                AddRow(s00, s01, s02, s03, ref dws, (o * inputs) + i);
                AddRow(s10, s11, s12, s13, ref dws, ((o + 1) * inputs) + i);
                AddRow(s20, s21, s22, s23, ref dws, ((o + 2) * inputs) + i);
                AddRow(s30, s31, s32, s33, ref dws, ((o + 3) * inputs) + i);
            }

            for (; o < outputs; o++)
            {
                Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
                for (int l = 0; l < Lanes; l++)
                {
                    ref float xl = ref Unsafe.Add(ref xTs, (l * inputs) + i);
                    Vector512<float> dv = Vector512.Create(Unsafe.Add(ref dzTs, (l * outputs) + o));
                    s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xl), dv, s0);
                    s1 = Vector512.FusedMultiplyAdd(Load(ref xl, Lanes), dv, s1);
                    s2 = Vector512.FusedMultiplyAdd(Load(ref xl, 2 * Lanes), dv, s2);
                    s3 = Vector512.FusedMultiplyAdd(Load(ref xl, 3 * Lanes), dv, s3);
                }

                AddRow(s0, s1, s2, s3, ref dws, (o * inputs) + i);
            }
        }

        for (; i <= inputs - Lanes; i += Lanes)
        {
            int o = 0;
            for (; o <= outputs - 4; o += 4)
            {
                Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
                for (int l = 0; l < Lanes; l++)
                {
                    Vector512<float> xv = Load(ref xTs, (l * inputs) + i);
                    ref float d = ref Unsafe.Add(ref dzTs, (l * outputs) + o);
                    s0 = Vector512.FusedMultiplyAdd(xv, Vector512.Create(d), s0);
                    s1 = Vector512.FusedMultiplyAdd(xv, Vector512.Create(Unsafe.Add(ref d, 1)), s1);
                    s2 = Vector512.FusedMultiplyAdd(xv, Vector512.Create(Unsafe.Add(ref d, 2)), s2);
                    s3 = Vector512.FusedMultiplyAdd(xv, Vector512.Create(Unsafe.Add(ref d, 3)), s3);
                }

                AddTo(s0, ref dws, (o * inputs) + i);
                AddTo(s1, ref dws, ((o + 1) * inputs) + i);
                AddTo(s2, ref dws, ((o + 2) * inputs) + i);
                AddTo(s3, ref dws, ((o + 3) * inputs) + i);
            }

            for (; o < outputs; o++)
            {
                Vector512<float> s0 = Vector512<float>.Zero;
                for (int l = 0; l < Lanes; l++)
                {
                    s0 = Vector512.FusedMultiplyAdd(Load(ref xTs, (l * inputs) + i), Vector512.Create(Unsafe.Add(ref dzTs, (l * outputs) + o)), s0);
                }

                AddTo(s0, ref dws, (o * inputs) + i);
            }
        }

        ref float xs = ref MemoryMarshal.GetReference(x);
        for (; i < inputs; i++)
        {
            Vector512<float> xv = Load(ref xs, i * Lanes);
            for (int o = 0; o < outputs; o++)
            {
                dw[(o * inputs) + i] += Vector512.Sum(xv * Load(ref dzs, o * Lanes));
            }
        }

        if (dx.IsEmpty)
        {
            return;
        }

        ref float ws = ref MemoryMarshal.GetReference(w);
        ref float dxs = ref MemoryMarshal.GetReference(dx);
        int j = 0;
        for (; j <= inputs - 8; j += 8)
        {
            Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (int o = 0; o < outputs; o++)
            {
                Vector512<float> d = Load(ref dzs, o * Lanes);
                ref float wo = ref Unsafe.Add(ref ws, (o * inputs) + j);
                s0 = Vector512.FusedMultiplyAdd(d, Vector512.Create(wo), s0);
                s1 = Vector512.FusedMultiplyAdd(d, Vector512.Create(Unsafe.Add(ref wo, 1)), s1);
                s2 = Vector512.FusedMultiplyAdd(d, Vector512.Create(Unsafe.Add(ref wo, 2)), s2);
                s3 = Vector512.FusedMultiplyAdd(d, Vector512.Create(Unsafe.Add(ref wo, 3)), s3);
                s4 = Vector512.FusedMultiplyAdd(d, Vector512.Create(Unsafe.Add(ref wo, 4)), s4);
                s5 = Vector512.FusedMultiplyAdd(d, Vector512.Create(Unsafe.Add(ref wo, 5)), s5);
                s6 = Vector512.FusedMultiplyAdd(d, Vector512.Create(Unsafe.Add(ref wo, 6)), s6);
                s7 = Vector512.FusedMultiplyAdd(d, Vector512.Create(Unsafe.Add(ref wo, 7)), s7);
            }

            Store(s0, ref dxs, j * Lanes);
            Store(s1, ref dxs, (j + 1) * Lanes);
            Store(s2, ref dxs, (j + 2) * Lanes);
            Store(s3, ref dxs, (j + 3) * Lanes);
            Store(s4, ref dxs, (j + 4) * Lanes);
            Store(s5, ref dxs, (j + 5) * Lanes);
            Store(s6, ref dxs, (j + 6) * Lanes);
            Store(s7, ref dxs, (j + 7) * Lanes);
        }

        for (; j < inputs; j++)
        {
            Vector512<float> s0 = Vector512<float>.Zero;
            for (int o = 0; o < outputs; o++)
            {
                s0 = Vector512.FusedMultiplyAdd(Load(ref dzs, o * Lanes), Vector512.Create(Unsafe.Add(ref ws, (o * inputs) + j)), s0);
            }

            Store(s0, ref dxs, j * Lanes);
        }
    }
}
