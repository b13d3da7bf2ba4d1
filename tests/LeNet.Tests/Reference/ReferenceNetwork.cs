using System;
using System.Collections.Generic;

namespace LeNet.Tests.Reference;

/// <summary>One layer of a hand-written reference network.</summary>
internal abstract record RefLayer;

/// <summary>PyTorch <c>nn.Conv2d(in, Filters, Kernel, Stride, Padding)</c> then the activation.</summary>
internal sealed record RefConv(int Filters, int Kernel, int Stride = 1, int Padding = 0, Activation Activation = Activation.None) : RefLayer;

/// <summary>PyTorch <c>nn.MaxPool2d(Size, Stride)</c> or <c>nn.AvgPool2d(Size, Stride)</c>.</summary>
internal sealed record RefPool(bool Max, int Size, int Stride) : RefLayer;

/// <summary>PyTorch <c>nn.Linear(in, Units)</c> then the activation; reads (C,H,W) flattened.</summary>
internal sealed record RefDense(int Units, Activation Activation = Activation.None) : RefLayer;

/// <summary>
/// PyTorch <c>nn.Dropout(Rate)</c>: identity at inference; with <paramref name="Scale"/> (each activation's 0 or
/// 1 / (1 − rate), as one training mask drew it) the training forward pass under that mask.
/// </summary>
internal sealed record RefDropout(double Rate, float[]? Scale = null) : RefLayer;

/// <summary>Shapes and parameter offsets of one reference layer, worked out from the layer list alone.</summary>
internal sealed record RefShape(
    RefLayer Layer,
    string ClassName,
    int InC,
    int InH,
    int InW,
    int OutC,
    int OutH,
    int OutW,
    int WeightOffset,
    int WeightLength,
    int BiasOffset,
    int BiasLength)
{
    public int InputLength => InC * InH * InW;

    public int OutputLength => OutC * OutH * OutW;

    /// <summary>Inputs feeding one output, for PyTorch-like initialisation.</summary>
    public int FanIn => Layer switch
    {
        RefConv conv => InC * conv.Kernel * conv.Kernel,
        RefDense => InputLength,
        _ => 0,
    };
}

/// <summary>
/// The naive forward pass the generated code is checked against: double precision, plain nested loops, padding by
/// bounds checks rather than a padded copy. Shares no code with the generator, so the two cannot be wrong together.
/// </summary>
internal sealed class ReferenceNetwork
{
    public ReferenceNetwork(int channels, int height, int width, params RefLayer[] layers)
    {
        (InC, InH, InW) = (channels, height, width);
        var shapes = new List<RefShape>();
        int c = channels, h = height, w = width, offset = 0, weighted = 0;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (RefLayer layer in layers)
        {
            (int oc, int oh, int ow, int weights, int biases, string kind) = layer switch
            {
                RefConv v => (v.Filters, OutSize(h, v.Kernel, v.Stride, v.Padding), OutSize(w, v.Kernel, v.Stride, v.Padding), v.Filters * c * v.Kernel * v.Kernel, v.Filters, "Conv"),
                RefPool p => (c, OutSize(h, p.Size, p.Stride, 0), OutSize(w, p.Size, p.Stride, 0), 0, 0, "Pool"),
                RefDense d => (d.Units, 1, 1, d.Units * c * h * w, d.Units, "Fc"),
                RefDropout => (c, h, w, 0, 0, "Drop"),
                _ => throw new ArgumentException("Unknown layer " + layer),
            };

            // The documented naming: weighted layers are numbered; a pool takes its conv's number, a second pool gets 'b'.
            weighted += kind is "Pool" or "Drop" ? 0 : 1;
            string name = kind + weighted;
            for (char suffix = 'b'; !names.Add(name); suffix++)
            {
                name = kind + weighted + suffix;
            }

            bool dense = layer is RefDense;
            shapes.Add(new RefShape(layer, name, dense ? c * h * w : c, dense ? 1 : h, dense ? 1 : w, oc, oh, ow, offset, weights, offset + weights, biases));
            offset += weights + biases;
            (c, h, w) = (oc, oh, ow);
        }

        Layers = shapes;
        ParameterCount = offset;
    }

    public int InC { get; }

    public int InH { get; }

    public int InW { get; }

    public int InputLength => InC * InH * InW;

    public int OutputLength => Layers[^1].OutputLength;

    public int ParameterCount { get; }

    public IReadOnlyList<RefShape> Layers { get; }

    /// <summary>Fills weights and biases from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), PyTorch's default, so activations stay O(1).</summary>
    public void Initialize(Span<float> parameters, Random random)
    {
        foreach (RefShape shape in Layers)
        {
            double bound = shape.FanIn == 0 ? 0 : 1 / Math.Sqrt(shape.FanIn);
            for (int i = shape.WeightOffset; i < shape.BiasOffset + shape.BiasLength; i++)
            {
                parameters[i] = (float)((random.NextDouble() * 2 - 1) * bound);
            }
        }
    }

    /// <summary>Every layer's output, in layer order; the last is the network's output.</summary>
    public double[][] Run(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input) => Run(ToDouble(parameters), ToDouble(input));

