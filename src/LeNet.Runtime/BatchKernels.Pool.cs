using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LeNet;

/// <summary>Max and average pooling over a block, any window and stride.</summary>
public static partial class BatchKernels
{
    /// <summary>
    /// y [c][oh][ow][Lanes] = the maximum (or, with <paramref name="average"/>, the mean) of each k×k window of
    /// x [c][ih][iw][Lanes] at stride <paramref name="stride"/>, taps scanned row by row as the per-image kernels do.
    /// </summary>
    public static void Pool(ReadOnlySpan<float> x, int channels, int inH, int inW, int kernel, int stride, Span<float> y, int outH, int outW, bool average)
    {
        Require(x.Length >= channels * inH * inW * Lanes && y.Length >= channels * outH * outW * Lanes
            && ((outH - 1) * stride) + kernel <= inH && ((outW - 1) * stride) + kernel <= inW, "Pool");
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        Vector512<float> scale = Vector512.Create(1f / (kernel * kernel));
        int yi = 0;
        for (int c = 0; c < channels; c++)
        {
            for (int oy = 0; oy < outH; oy++)
            {
                for (int ox = 0; ox < outW; ox++)
                {
                    int corner = ((((c * inH) + (oy * stride)) * inW) + (ox * stride)) * Lanes;
                    Vector512<float> value;
                    if (average)
                    {
                        value = Vector512<float>.Zero;
                        for (int ky = 0; ky < kernel; ky++)
                        {
                            int row = corner + (ky * inW * Lanes);
                            for (int kx = 0; kx < kernel; kx++)
                            {
                                value += Load(ref xs, row + (kx * Lanes));
                            }
                        }

                        value *= scale;
                    }
                    else
                    {
                        value = Load(ref xs, corner);
                        for (int ky = 0; ky < kernel; ky++)
                        {
                            int row = corner + (ky * inW * Lanes);
                            for (int kx = 0; kx < kernel; kx++)
                            {
                                value = Vector512.Max(value, Load(ref xs, row + (kx * Lanes)));
                            }
                        }
                    }

                    Store(value, ref ys, yi);
                    yi += Lanes;
                }
            }
        }
    }

