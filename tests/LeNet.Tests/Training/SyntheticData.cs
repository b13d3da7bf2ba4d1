using System;

namespace LeNet.Tests.Training;

/// <summary>Small learnable data sets made from a seed, for tests that must not depend on MNIST.</summary>
internal static class SyntheticData
{
    /// <summary>8x8 images of four classes: a bright bar in one of four places, plus noise.</summary>
    public static Dataset Digits(int count, int seed)
    {
        var random = new Random(seed);
        var inputs = new float[count * 64];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            int label = random.Next(4);
            labels[n] = label;
            Span<float> image = inputs.AsSpan(n * 64, 64);
            for (int i = 0; i < 64; i++)
            {
                image[i] = (float)(random.NextDouble() * 0.3);
            }

            for (int k = 0; k < 6; k++)
            {
                int row = label < 2 ? 1 + (label * 4) : 1 + k;
                int column = label < 2 ? 1 + k : 1 + ((label - 2) * 4);
                image[(row * 8) + column] += 1f;
            }
        }

        return new Dataset(inputs, labels, 64);
    }
}
