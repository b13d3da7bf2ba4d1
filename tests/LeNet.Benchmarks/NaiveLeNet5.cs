using System;

namespace LeNet.Benchmarks;

/// <summary>
/// The baseline: LeNet-5 as one would first write it, in float with plain nested loops, indexing computed from sizes
/// held in variables rather than constants. Same parameter layout as the generated networks (PyTorch order), so both
/// run on the same weights. Buffers are allocated once, so the comparison is about the kernels, not the GC.
/// </summary>
internal sealed class NaiveLeNet5
{
    private const int Size = 32, K = 5, C1 = 6, C2 = 16, F3 = 120, F4 = 84, F5 = 10;

    private readonly int _channels;
    private readonly float[] _parameters;
    private readonly float[] _conv1, _pool1, _conv2, _pool2, _fc3, _fc4;

    public NaiveLeNet5(int channels)
    {
        _channels = channels;
        _parameters = new float[ParameterCount(channels)];
        _conv1 = new float[C1 * 28 * 28];
        _pool1 = new float[C1 * 14 * 14];
        _conv2 = new float[C2 * 10 * 10];
        _pool2 = new float[C2 * 5 * 5];
        _fc3 = new float[F3];
        _fc4 = new float[F4];
    }

    public Span<float> Parameters => _parameters;

    public static int ParameterCount(int channels) =>
        (C1 * channels * K * K) + C1 + (C2 * C1 * K * K) + C2 + (F3 * C2 * 5 * 5) + F3 + (F4 * F3) + F4 + (F5 * F4) + F5;

    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        int offset = 0;
        ReadOnlySpan<float> Take(int n, ref int at)
        {
            ReadOnlySpan<float> slice = _parameters.AsSpan(at, n);
            at += n;
            return slice;
        }

        ReadOnlySpan<float> w1 = Take(C1 * _channels * K * K, ref offset), b1 = Take(C1, ref offset);
        ReadOnlySpan<float> w2 = Take(C2 * C1 * K * K, ref offset), b2 = Take(C2, ref offset);
        ReadOnlySpan<float> w3 = Take(F3 * C2 * 25, ref offset), b3 = Take(F3, ref offset);
        ReadOnlySpan<float> w4 = Take(F4 * F3, ref offset), b4 = Take(F4, ref offset);
        ReadOnlySpan<float> w5 = Take(F5 * F4, ref offset), b5 = Take(F5, ref offset);

        Conv(input, _channels, Size, Size, w1, b1, C1, K, _conv1);
        MaxPool2(_conv1, C1, 28, 28, _pool1);
        Conv(_pool1, C1, 14, 14, w2, b2, C2, K, _conv2);
        MaxPool2(_conv2, C2, 10, 10, _pool2);
        Dense(_pool2, w3, b3, _fc3, relu: true);
        Dense(_fc3, w4, b4, _fc4, relu: true);
        Dense(_fc4, w5, b5, output, relu: false);
        Softmax(output);
    }

    // CONV + ReLU: x (c,h,w) -> y (f,h-k+1,w-k+1); w (f,c,k,k), b (f); stride 1, no padding.
    private static void Conv(ReadOnlySpan<float> x, int c, int h, int w, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int f, int k, Span<float> y)
    {
        int oh = h - k + 1, ow = w - k + 1;
        for (int o = 0; o < f; o++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    float sum = bias[o];
                    for (int i = 0; i < c; i++)
                    {
                        for (int ky = 0; ky < k; ky++)
                        {
                            for (int kx = 0; kx < k; kx++)
                            {
                                sum += x[((i * h) + oy + ky) * w + ox + kx] * weights[(((o * c) + i) * k + ky) * k + kx];
                            }
                        }
                    }

                    y[((o * oh) + oy) * ow + ox] = MathF.Max(sum, 0f);
                }
            }
        }
    }

    // MAXPOOL 2x2, stride 2: x (c,h,w) -> y (c,h/2,w/2).
    private static void MaxPool2(ReadOnlySpan<float> x, int c, int h, int w, Span<float> y)
    {
        int oh = h / 2, ow = w / 2;
        for (int i = 0; i < c; i++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    int at = ((i * h) + 2 * oy) * w + 2 * ox;
                    y[((i * oh) + oy) * ow + ox] = MathF.Max(MathF.Max(x[at], x[at + 1]), MathF.Max(x[at + w], x[at + w + 1]));
                }
            }
        }
    }

    // DENSE: x (in) -> y (out); w (out,in), b (out); optional ReLU.
    private static void Dense(ReadOnlySpan<float> x, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> y, bool relu)
    {
        for (int o = 0; o < y.Length; o++)
        {
            float sum = bias[o];
            for (int i = 0; i < x.Length; i++)
            {
                sum += weights[o * x.Length + i] * x[i];
            }

            y[o] = relu ? MathF.Max(sum, 0f) : sum;
        }
    }

    private static void Softmax(Span<float> z)
    {
        float max = float.NegativeInfinity, sum = 0f;
        foreach (float v in z)
        {
            max = MathF.Max(max, v);
        }

        for (int i = 0; i < z.Length; i++)
        {
            z[i] = MathF.Exp(z[i] - max);
            sum += z[i];
        }

        for (int i = 0; i < z.Length; i++)
        {
            z[i] /= sum;
        }
    }
}