    /// <summary>
    /// The pool's input gradient, overwriting dx: a max pool gives each output's gradient to its window's first maximum
    /// (strictly greater replaces, as in the per-image kernels); an average pool shares it evenly. Overlapping windows add up.
    /// With <paramref name="reluBefore"/> the layer before the pool applied ReLU (x is its output), and its backward is
    /// done here too: dx is zero where x is not positive, as <see cref="ActivationBackward"/> would make it. Windows that
    /// do not overlap store each input's gradient once, without clearing dx first or adding into it.
    /// </summary>
    public static void PoolBackward(
        ReadOnlySpan<float> dy, ReadOnlySpan<float> x, int channels, int inH, int inW, int kernel, int stride, Span<float> dx, int outH, int outW, bool average,
        bool reluBefore = false)
    {
        Require(dy.Length >= channels * outH * outW * Lanes && x.Length >= channels * inH * inW * Lanes && dx.Length >= channels * inH * inW * Lanes
            && ((outH - 1) * stride) + kernel <= inH && ((outW - 1) * stride) + kernel <= inW, "PoolBackward");
        int length = channels * inH * inW * Lanes;
        if (stride < kernel)
        {
            OverlappingPoolBackward(dy, x, channels, inH, inW, kernel, stride, dx, outH, outW, average);
            if (reluBefore)
            {
                GeneratedCodeSupport.ReluBackward(x[..length], dx[..length]);
            }

            return;
        }

        if (stride > kernel || outH * kernel != inH || outW * kernel != inW)
        {
            // Inputs no window reaches get no gradient.
            dx[..length].Clear();
        }

        ref float dys = ref MemoryMarshal.GetReference(dy);
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float dxs = ref MemoryMarshal.GetReference(dx);
        Vector512<float> scale = Vector512.Create(1f / (kernel * kernel));
        int gi = 0;
        for (int c = 0; c < channels; c++)
        {
            for (int oy = 0; oy < outH; oy++)
            {
                for (int ox = 0; ox < outW; ox++)
                {
                    int corner = ((((c * inH) + (oy * stride)) * inW) + (ox * stride)) * Lanes;
                    Vector512<float> g = Load(ref dys, gi);
                    gi += Lanes;
                    if (average)
                    {
                        g *= scale;
                        for (int ky = 0; ky < kernel; ky++)
                        {
                            int row = corner + (ky * inW * Lanes);
                            for (int kx = 0; kx < kernel; kx++)
                            {
                                Vector512<float> share = reluBefore ? g & Vector512.GreaterThan(Load(ref xs, row + (kx * Lanes)), Vector512<float>.Zero) : g;
                                Store(share, ref dxs, row + (kx * Lanes));
                            }
                        }

                        continue;
                    }

                    Vector512<float> owner = MaxOwner(ref xs, corner, inW, kernel);
                    Vector512<float> tap = Vector512<float>.Zero;
                    for (int ky = 0; ky < kernel; ky++)
                    {
                        int row = corner + (ky * inW * Lanes);
                        for (int kx = 0; kx < kernel; kx++)
                        {
                            Vector512<float> routed = g & Vector512.Equals(owner, tap);
                            if (reluBefore)
                            {
                                routed &= Vector512.GreaterThan(Load(ref xs, row + (kx * Lanes)), Vector512<float>.Zero);
                            }

                            Store(routed, ref dxs, row + (kx * Lanes));
                            tap += Vector512<float>.One;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Overlapping windows: each input adds the gradient of every window that takes it, into a cleared dx.</summary>
    private static void OverlappingPoolBackward(
        ReadOnlySpan<float> dy, ReadOnlySpan<float> x, int channels, int inH, int inW, int kernel, int stride, Span<float> dx, int outH, int outW, bool average)
    {
        ref float dys = ref MemoryMarshal.GetReference(dy);
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float dxs = ref MemoryMarshal.GetReference(dx);
        dx[..(channels * inH * inW * Lanes)].Clear();
        Vector512<float> scale = Vector512.Create(1f / (kernel * kernel));
        int gi = 0;
        for (int c = 0; c < channels; c++)
        {
            for (int oy = 0; oy < outH; oy++)
            {
                for (int ox = 0; ox < outW; ox++)
                {
                    int corner = ((((c * inH) + (oy * stride)) * inW) + (ox * stride)) * Lanes;
                    Vector512<float> g = Load(ref dys, gi);
                    gi += Lanes;
                    if (average)
                    {
                        g *= scale;
                        for (int ky = 0; ky < kernel; ky++)
                        {
                            int row = corner + (ky * inW * Lanes);
                            for (int kx = 0; kx < kernel; kx++)
                            {
                                AddTo(g, ref dxs, row + (kx * Lanes));
                            }
                        }

                        continue;
                    }

                    Vector512<float> owner = MaxOwner(ref xs, corner, inW, kernel);
                    Vector512<float> tap = Vector512<float>.Zero;
                    for (int ky = 0; ky < kernel; ky++)
                    {
                        int row = corner + (ky * inW * Lanes);
                        for (int kx = 0; kx < kernel; kx++)
                        {
                            AddTo(g & Vector512.Equals(owner, tap), ref dxs, row + (kx * Lanes));
                            tap += Vector512<float>.One;
                        }
                    }
                }
            }
        }
    }

    /// <summary>The owner of each lane's maximum in the window at <paramref name="corner"/>, as a tap number (taps row by row, as the per-image scan).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> MaxOwner(ref float xs, int corner, int inW, int kernel)
    {
        Vector512<float> best = Load(ref xs, corner);
        Vector512<float> owner = Vector512<float>.Zero;
        Vector512<float> tap = Vector512<float>.Zero;
        for (int ky = 0; ky < kernel; ky++)
        {
            int row = corner + (ky * inW * Lanes);
            for (int kx = 0; kx < kernel; kx++)
            {
                Vector512<float> value = Load(ref xs, row + (kx * Lanes));
                Vector512<float> greater = Vector512.GreaterThan(value, best);
                best = Vector512.ConditionalSelect(greater, value, best);
                owner = Vector512.ConditionalSelect(greater, tap, owner);
                tap += Vector512<float>.One;
            }
        }

        return owner;
    }
}