    /// <summary>As <see cref="Run(ReadOnlySpan{float}, ReadOnlySpan{float})"/> in double precision throughout, for finite differences.</summary>
    public double[][] Run(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input)
    {
        double[] x = input.ToArray();
        var outputs = new double[Layers.Count][];
        for (int l = 0; l < Layers.Count; l++)
        {
            RefShape s = Layers[l];
            ReadOnlySpan<double> w = parameters.Slice(s.WeightOffset, s.WeightLength);
            ReadOnlySpan<double> b = parameters.Slice(s.BiasOffset, s.BiasLength);
            x = s.Layer switch
            {
                RefConv conv => Activate(Conv(x, s, conv, w, b), conv.Activation),
                RefPool pool => Pool(x, s, pool),
                RefDense dense => Activate(Dense(x, s, w, b), dense.Activation),
                RefDropout dropout => Dropout(x, dropout),
                _ => throw new InvalidOperationException(),
            };
            outputs[l] = x;
        }

        return outputs;
    }

    public static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }

    private static int OutSize(int n, int k, int s, int p) => ((n + 2 * p - k) / s) + 1;

    // CONV: x (C,H,W) -> y (F,OH,OW); w (F,C,K,K), b (F). Taps outside the input read zero padding.
    private static double[] Conv(double[] x, RefShape s, RefConv conv, ReadOnlySpan<double> w, ReadOnlySpan<double> b)
    {
        int k = conv.Kernel;
        var y = new double[s.OutputLength];
        for (int f = 0; f < s.OutC; f++)
        {
            for (int oy = 0; oy < s.OutH; oy++)
            {
                for (int ox = 0; ox < s.OutW; ox++)
                {
                    double sum = b[f];
                    for (int c = 0; c < s.InC; c++)
                    {
                        for (int ky = 0; ky < k; ky++)
                        {
                            for (int kx = 0; kx < k; kx++)
                            {
                                int iy = oy * conv.Stride + ky - conv.Padding;
                                int ix = ox * conv.Stride + kx - conv.Padding;
                                if (iy >= 0 && iy < s.InH && ix >= 0 && ix < s.InW)
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

        return y;
    }

    // POOL: x (C,H,W) -> y (C,OH,OW); max or mean over each Size x Size window.
    private static double[] Pool(double[] x, RefShape s, RefPool pool)
    {
        var y = new double[s.OutputLength];
        for (int c = 0; c < s.InC; c++)
        {
            for (int oy = 0; oy < s.OutH; oy++)
            {
                for (int ox = 0; ox < s.OutW; ox++)
                {
                    double acc = pool.Max ? double.NegativeInfinity : 0;
                    for (int ky = 0; ky < pool.Size; ky++)
                    {
                        for (int kx = 0; kx < pool.Size; kx++)
                        {
                            double v = x[(c * s.InH + oy * pool.Stride + ky) * s.InW + ox * pool.Stride + kx];
                            acc = pool.Max ? Math.Max(acc, v) : acc + v;
                        }
                    }

                    y[(c * s.OutH + oy) * s.OutW + ox] = pool.Max ? acc : acc / (pool.Size * pool.Size);
                }
            }
        }

        return y;
    }

    // DROPOUT: y = x at inference, y_i = x_i * scale_i under a training mask.
    private static double[] Dropout(double[] x, RefDropout dropout)
    {
        var y = (double[])x.Clone();
        if (dropout.Scale is { } scale)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] *= scale[i];
            }
        }

        return y;
    }

    // DENSE: x (IN) -> y (OUT); w (OUT,IN), b (OUT).
    private static double[] Dense(double[] x, RefShape s, ReadOnlySpan<double> w, ReadOnlySpan<double> b)
    {
        var y = new double[s.OutC];
        for (int o = 0; o < s.OutC; o++)
        {
            double sum = b[o];
            for (int i = 0; i < x.Length; i++)
            {
                sum += w[o * x.Length + i] * x[i];
            }

            y[o] = sum;
        }

        return y;
    }

    private static double[] Activate(double[] z, Activation activation)
    {
        switch (activation)
        {
            case Activation.ReLU:
                for (int i = 0; i < z.Length; i++)
                {
                    z[i] = Math.Max(0, z[i]);
                }

                break;
            case Activation.Tanh:
                for (int i = 0; i < z.Length; i++)
                {
                    z[i] = Math.Tanh(z[i]);
                }

                break;
            case Activation.Sigmoid:
                for (int i = 0; i < z.Length; i++)
                {
                    z[i] = 1 / (1 + Math.Exp(-z[i]));
                }

                break;
            case Activation.Softmax:
                double max = double.NegativeInfinity, sum = 0;
                foreach (double v in z)
                {
                    max = Math.Max(max, v);
                }

                for (int i = 0; i < z.Length; i++)
                {
                    z[i] = Math.Exp(z[i] - max);
                    sum += z[i];
                }

                for (int i = 0; i < z.Length; i++)
                {
                    z[i] /= sum;
                }

                break;
        }

        return z;
    }
}
