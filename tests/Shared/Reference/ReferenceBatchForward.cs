using System;
using System.Collections.Generic;

namespace LeNet.Tests.Reference;

/// <summary>
/// The training-mode forward pass of a <see cref="ReferenceNetwork"/> over a whole mini-batch in double: layer by layer,
/// every other layer per example as <see cref="ReferenceForward{T}"/> runs it, each batch normalisation by the batch's
/// mean and biased variance per channel (over every example and position), as PyTorch's <c>train()</c> mode does.
/// </summary>
internal static class ReferenceBatchForward
{
    /// <summary>The batch statistics one batch normalisation saw: per channel, the mean and the biased variance.</summary>
    internal sealed record Statistics(double[] Mean, double[] Variance, int Values);

    /// <summary>Each example's output; <paramref name="statistics"/>, when given, receives each batch normalisation's batch statistics in layer order.</summary>
    public static double[][] Run(ReferenceNetwork network, ReadOnlySpan<double> parameters, IReadOnlyList<double[]> inputs, List<Statistics>? statistics = null)
    {
        int count = inputs.Count;
        var x = new double[count][];
        for (int n = 0; n < count; n++)
        {
            x[n] = inputs[n];
        }

        foreach (RefShape s in network.Layers)
        {
            var y = new double[count][];
            for (int n = 0; n < count; n++)
            {
                y[n] = new double[s.OutputLength];
            }

            if (s.Layer is RefBatchNorm batchNorm)
            {
                int plane = s.OutH * s.OutW, values = count * plane;
                var mean = new double[s.OutC];
                var variance = new double[s.OutC];
                for (int c = 0; c < s.OutC; c++)
                {
                    for (int n = 0; n < count; n++)
                    {
                        for (int p = 0; p < plane; p++)
                        {
                            mean[c] += x[n][c * plane + p] / values;
                        }
                    }

                    for (int n = 0; n < count; n++)
                    {
                        for (int p = 0; p < plane; p++)
                        {
                            double d = x[n][c * plane + p] - mean[c];
                            variance[c] += d * d / values;
                        }
                    }
                }

                statistics?.Add(new Statistics(mean, variance, values));
                ReadOnlySpan<double> gamma = parameters.Slice(s.WeightOffset, s.WeightLength), beta = parameters.Slice(s.BiasOffset, s.BiasLength);
                for (int n = 0; n < count; n++)
                {
                    ReferenceForward<double>.BatchNorm(x[n], s, batchNorm, gamma, beta, mean, variance, y[n]);
                    ReferenceForward<double>.Activate(y[n], batchNorm.Activation);
                }
            }
            else
            {
                for (int n = 0; n < count; n++)
                {
                    ReferenceForward<double>.RunLayer(s, parameters, x[n], y[n]);
                }
            }

            x = y;
        }

        return x;
    }
}
