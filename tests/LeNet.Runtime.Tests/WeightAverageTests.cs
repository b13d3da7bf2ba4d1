using System;
using System.Linq;
using LeNet.Training;
using Xunit;

namespace LeNet.Runtime.Tests;

public sealed class WeightAverageTests
{
    [Fact]
    public void Updates_follow_the_warmed_up_decay()
    {
        var average = new WeightAverage(0.9f, [0f, 10f]);
        average.Update([1f, 20f]);

        // Update 1 weighs the old average by min(0.9, 2/11).
        float d = 2f / 11f;
        Assert.Equal((d * 0f) + ((1 - d) * 1f), average.Parameters[0], 6);
        Assert.Equal((d * 10f) + ((1 - d) * 20f), average.Parameters[1], 5);
        for (int t = 2; t <= 200; t++)
        {
            average.Update([1f, 20f]);
        }

        // Later the decay is capped: a jump of 1 moves the average by exactly 1 - 0.9.
        average.Update([2f, 20f]);
        Assert.Equal(1.1f, average.Parameters[0], 4);
        Assert.Equal(201, average.Updates);
    }

    [Fact]
    public void The_average_of_noisy_weights_is_closer_to_their_centre_than_the_last_weights()
    {
        var random = new Random(5);
        var average = new WeightAverage(0.99f, new float[100]);
        var weights = new float[100];
        for (int step = 0; step < 2000; step++)
        {
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = 3f + (float)((random.NextDouble() * 2) - 1);
            }

            average.Update(weights);
        }

        double lastError = weights.Average(w => Math.Abs(w - 3f));
        double averageError = average.Parameters.ToArray().Average(w => Math.Abs(w - 3f));
        // Uniform noise in [-1, 1] is off by 0.5 on average; 200 steps of averaging divide its spread by about 14.
        Assert.InRange(lastError, 0.4, 0.6);
        Assert.True(averageError < 0.1, $"mean error {averageError:F3}");
    }

    [Fact]
    public void Reset_starts_again_and_updates_allocate_nothing()
    {
        var average = new WeightAverage(0.998f, new float[62006]);
        var weights = Enumerable.Repeat(1f, 62006).ToArray();
        average.Update(weights);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            average.Update(weights);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        average.Reset(new float[62006]);
        Assert.Equal(0, average.Updates);
        Assert.Equal(0f, average.Parameters[17]);
    }

    [Fact]
    public void Bad_decays_and_lengths_are_refused_naming_what_was_expected()
    {
        Assert.Contains("[0, 1), got 1", Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(1f, [1f])).Message);
        Assert.Contains("[0, 1), got NaN", Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(float.NaN, [1f])).Message);
        Assert.Throws<ArgumentException>(() => new WeightAverage(0.5f, []));
        var average = new WeightAverage(0.5f, [1f, 2f]);
        Assert.Contains("Expected 2 parameters", Assert.Throws<ArgumentException>(() => average.Update([1f])).Message);
        Assert.Contains("got 3", Assert.Throws<ArgumentException>(() => average.Reset([1f, 2f, 3f])).Message);
    }
}
