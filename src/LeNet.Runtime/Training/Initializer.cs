using System;

namespace LeNet.Training;

/// <summary>
/// Seeded weight initialisation: He for layers followed by ReLU, Xavier/Glorot otherwise; biases start at zero; a batch
/// normalisation starts as PyTorch's does (γ 1, β 0, running mean 0, running variance 1).
/// </summary>
public static class Initializer
{
    /// <summary>
    /// Fills <paramref name="network"/>'s parameters from <paramref name="seed"/>: weights normal with standard deviation
    /// √(2 / fan-in) before a ReLU (He et al., 2015) and √(2 / (fan-in + fan-out)) otherwise (Glorot and Bengio, 2010).
    /// The same seed gives the same parameters on every machine.
    /// </summary>
    public static void Initialize<TNet>(TNet network, int seed)
        where TNet : class, INetwork<TNet>
    {
        var random = new Random(seed);
        Span<float> parameters = network.Parameters;
        parameters.Clear();
        ReadOnlySpan<LayerInfo> layers = TNet.Layers;
        for (int l = 0; l < layers.Length; l++)
        {
            LayerInfo layer = layers[l];
            if (layer.Kind == LayerType.BatchNorm)
            {
                // PyTorch's start: γ = 1, β = 0, running mean 0, running variance 1; the layer draws nothing.
                parameters.Slice(layer.WeightOffset, layer.WeightLength).Fill(1f);
                parameters.Slice(layer.StatisticsOffset + (layer.StatisticsLength / 2), layer.StatisticsLength / 2).Fill(1f);
                continue;
            }

            if (layer.WeightLength == 0)
            {
                continue;
            }

            // A layer a batch normalisation follows is activated after it: the BatchNorm's activation decides.
            Activation activation = l + 1 < layers.Length && layers[l + 1].Kind == LayerType.BatchNorm ? layers[l + 1].Activation : layer.Activation;
            double deviation = activation == Activation.ReLU
                ? Math.Sqrt(2.0 / layer.FanIn)
                : Math.Sqrt(2.0 / (layer.FanIn + layer.FanOut));
            Span<float> weights = parameters.Slice(layer.WeightOffset, layer.WeightLength);
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = (float)(deviation * StandardNormal(random));
            }
        }
    }

    /// <summary>Box–Muller from two uniform draws: written out so the numbers do not depend on a library's sampler.</summary>
    private static double StandardNormal(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
