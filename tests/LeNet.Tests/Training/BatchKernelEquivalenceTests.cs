using System;
using Xunit;

namespace LeNet.Tests.Training;

/// <summary>
/// The batched backward kernels that replaced longer routes, against those routes bit for bit: the stride-1 input
/// gradient against the framed convolution of the dilated output gradient, the weight gradient (sliding or general
/// tile) against each lane's fused sum over positions in order, the dense weight gradient against each weight's fused
/// sum over the block's images, and the pool backward with the ReLU mask of the layer
/// before it against a scalar loop that routes and then masks.
/// </summary>
public sealed class BatchKernelEquivalenceTests
{
    private const int Lanes = BatchKernels.Lanes;

    [Theory]
    [InlineData(16, 10, 10, 6, 5)] // LeNet-5's CONV2: two channel groups (4 + 2), a 14-wide row in tiles of 4 and a tail of 2
    [InlineData(6, 28, 28, 1, 5)] // a single input channel, a 32-wide row
    [InlineData(3, 5, 7, 7, 3)] // 7 channels (4 + 3), rows of 9
    [InlineData(2, 1, 1, 5, 2)] // a 1×1 output gradient: every dx column is an edge
    [InlineData(4, 6, 3, 2, 4)] // a kernel wider than the output gradient
    public void Stride_one_input_gradient_equals_the_framed_convolution_of_the_dilated_gradient(int outC, int outH, int outW, int inC, int kernel)
    {
        var random = new Random(outC + (7 * outH) + (31 * inC) + kernel);
        int inH = outH + kernel - 1, inW = outW + kernel - 1;
        float[] dy = Values(random, outC * outH * outW * Lanes);
        float[] w = Values(random, outC * inC * kernel * kernel);

        var actual = new float[inC * inH * inW * Lanes];
        Array.Fill(actual, float.NaN);
        BatchKernels.ConvInputGradient(dy, outC, outH, outW, w, inC, kernel, actual, inH, inW);

        int dilatedH = inH + kernel - 1, dilatedW = inW + kernel - 1;
        var dilated = new float[outC * dilatedH * dilatedW * Lanes];
        var flipped = new float[w.Length];
        var expected = new float[actual.Length];
        BatchKernels.FlipFilters(w, outC, inC, kernel, flipped);
        BatchKernels.Dilate(dy, outC, outH, outW, kernel, 1, inH, inW, dilated);
        BatchKernels.Conv(dilated, outC, dilatedH, dilatedW, flipped, ReadOnlySpan<float>.Empty, inC, kernel, 1, expected, inH, inW, relu: false,
            dataFrom: kernel - 1, dataTo: kernel + outH - 1);

        AssertBits(expected, actual);
    }

    [Theory]
    [InlineData(16, 10, 10, 6, 5, 1)] // LeNet-5's CONV2: the sliding 4 × 5 tile
    [InlineData(6, 28, 28, 1, 5, 1)] // LeNet-5's CONV1: channel groups of 4 and 2
    [InlineData(3, 2, 1, 2, 10, 1)] // two 5-tap chunks per kernel row, a single output column
    [InlineData(5, 4, 6, 3, 3, 1)] // the general tile: taps in fours, the last group short
    [InlineData(2, 3, 3, 2, 5, 2)] // stride 2: the general tile
    public void Weight_gradient_is_each_lanes_fused_sum_over_positions_in_order(int outC, int outH, int outW, int inC, int kernel, int stride)
    {
        var random = new Random(outC + (11 * outW) + (13 * kernel) + stride);
        int inH = ((outH - 1) * stride) + kernel, inW = ((outW - 1) * stride) + kernel + 1;
        float[] dy = Values(random, outC * outH * outW * Lanes);
        float[] x = Values(random, inC * inH * inW * Lanes);
        float[] dw = Values(random, outC * inC * kernel * kernel);
        float[] db = Values(random, outC);
        float[] expectedW = (float[])dw.Clone(), expectedB = (float[])db.Clone();

        BatchKernels.ConvWeightGradient(dy, outC, outH, outW, x, inC, inH, inW, kernel, stride, dw, db);

        var lanes = new float[Lanes];
        for (int o = 0; o < outC; o++)
        {
            for (int c = 0; c < inC; c++)
            {
                for (int ky = 0; ky < kernel; ky++)
                {
                    for (int kx = 0; kx < kernel; kx++)
                    {
                        for (int lane = 0; lane < Lanes; lane++)
                        {
                            float sum = 0f;
                            for (int oy = 0; oy < outH; oy++)
                            {
                                for (int ox = 0; ox < outW; ox++)
                                {
                                    float g = dy[(((((o * outH) + oy) * outW) + ox) * Lanes) + lane];
                                    float v = x[(((((c * inH) + (oy * stride) + ky) * inW) + (ox * stride) + kx) * Lanes) + lane];
                                    sum = MathF.FusedMultiplyAdd(g, v, sum);
                                }
                            }

                            lanes[lane] = sum;
                        }

                        expectedW[(((((o * inC) + c) * kernel) + ky) * kernel) + kx] += System.Runtime.Intrinsics.Vector512.Sum(System.Runtime.Intrinsics.Vector512.Create(lanes));
                    }
                }
            }
        }

        AssertBits(expectedW, dw);
        for (int o = 0; o < outC; o++)
        {
            double sum = 0;
            for (int i = 0; i < outH * outW * Lanes; i++)
            {
                sum += dy[(o * outH * outW * Lanes) + i];
            }

            Assert.True(Math.Abs(db[o] - (expectedB[o] + sum)) <= 1e-4, $"db[{o}]: expected {expectedB[o] + sum}, got {db[o]}");
        }
    }

