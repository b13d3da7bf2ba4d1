using System;

namespace LeNet.Runtime.Tests.Infrastructure;

/// <summary>A learnable data set for <see cref="SmallNet"/>: a bright row, column or diagonal on noise, from a seed.</summary>
internal static class SmallData
{
    public static Dataset Make(int count, int seed)
    {
        var random = new Random(seed);
        var inputs = new float[count * 36];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            int label = random.Next(3);
            labels[n] = label;
            Span<float> image = inputs.AsSpan(n * 36, 36);
            for (int i = 0; i < 36; i++)
            {
                image[i] = (float)(random.NextDouble() * 0.3);
            }

            for (int k = 0; k < 6; k++)
            {
                int index = label switch
                {
                    0 => (2 * 6) + k,
                    1 => (k * 6) + 3,
                    _ => (k * 6) + k,
                };
                image[index] += 1f;
            }
        }

        return new Dataset(inputs, labels, 36);
    }
}
