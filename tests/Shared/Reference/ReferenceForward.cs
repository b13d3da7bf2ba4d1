using System;
using System.Numerics;

namespace LeNet.Tests.Reference;

/// <summary>
/// The naive forward pass of a <see cref="ReferenceNetwork"/> in any IEEE floating-point type: plain nested loops,
/// every index computed from sizes held in variables, padding by bounds checks rather than a padded copy. The
/// activations are allocated once, here, so <see cref="Forward"/> allocates nothing: the tests run it in double, the
/// benchmarks time it in float as the baseline the generated kernels are compared with.
/// </summary>
internal sealed class ReferenceForward<T>
    where T : struct, IFloatingPointIeee754<T>
{
    private readonly T[][] _outputs;

    public ReferenceForward(ReferenceNetwork network)
    {
        Network = network;
        _outputs = new T[network.Layers.Count][];
        for (int l = 0; l < _outputs.Length; l++)
        {
            _outputs[l] = new T[network.Layers[l].OutputLength];
        }
    }

    public ReferenceNetwork Network { get; }

    /// <summary>The output of layer <paramref name="layer"/> from the last <see cref="Forward"/>.</summary>
    public ReadOnlySpan<T> LayerOutput(int layer) => _outputs[layer];

    /// <summary>Runs every layer in order and returns the network's output (the last layer's, valid until the next call).</summary>
    public ReadOnlySpan<T> Forward(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input)
    {
        if (parameters.Length != Network.ParameterCount || input.Length != Network.InputLength)
        {
            throw new ArgumentException($"Expected {Network.ParameterCount} parameters and {Network.InputLength} inputs, got {parameters.Length} and {input.Length}.");
        }

        ReadOnlySpan<T> x = input;
        for (int l = 0; l < _outputs.Length; l++)
        {
            Span<T> y = _outputs[l];
            RunLayer(Network.Layers[l], parameters, x, y);
            x = y;
        }

        return x;
    }

    /// <summary>One layer on one example, a batch normalisation by its running statistics.</summary>
    internal static void RunLayer(RefShape s, ReadOnlySpan<T> parameters, ReadOnlySpan<T> x, Span<T> y)
    {
        ReadOnlySpan<T> w = parameters.Slice(s.WeightOffset, s.WeightLength);
        ReadOnlySpan<T> b = parameters.Slice(s.BiasOffset, s.BiasLength);
        switch (s.Layer)
        {
            case RefConv conv:
                Conv(x, s, conv, w, b, y);
                Activate(y, conv.Activation);
                break;
            case RefPool pool:
                Pool(x, s, pool, y);
                break;
            case RefDense dense:
                Dense(x, s, w, b, y);
                Activate(y, dense.Activation);
                break;
            case RefDropout dropout:
                Dropout(x, dropout, y);
                break;
            case RefBatchNorm batchNorm:
                ReadOnlySpan<T> statistics = parameters.Slice(s.StatisticsOffset, s.StatisticsLength);
                BatchNorm(x, s, batchNorm, w, b, statistics[..s.OutC], statistics[s.OutC..], y);
                Activate(y, batchNorm.Activation);
                break;
            default:
                throw new InvalidOperationException($"Expected a RefConv, RefPool, RefDense, RefDropout or RefBatchNorm, got {s.Layer}.");
        }
    }

    // DROPOUT: y = x at inference; y_i = x_i * scale_i under a training mask.
    private static void Dropout(ReadOnlySpan<T> x, RefDropout dropout, Span<T> y)
    {
        x.CopyTo(y);
        if (dropout.Scale is not { } scale)
        {
            return;
        }

        for (int i = 0; i < y.Length; i++)
        {
            y[i] *= T.CreateChecked(scale[i]);
        }
    }

    // BATCHNORM: y = γ (x − mean) / sqrt(var + ε) + β per channel c, over the H·W positions of that channel.
    internal static void BatchNorm(ReadOnlySpan<T> x, RefShape s, RefBatchNorm batchNorm, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta,
        ReadOnlySpan<T> mean, ReadOnlySpan<T> variance, Span<T> y)
    {
        int plane = s.OutH * s.OutW;
        T epsilon = T.CreateChecked((float)batchNorm.Epsilon);
        for (int c = 0; c < s.OutC; c++)
        {
            for (int p = 0; p < plane; p++)
            {
                int i = c * plane + p;
                y[i] = gamma[c] * (x[i] - mean[c]) / T.Sqrt(variance[c] + epsilon) + beta[c];
            }
        }
    }

    // CONV: x (C,H,W) -> y (F,OH,OW); w (F,C,K,K), b (F). Taps outside the input read zero padding.
    private static void Conv(ReadOnlySpan<T> x, RefShape s, RefConv conv, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
    {
        int k = conv.Kernel;
        for (int f = 0; f < s.OutC; f++)
        {
            for (int oy = 0; oy < s.OutH; oy++)
            {
                for (int ox = 0; ox < s.OutW; ox++)
                {
                    T sum = b[f];
                    for (int c = 0; c < s.InC; c++)
                    {
                        for (int ky = 0; ky < k; ky++)
                        {
                            int iy = oy * conv.Stride + ky - conv.Padding;
                            if (iy < 0 || iy >= s.InH)
                            {
                                continue;
                            }

                            for (int kx = 0; kx < k; kx++)
                            {
                                int ix = ox * conv.Stride + kx - conv.Padding;
                                if (ix >= 0 && ix < s.InW)
                                {
                                    sum += x[(c * s.InH + iy) * s.InW + ix] * w[((f * s.InC + c) * k + ky) * k + kx];
                                }
                            }
                        }
                    }

                    y[(f * s.OutH + oy) * s.OutW + ox] = sum;
                }
            }
        }
    }

    // POOL: x (C,H,W) -> y (C,OH,OW); max or mean over each Size x Size window.
    private static void Pool(ReadOnlySpan<T> x, RefShape s, RefPool pool, Span<T> y)
    {
        T area = T.CreateChecked(pool.Size * pool.Size);
        for (int c = 0; c < s.InC; c++)
        {
            for (int oy = 0; oy < s.OutH; oy++)
            {
                for (int ox = 0; ox < s.OutW; ox++)
                {
                    T acc = pool.Max ? T.NegativeInfinity : T.Zero;
                    for (int ky = 0; ky < pool.Size; ky++)
                    {
                        for (int kx = 0; kx < pool.Size; kx++)
                        {
                            T v = x[(c * s.InH + oy * pool.Stride + ky) * s.InW + ox * pool.Stride + kx];
                            acc = pool.Max ? T.Max(acc, v) : acc + v;
                        }
                    }

                    y[(c * s.OutH + oy) * s.OutW + ox] = pool.Max ? acc : acc / area;
                }
            }
        }
    }

    // DENSE: x (IN) -> y (OUT); w (OUT,IN), b (OUT).
    private static void Dense(ReadOnlySpan<T> x, RefShape s, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y)
    {
        for (int o = 0; o < s.OutC; o++)
        {
            T sum = b[o];
            for (int i = 0; i < x.Length; i++)
            {
                sum += w[o * x.Length + i] * x[i];
            }

            y[o] = sum;
        }
    }

    internal static void Activate(Span<T> z, Activation activation)
    {
        switch (activation)
        {
            case Activation.ReLU:
                for (int i = 0; i < z.Length; i++)
                {
                    z[i] = T.Max(T.Zero, z[i]);
                }

                break;
            case Activation.Tanh:
                for (int i = 0; i < z.Length; i++)
                {
                    z[i] = T.Tanh(z[i]);
                }

                break;
            case Activation.Sigmoid:
                for (int i = 0; i < z.Length; i++)
                {
                    z[i] = T.One / (T.One + T.Exp(-z[i]));
                }

                break;
            case Activation.Softmax:
                T max = T.NegativeInfinity, sum = T.Zero;
                foreach (T v in z)
                {
                    max = T.Max(max, v);
                }

                for (int i = 0; i < z.Length; i++)
                {
                    z[i] = T.Exp(z[i] - max);
                    sum += z[i];
                }

                for (int i = 0; i < z.Length; i++)
                {
                    z[i] /= sum;
                }

                break;
        }
    }
}