    [Theory]
    [InlineData(400, 120)] // LeNet-5's FC3: six 64-input tiles and one of 16
    [InlineData(120, 84)] // one 64-input tile, three of 16, eight inputs left over
    [InlineData(84, 10)] // outputs in fours and a tail of two, four inputs left over
    public void Dense_weight_gradient_is_each_weights_fused_sum_over_the_block_in_order(int inputs, int outputs)
    {
        var random = new Random(inputs + outputs);
        float[] dz = Values(random, outputs * Lanes), x = Values(random, inputs * Lanes), w = Values(random, inputs * outputs);
        float[] dw = Values(random, inputs * outputs), db = Values(random, outputs);
        float[] expected = (float[])dw.Clone();

        BatchKernels.DenseBackward(dz, x, w, inputs, outputs, Span<float>.Empty, dw, db, new float[(inputs + outputs) * Lanes]);

        int tiled = inputs / Lanes * Lanes;
        var products = new float[Lanes];
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                if (i < tiled)
                {
                    float sum = 0f;
                    for (int l = 0; l < Lanes; l++)
                    {
                        sum = MathF.FusedMultiplyAdd(x[(i * Lanes) + l], dz[(o * Lanes) + l], sum);
                    }

                    expected[(o * inputs) + i] += sum;
                }
                else
                {
                    // Inputs past the last whole 16: one lane-wise product of the block, summed across lanes.
                    for (int l = 0; l < Lanes; l++)
                    {
                        products[l] = x[(i * Lanes) + l] * dz[(o * Lanes) + l];
                    }

                    expected[(o * inputs) + i] += System.Runtime.Intrinsics.Vector512.Sum(System.Runtime.Intrinsics.Vector512.Create(products));
                }
            }
        }

        AssertBits(expected, dw);
    }

    [Fact]
    public void Input_gradient_rejects_a_dx_that_is_not_the_stride_one_size()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            BatchKernels.ConvInputGradient(new float[4 * 4 * Lanes], 1, 4, 4, new float[9], 1, 3, new float[7 * 7 * Lanes], 7, 7));
        Assert.Contains("ConvInputGradient", error.Message);
    }

    [Theory]
    [InlineData(false, 6, 28, 28, 2, 2)] // LeNet-5's POOL1: windows tile the input exactly
    [InlineData(false, 16, 10, 10, 2, 2)]
    [InlineData(false, 3, 5, 7, 2, 2)] // the last row and column belong to no window
    [InlineData(false, 2, 9, 9, 3, 2)] // overlapping windows
    [InlineData(false, 2, 8, 8, 2, 3)] // gaps between windows
    [InlineData(true, 3, 6, 6, 2, 2)]
    [InlineData(true, 2, 7, 7, 3, 3)]
    [InlineData(true, 2, 7, 7, 3, 2)]
    public void Pool_backward_with_the_ReLU_before_it_equals_routing_then_masking(bool average, int channels, int inH, int inW, int kernel, int stride)
    {
        var random = new Random(channels + (3 * inH) + (5 * kernel) + (average ? 1 : 0));
        int outH = ((inH - kernel) / stride) + 1, outW = ((inW - kernel) / stride) + 1;
        // A ReLU's output: a third of it zero, so some windows are all zeros (ties) and the mask matters.
        float[] x = Values(random, channels * inH * inW * Lanes);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = Math.Max(0f, x[i] - 0.3f);
        }

        float[] dy = Values(random, channels * outH * outW * Lanes);
        foreach (bool relu in new[] { false, true })
        {
            var actual = new float[x.Length];
            Array.Fill(actual, float.NaN);
            BatchKernels.PoolBackward(dy, x, channels, inH, inW, kernel, stride, actual, outH, outW, average, reluBefore: relu);
            AssertBits(ReferencePoolBackward(dy, x, channels, inH, inW, kernel, stride, outH, outW, average, relu), actual);
        }
    }

    /// <summary>Lane by lane: route each output's gradient (first strict maximum, or an even share), window by window, then mask.</summary>
    private static float[] ReferencePoolBackward(
        float[] dy, float[] x, int channels, int inH, int inW, int kernel, int stride, int outH, int outW, bool average, bool relu)
    {
        var dx = new float[x.Length];
        float scale = 1f / (kernel * kernel);
        for (int lane = 0; lane < Lanes; lane++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int oy = 0; oy < outH; oy++)
                {
                    for (int ox = 0; ox < outW; ox++)
                    {
                        float g = dy[((((c * outH) + oy) * outW) + ox) * Lanes + lane];
                        int owner = At(c, oy * stride, ox * stride);
                        for (int ky = 0; ky < kernel; ky++)
                        {
                            for (int kx = 0; kx < kernel; kx++)
                            {
                                int at = At(c, (oy * stride) + ky, (ox * stride) + kx);
                                if (average)
                                {
                                    dx[at] += g * scale;
                                }
                                else if (x[at] > x[owner])
                                {
                                    owner = at;
                                }
                            }
                        }

                        if (!average)
                        {
                            dx[owner] += g;
                        }
                    }
                }
            }

            int At(int c, int y, int xx) => ((((c * inH) + y) * inW) + xx) * Lanes + lane;
        }

        if (relu)
        {
            for (int i = 0; i < dx.Length; i++)
            {
                dx[i] = x[i] > 0f ? dx[i] : 0f;
            }
        }

        return dx;
    }

    private static float[] Values(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    private static void AssertBits(float[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            // +0 and −0 count as equal: a skipped term of zero can leave the sign of an all-zero sum different.
            bool same = BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]) || (expected[i] == 0f && actual[i] == 0f);
            Assert.True(same, $"float {i} (lane {i % Lanes}): expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
