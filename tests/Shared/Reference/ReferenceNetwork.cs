using System;
using System.Collections.Generic;

namespace LeNet.Tests.Reference;

/// <summary>
/// A reference network's architecture: shapes, parameter offsets and class names worked out from a hand-written layer
/// list, with no code shared with the generator, so the two cannot be wrong together. The arithmetic is
/// <see cref="ReferenceForward{T}"/>, one generic implementation run in double by the tests (gradient checks take
/// finite differences of it) and in float by the benchmarks' naive baseline.
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
                RefBatchNorm => (c, h, w, c, c, "Bn"),
                _ => throw new ArgumentException($"Expected a RefConv, RefPool, RefDense, RefDropout or RefBatchNorm, got {layer}.", nameof(layers)),
            };

            // The documented naming: weighted layers are numbered; a pool takes its conv's number, a second pool gets 'b'.
            weighted += kind is "Pool" or "Drop" or "Bn" ? 0 : 1;
            string name = kind + weighted;
            for (char suffix = 'b'; !names.Add(name); suffix++)
            {
                name = kind + weighted + suffix;
            }

            bool dense = layer is RefDense;
            var shape = new RefShape(layer, name, dense ? c * h * w : c, dense ? 1 : h, dense ? 1 : w, oc, oh, ow, offset, weights, offset + weights, biases);
            shapes.Add(shape);
            offset += weights + biases + shape.StatisticsLength;
            (c, h, w) = (oc, oh, ow);
        }

        Layers = shapes;
        ParameterCount = offset;
    }

    /// <summary>
    /// LeNet-5 as src/LeNet.Sample/Networks.cs declares it, on 32x32 images with <paramref name="channels"/> channels,
    /// written out again by hand (the independent side of every LeNet-5 check).
    /// </summary>
    public static ReferenceNetwork LeNet5(int channels) => new(channels, 32, 32,
        new RefConv(6, 5, Activation: Activation.ReLU),
        new RefPool(Max: true, 2, 2),
        new RefConv(16, 5, Activation: Activation.ReLU),
        new RefPool(Max: true, 2, 2),
        new RefDense(120, Activation.ReLU),
        new RefDense(84, Activation.ReLU),
        new RefDense(10, Activation.Softmax));

    public int InC { get; }

    public int InH { get; }

    public int InW { get; }

    public int InputLength => InC * InH * InW;

    public int OutputLength => Layers[^1].OutputLength;

    public int ParameterCount { get; }

    public IReadOnlyList<RefShape> Layers { get; }

    /// <summary>
    /// Fills weights and biases from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), PyTorch's default, so activations stay O(1); a
    /// batch normalisation gets γ from U(0.5, 1.5), β and the running mean from U(-0.5, 0.5) and the running variance from
    /// U(0.5, 1.5), as a trained one might hold (PyTorch's start, 1, 0, 0, 1, would test less).
    /// </summary>
    public void Initialize(Span<float> parameters, Random random)
    {
        foreach (RefShape shape in Layers)
        {
            if (shape.Layer is RefBatchNorm)
            {
                for (int c = 0; c < shape.OutC; c++)
                {
                    parameters[shape.WeightOffset + c] = (float)(0.5 + random.NextDouble());
                    parameters[shape.BiasOffset + c] = (float)(random.NextDouble() - 0.5);
                    parameters[shape.StatisticsOffset + c] = (float)(random.NextDouble() - 0.5);
                    parameters[shape.StatisticsOffset + shape.OutC + c] = (float)(0.5 + random.NextDouble());
                }

                continue;
            }

            double bound = shape.FanIn == 0 ? 0 : 1 / Math.Sqrt(shape.FanIn);
            for (int i = shape.WeightOffset; i < shape.BiasOffset + shape.BiasLength; i++)
            {
                parameters[i] = (float)((random.NextDouble() * 2 - 1) * bound);
            }
        }
    }

    /// <summary>Every layer's output in double precision, in layer order; the last is the network's output.</summary>
    public double[][] Run(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input) => Run(ToDouble(parameters), ToDouble(input));

    /// <summary>As <see cref="Run(ReadOnlySpan{float}, ReadOnlySpan{float})"/> from double inputs, for finite differences.</summary>
    public double[][] Run(ReadOnlySpan<double> parameters, ReadOnlySpan<double> input)
    {
        var forward = new ReferenceForward<double>(this);
        forward.Forward(parameters, input);
        var outputs = new double[Layers.Count][];
        for (int l = 0; l < outputs.Length; l++)
        {
            outputs[l] = forward.LayerOutput(l).ToArray();
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
}
