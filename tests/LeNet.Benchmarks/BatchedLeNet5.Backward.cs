using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LeNet.Benchmarks;

/// <summary>
/// The batched backward prototype: forward and back-propagation of the cross-entropy loss over 16 images a block,
/// adding the parameters' gradients in PyTorch order like the generated Backward. Dense weight gradients are one
/// small matrix product per block (dW += dZᵀ·X over the 16 images), convolution weight gradients a 16-lane
/// accumulator per tap reduced once per block, the convolution's input gradient a plain convolution of the
/// zero-padded output gradient with the flipped, transposed filters (repacked from the live parameters every call).
/// </summary>
internal sealed partial class BatchedLeNet5
{
    private const int Padded2 = 10 + 8;

    /// <summary>Floats of scratch space <see cref="Backward"/> needs.</summary>
    public int TrainingWorkspaceLength => Lanes * ((_channels * 1024) + (2 * C1 * 784) + (2 * C1 * 196) + (C2 * 100) + (C2 * Padded2 * Padded2)
        + (2 * 400) + (3 * F3) + (3 * F4) + (2 * F5) + 400 + F3 + F4 + F3) + (C1 * C2 * 25);

    /// <summary>
    /// Runs the images through the network with <paramref name="parameters"/> and adds the gradient of the summed
    /// cross-entropy loss into <paramref name="gradients"/>; returns the summed loss.
    /// </summary>
    public float Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradients, Span<float> workspace) =>
        Backward(parameters, inputs, labels, gradients, Span<float>.Empty, workspace);

    /// <summary>As above, also writing each image's probabilities into <paramref name="outputs"/> unless it is empty.</summary>
    public float Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradients, Span<float> outputs, Span<float> workspace)
    {
        int count = labels.Length;
        if (inputs.Length != count * InputLength || gradients.Length != _parameters.Length || parameters.Length != _parameters.Length)
        {
            throw new ArgumentException($"Expected {count} images of {InputLength} floats and {_parameters.Length} parameters and gradients.");
        }

        var layout = new TrainingLayout(workspace, _channels);
        layout.DeltaA2Padded.Clear();
        // dP1 = conv(pad(dA2), flip(W2)ᵀ): filters (6, 16, 5, 5), tap (ky, kx) from W2's (4 - ky, 4 - kx).
        ReadOnlySpan<float> w2 = parameters.Slice(_w2, C2 * C1 * 25);
        for (int k = 0; k < C2; k++)
        {
            for (int j = 0; j < C1; j++)
            {
                for (int t = 0; t < 25; t++)
                {
                    layout.FlippedW2[(((j * C2) + k) * 25) + t] = w2[(((k * C1) + j) * 25) + 24 - t];
                }
            }
        }

        float loss = 0;
        for (int start = 0; start < count; start += Lanes)
        {
            int n = Math.Min(Lanes, count - start);
            loss += BackwardBlock(parameters, inputs.Slice(start * InputLength, n * InputLength), labels.Slice(start, n), gradients, outputs.IsEmpty ? outputs : outputs.Slice(start * F5, n * F5), layout, n);
        }

        return loss;
    }

    private float BackwardBlock(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradients, Span<float> outputs, TrainingLayout s, int n)
    {
        int inLength = InputLength;
        if (n < Lanes)
        {
            s.X.Clear();
        }

        ref float xs = ref MemoryMarshal.GetReference(s.X);
        for (int image = 0; image < n; image++)
        {
            ReadOnlySpan<float> source = inputs.Slice(image * inLength, inLength);
            for (int i = 0; i < inLength; i++)
            {
                Unsafe.Add(ref xs, (i * Lanes) + image) = source[i];
            }
        }

        // Forward, keeping what backward reads.
        Convolve(s.X, _channels, 32, parameters.Slice(_w1, C1 * _channels * 25), parameters.Slice(_b1, C1), C1, s.P1, s.A1, plain: false);
        Convolve(s.P1, C1, 14, parameters.Slice(_w2, C2 * C1 * 25), parameters.Slice(_b2, C2), C2, s.P2, s.A2, plain: false);
        Dense(s.P2, 400, parameters.Slice(_w3, F3 * 400), parameters.Slice(_b3, F3), F3, s.A3, relu: true);
        Dense(s.A3, F3, parameters.Slice(_w4, F4 * F3), parameters.Slice(_b4, F4), F4, s.A4, relu: true);
        Dense(s.A4, F4, parameters.Slice(_w5, F5 * F4), parameters.Slice(_b5, F5), F5, s.Z5, relu: false);

        // Softmax and cross-entropy fused: dZ = p - onehot(label); lanes without an image stay zero.
        s.DeltaZ5.Clear();
        Span<float> row = stackalloc float[F5];
        float loss = 0;
        for (int image = 0; image < n; image++)
        {
            for (int o = 0; o < F5; o++)
            {
                row[o] = s.Z5[(o * Lanes) + image];
            }

            GeneratedCodeSupport.Softmax(row);
            if (!outputs.IsEmpty)
            {
                row.CopyTo(outputs.Slice(image * F5, F5));
            }

            int label = labels[image];
            loss += GeneratedCodeSupport.NegativeLog(row[label]);
            row[label] -= 1f;
            for (int o = 0; o < F5; o++)
            {
                s.DeltaZ5[(o * Lanes) + image] = row[o];
            }
        }

        Transpose(s.P2, 400, s.P2T);
        Transpose(s.A3, F3, s.A3T);
        Transpose(s.A4, F4, s.A4T);
        DenseBackward(s.DeltaZ5, s.A4, s.A4T, parameters.Slice(_w5, F5 * F4), gradients.Slice(_w5, F5 * F4), gradients.Slice(_b5, F5), s.DeltaA4, F4, F5, s.DeltaT, maskByInput: true);
        DenseBackward(s.DeltaA4, s.A3, s.A3T, parameters.Slice(_w4, F4 * F3), gradients.Slice(_w4, F4 * F3), gradients.Slice(_b4, F4), s.DeltaA3, F3, F4, s.DeltaT, maskByInput: true);
        DenseBackward(s.DeltaA3, s.P2, s.P2T, parameters.Slice(_w3, F3 * 400), gradients.Slice(_w3, F3 * 400), gradients.Slice(_b3, F3), s.DeltaP2, 400, F3, s.DeltaT, maskByInput: false);

        // POOL2 and CONV2's ReLU, into the interior of the zero-padded gradient.
        PoolBackward(s.DeltaP2, s.A2, C2, 5, s.DeltaA2Padded, Padded2, 4);
        ConvWeightBackward(s.DeltaA2Padded, Padded2, 4, s.P1, 14, C1, C2, 10, gradients.Slice(_w2, C2 * C1 * 25), gradients.Slice(_b2, C2));
        Convolve(s.DeltaA2Padded, C2, Padded2, s.FlippedW2, ReadOnlySpan<float>.Empty, C1, Span<float>.Empty, s.DeltaP1, plain: true);
        PoolBackward(s.DeltaP1, s.A1, C1, 14, s.DeltaA1, 28, 0);
        ConvWeightBackward(s.DeltaA1, 28, 0, s.X, 32, _channels, C1, 28, gradients.Slice(_w1, C1 * _channels * 25), gradients.Slice(_b1, C1));
        return loss;
    }

    /// <summary>[rows][16] -> [16][rows]: the per-image rows the dense weight gradient reads.</summary>
    private static void Transpose(ReadOnlySpan<float> lanes, int rows, Span<float> images)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int l = 0; l < Lanes; l++)
            {
                images[(l * rows) + r] = lanes[(r * Lanes) + l];
            }
        }
    }

    /// <summary>
    /// Dense backward over a block: db += Σ dz; dW[o][i] += Σ_images dz[o]·x[i]; dx[i] = Σ_o W[o][i]·dz[o], times the
    /// ReLU mask of x (x &gt; 0) when x is a ReLU output.
    /// </summary>
    private static void DenseBackward(ReadOnlySpan<float> dz, ReadOnlySpan<float> x, ReadOnlySpan<float> xT, ReadOnlySpan<float> w, Span<float> dw, Span<float> db, Span<float> dx, int inputs, int outputs, Span<float> dzT, bool maskByInput)
    {
        ref float dzs = ref MemoryMarshal.GetReference(dz);
        for (int o = 0; o < outputs; o++)
        {
            db[o] += Vector512.Sum(Vector512.LoadUnsafe(ref dzs, (nuint)(o * Lanes)));
        }

        Transpose(dz, outputs, dzT);
        ref float dzTs = ref MemoryMarshal.GetReference(dzT);
        ref float xTs = ref MemoryMarshal.GetReference(xT);
        ref float dws = ref MemoryMarshal.GetReference(dw);
        int i = 0;
        for (; i <= inputs - Lanes; i += Lanes)
        {
            int o = 0;
            for (; o <= outputs - 4; o += 4)
            {
                Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
                for (int l = 0; l < Lanes; l++)
                {
                    Vector512<float> xv = Vector512.LoadUnsafe(ref xTs, (nuint)((l * inputs) + i));
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
                    s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xTs, (nuint)((l * inputs) + i)), Vector512.Create(Unsafe.Add(ref dzTs, (l * outputs) + o)), s0);
                }

                AddTo(s0, ref dws, (o * inputs) + i);
            }
        }

        for (; i < inputs; i++)
        {
            Vector512<float> xv = Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(x), (nuint)(i * Lanes));
            for (int o = 0; o < outputs; o++)
            {
                dw[(o * inputs) + i] += Vector512.Sum(xv * Vector512.LoadUnsafe(ref dzs, (nuint)(o * Lanes)));
            }
        }

        ref float ws = ref MemoryMarshal.GetReference(w);
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float dxs = ref MemoryMarshal.GetReference(dx);
        int j = 0;
        for (; j <= inputs - 8; j += 8)
        {
            Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (int o = 0; o < outputs; o++)
            {
                Vector512<float> d = Vector512.LoadUnsafe(ref dzs, (nuint)(o * Lanes));
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

            StoreMasked(s0, ref xs, ref dxs, j, maskByInput);
            StoreMasked(s1, ref xs, ref dxs, j + 1, maskByInput);
            StoreMasked(s2, ref xs, ref dxs, j + 2, maskByInput);
            StoreMasked(s3, ref xs, ref dxs, j + 3, maskByInput);
            StoreMasked(s4, ref xs, ref dxs, j + 4, maskByInput);
            StoreMasked(s5, ref xs, ref dxs, j + 5, maskByInput);
            StoreMasked(s6, ref xs, ref dxs, j + 6, maskByInput);
            StoreMasked(s7, ref xs, ref dxs, j + 7, maskByInput);
        }

        for (; j < inputs; j++)
        {
            Vector512<float> s0 = Vector512<float>.Zero;
            for (int o = 0; o < outputs; o++)
            {
                s0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref dzs, (nuint)(o * Lanes)), Vector512.Create(Unsafe.Add(ref ws, (o * inputs) + j)), s0);
            }

            StoreMasked(s0, ref xs, ref dxs, j, maskByInput);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo(Vector512<float> value, ref float destination, int at) =>
        (Vector512.LoadUnsafe(ref destination, (nuint)at) + value).StoreUnsafe(ref destination, (nuint)at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreMasked(Vector512<float> value, ref float x, ref float dx, int i, bool maskByInput)
    {
        if (maskByInput)
        {
            value = Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512.LoadUnsafe(ref x, (nuint)(i * Lanes)), Vector512<float>.Zero), value, Vector512<float>.Zero);
        }

        value.StoreUnsafe(ref dx, (nuint)(i * Lanes));
    }

    /// <summary>
    /// 2x2 max-pool backward fused with the ReLU before it: each window's gradient goes to its first maximum (as in the
    /// generated kernels), and only where that ReLU output is positive. a is [c][2ph][2ph][16]; the result lands in
    /// da [c][size][size][16] at (offset + y, offset + x), so it can fill the interior of a zero-padded buffer.
    /// </summary>
    private static void PoolBackward(ReadOnlySpan<float> dp, ReadOnlySpan<float> a, int channels, int ph, Span<float> da, int size, int offset)
    {
        int side = 2 * ph;
        ref float dps = ref MemoryMarshal.GetReference(dp);
        ref float @as = ref MemoryMarshal.GetReference(a);
        ref float das = ref MemoryMarshal.GetReference(da);
        for (int c = 0; c < channels; c++)
        {
            for (int py = 0; py < ph; py++)
            {
                for (int px = 0; px < ph; px++)
                {
                    Vector512<float> g = Vector512.LoadUnsafe(ref dps, (nuint)((((c * ph) + py) * ph + px) * Lanes));
                    int ai = (((c * side) + (2 * py)) * side + (2 * px)) * Lanes;
                    Vector512<float> v0 = Vector512.LoadUnsafe(ref @as, (nuint)ai);
                    Vector512<float> v1 = Vector512.LoadUnsafe(ref @as, (nuint)(ai + Lanes));
                    Vector512<float> v2 = Vector512.LoadUnsafe(ref @as, (nuint)(ai + (side * Lanes)));
                    Vector512<float> v3 = Vector512.LoadUnsafe(ref @as, (nuint)(ai + (side * Lanes) + Lanes));
                    // Owner masks of the first maximum, scanning 0, 1, 2, 3 with strict "greater than".
                    Vector512<float> best = v0;
                    Vector512<float> m1 = Vector512.GreaterThan(v1, best);
                    best = Vector512.ConditionalSelect(m1, v1, best);
                    Vector512<float> m2 = Vector512.GreaterThan(v2, best);
                    best = Vector512.ConditionalSelect(m2, v2, best);
                    Vector512<float> m3 = Vector512.GreaterThan(v3, best);
                    Vector512<float> o3 = m3;
                    Vector512<float> o2 = Vector512.AndNot(m2, m3);
                    Vector512<float> o1 = Vector512.AndNot(Vector512.AndNot(m1, m2), m3);
                    Vector512<float> o0 = ~(m1 | m2 | m3);
                    int di = (((c * size) + offset + (2 * py)) * size + offset + (2 * px)) * Lanes;
                    Vector512<float> zero = Vector512<float>.Zero;
                    (g & o0 & Vector512.GreaterThan(v0, zero)).StoreUnsafe(ref das, (nuint)di);
                    (g & o1 & Vector512.GreaterThan(v1, zero)).StoreUnsafe(ref das, (nuint)(di + Lanes));
                    (g & o2 & Vector512.GreaterThan(v2, zero)).StoreUnsafe(ref das, (nuint)(di + (size * Lanes)));
                    (g & o3 & Vector512.GreaterThan(v3, zero)).StoreUnsafe(ref das, (nuint)(di + (size * Lanes) + Lanes));
                }
            }
        }
    }

    /// <summary>
    /// Convolution weight and bias gradients over a block: dW[o][c][ky][kx] += Σ_{y,x,images} dy[o][y][x]·x[c][y+ky][x+kx].
    /// dy is [oc][size][size][16] read at (offset + y, offset + x) for y, x below <paramref name="outSize"/>. Two output
    /// channels by five kernel columns are ten 16-lane accumulators, summed across lanes once per block.
    /// </summary>
    private static void ConvWeightBackward(ReadOnlySpan<float> dy, int size, int offset, ReadOnlySpan<float> x, int inSize, int ic, int oc, int outSize, Span<float> dw, Span<float> db)
    {
        ref float dys = ref MemoryMarshal.GetReference(dy);
        ref float xs = ref MemoryMarshal.GetReference(x);
        for (int o = 0; o < oc; o++)
        {
            Vector512<float> bias = Vector512<float>.Zero;
            for (int y = 0; y < outSize; y++)
            {
                for (int xo = 0; xo < outSize; xo++)
                {
                    bias += Vector512.LoadUnsafe(ref dys, (nuint)(((((o * size) + offset + y) * size) + offset + xo) * Lanes));
                }
            }

            db[o] += Vector512.Sum(bias);
        }

        for (int o = 0; o < oc; o += 2)
        {
            for (int c = 0; c < ic; c++)
            {
                for (int ky = 0; ky < K; ky++)
                {
                    Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0;
                    Vector512<float> b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0;
                    for (int y = 0; y < outSize; y++)
                    {
                        ref float d0 = ref Unsafe.Add(ref dys, ((((o * size) + offset + y) * size) + offset) * Lanes);
                        ref float d1 = ref Unsafe.Add(ref d0, size * size * Lanes);
                        ref float xr = ref Unsafe.Add(ref xs, (((c * inSize) + y + ky) * inSize) * Lanes);
                        Vector512<float> x0 = Vector512.LoadUnsafe(ref xr);
                        Vector512<float> x1 = Vector512.LoadUnsafe(ref xr, Lanes);
                        Vector512<float> x2 = Vector512.LoadUnsafe(ref xr, 2 * Lanes);
                        Vector512<float> x3 = Vector512.LoadUnsafe(ref xr, 3 * Lanes);
                        for (int xo = 0; xo < outSize; xo++)
                        {
                            Vector512<float> x4 = Vector512.LoadUnsafe(ref xr, (nuint)((xo + 4) * Lanes));
                            Vector512<float> g0 = Vector512.LoadUnsafe(ref d0, (nuint)(xo * Lanes));
                            Vector512<float> g1 = Vector512.LoadUnsafe(ref d1, (nuint)(xo * Lanes));
                            a0 = Vector512.FusedMultiplyAdd(g0, x0, a0);
                            a1 = Vector512.FusedMultiplyAdd(g0, x1, a1);
                            a2 = Vector512.FusedMultiplyAdd(g0, x2, a2);
                            a3 = Vector512.FusedMultiplyAdd(g0, x3, a3);
                            a4 = Vector512.FusedMultiplyAdd(g0, x4, a4);
                            b0 = Vector512.FusedMultiplyAdd(g1, x0, b0);
                            b1 = Vector512.FusedMultiplyAdd(g1, x1, b1);
                            b2 = Vector512.FusedMultiplyAdd(g1, x2, b2);
                            b3 = Vector512.FusedMultiplyAdd(g1, x3, b3);
                            b4 = Vector512.FusedMultiplyAdd(g1, x4, b4);
                            x0 = x1;
                            x1 = x2;
                            x2 = x3;
                            x3 = x4;
                        }
                    }

                    int at = (((o * ic) + c) * 25) + (ky * K);
                    int next = at + (ic * 25);
                    dw[at] += Vector512.Sum(a0);
                    dw[at + 1] += Vector512.Sum(a1);
                    dw[at + 2] += Vector512.Sum(a2);
                    dw[at + 3] += Vector512.Sum(a3);
                    dw[at + 4] += Vector512.Sum(a4);
                    dw[next] += Vector512.Sum(b0);
                    dw[next + 1] += Vector512.Sum(b1);
                    dw[next + 2] += Vector512.Sum(b2);
                    dw[next + 3] += Vector512.Sum(b3);
                    dw[next + 4] += Vector512.Sum(b4);
                }
            }
        }
    }

    /// <summary>Slices of the training workspace, in the order <see cref="TrainingWorkspaceLength"/> counts them.</summary>
    private readonly ref struct TrainingLayout
    {
        public readonly Span<float> X, A1, P1, A2, P2, A3, A4, Z5;
        public readonly Span<float> DeltaZ5, DeltaA4, DeltaA3, DeltaP2, DeltaA2Padded, DeltaP1, DeltaA1;
        public readonly Span<float> P2T, A3T, A4T, DeltaT, FlippedW2;

        public TrainingLayout(Span<float> workspace, int channels)
        {
            int at = 0;
            static Span<float> Take(Span<float> all, int length, scoped ref int at)
            {
                Span<float> slice = all.Slice(at, length);
                at += length;
                return slice;
            }

            X = Take(workspace, Lanes * channels * 1024, ref at);
            A1 = Take(workspace, Lanes * C1 * 784, ref at);
            P1 = Take(workspace, Lanes * C1 * 196, ref at);
            A2 = Take(workspace, Lanes * C2 * 100, ref at);
            P2 = Take(workspace, Lanes * 400, ref at);
            A3 = Take(workspace, Lanes * F3, ref at);
            A4 = Take(workspace, Lanes * F4, ref at);
            Z5 = Take(workspace, Lanes * F5, ref at);
            DeltaZ5 = Take(workspace, Lanes * F5, ref at);
            DeltaA4 = Take(workspace, Lanes * F4, ref at);
            DeltaA3 = Take(workspace, Lanes * F3, ref at);
            DeltaP2 = Take(workspace, Lanes * 400, ref at);
            DeltaA2Padded = Take(workspace, Lanes * C2 * Padded2 * Padded2, ref at);
            DeltaP1 = Take(workspace, Lanes * C1 * 196, ref at);
            DeltaA1 = Take(workspace, Lanes * C1 * 784, ref at);
            P2T = Take(workspace, Lanes * 400, ref at);
            A3T = Take(workspace, Lanes * F3, ref at);
            A4T = Take(workspace, Lanes * F4, ref at);
            DeltaT = Take(workspace, Lanes * F3, ref at);
            FlippedW2 = Take(workspace, C1 * C2 * 25, ref at);
        }
    }
}
