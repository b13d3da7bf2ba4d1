using System;
using System.Collections.Generic;

namespace LeNet.Tests.Training;

/// <summary>One layer as the reference sees it; written by hand per test network, independent of the generator.</summary>
public sealed record RefLayer(LayerKind Kind, int OutChannels = 0, int Kernel = 0, int Stride = 1, int Padding = 0, Activation Activation = Activation.None)
{
    public static RefLayer Conv(int filters, int kernel, int stride = 1, int padding = 0, Activation activation = Activation.None) =>
        new(LayerKind.Conv, filters, kernel, stride, padding, activation);

    public static RefLayer MaxPool(int size, int stride) => new(LayerKind.MaxPool, 0, size, stride);

    public static RefLayer AvgPool(int size, int stride) => new(LayerKind.AvgPool, 0, size, stride);

    public static RefLayer Dense(int units, Activation activation = Activation.None) => new(LayerKind.Dense, units, 0, 1, 0, activation);
}

/// <summary>
/// A naive double-precision forward pass over PyTorch-layout parameters: nested loops straight from the definitions,
/// used as the ground truth for finite differences.
/// </summary>
public sealed class DoubleReference(int channels, int height, int width, IReadOnlyList<RefLayer> layers)
{
    public double[] Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input)
    {
        var p = new double[parameters.Length];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = parameters[i];
        }

        var x = new double[input.Length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = input[i];
        }

        return Forward(p, x);
    }

    public double[] Forward(double[] p, double[] input)
    {
        double[] x = input;
        int c = channels, h = height, w = width, offset = 0;
        foreach (RefLayer layer in layers)
        {
            switch (layer.Kind)
            {
                case LayerKind.Conv:
                {
                    int k = layer.Kernel, s = layer.Stride, pad = layer.Padding, oc = layer.OutChannels;
                    int oh = ((h + (2 * pad) - k) / s) + 1, ow = ((w + (2 * pad) - k) / s) + 1;
                    var y = new double[oc * oh * ow];
                    int biasOffset = offset + (oc * c * k * k);
                    for (int o = 0; o < oc; o++)
                    for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++)
                    {
                        double sum = p[biasOffset + o];
                        for (int i = 0; i < c; i++)
                        for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++)
                        {
                            int iy = (oy * s) + ky - pad, ix = (ox * s) + kx - pad;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                            {
                                sum += p[offset + (((((o * c) + i) * k) + ky) * k) + kx] * x[(((i * h) + iy) * w) + ix];
                            }
                        }

                        y[(((o * oh) + oy) * ow) + ox] = sum;
                    }

                    offset = biasOffset + oc;
                    (x, c, h, w) = (Activate(y, layer.Activation), oc, oh, ow);
                    break;
                }

                case LayerKind.MaxPool:
                case LayerKind.AvgPool:
                {
                    int k = layer.Kernel, s = layer.Stride;
                    int oh = ((h - k) / s) + 1, ow = ((w - k) / s) + 1;
                    var y = new double[c * oh * ow];
                    for (int i = 0; i < c; i++)
                    for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++)
                    {
                        double best = double.NegativeInfinity, sum = 0;
                        for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++)
                        {
                            double v = x[(((i * h) + (oy * s) + ky) * w) + (ox * s) + kx];
                            best = Math.Max(best, v);
                            sum += v;
                        }

                        y[(((i * oh) + oy) * ow) + ox] = layer.Kind == LayerKind.MaxPool ? best : sum / (k * k);
                    }

                    (x, h, w) = (y, oh, ow);
                    break;
                }

                default:
                {
                    int n = c * h * w, units = layer.OutChannels;
                    var y = new double[units];
                    for (int o = 0; o < units; o++)
                    {
                        double sum = p[offset + (units * n) + o];
                        for (int i = 0; i < n; i++)
                        {
                            sum += p[offset + (o * n) + i] * x[i];
                        }

                        y[o] = sum;
                    }

                    offset += (units * n) + units;
                    (x, c, h, w) = (Activate(y, layer.Activation), units, 1, 1);
                    break;
                }
            }
        }

        return x;
    }

    private static double[] Activate(double[] z, Activation activation)
    {
        switch (activation)
        {
            case Activation.ReLU:
                return Array.ConvertAll(z, v => Math.Max(v, 0));
            case Activation.Tanh:
                return Array.ConvertAll(z, Math.Tanh);
            case Activation.Sigmoid:
                return Array.ConvertAll(z, v => 1 / (1 + Math.Exp(-v)));
            case Activation.Softmax:
            {
                double max = double.NegativeInfinity;
                foreach (double v in z)
                {
                    max = Math.Max(max, v);
                }

                double[] e = Array.ConvertAll(z, v => Math.Exp(v - max));
                double sum = 0;
                foreach (double v in e)
                {
                    sum += v;
                }

                return Array.ConvertAll(e, v => v / sum);
            }

            default:
                return z;
        }
    }
}
