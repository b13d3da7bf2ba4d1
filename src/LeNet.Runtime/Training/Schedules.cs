using System;

namespace LeNet.Training;

/// <summary>Ready-made learning-rate schedules for <see cref="TrainingOptions.Schedule"/>.</summary>
public static class Schedules
{
    /// <summary>Multiplies the rate by <paramref name="factor"/> every <paramref name="epochs"/> epochs.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epochs"/> is not positive, or <paramref name="factor"/> is not positive and finite.</exception>
    public static Func<int, float> StepDecay(int epochs, float factor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        if (!(factor > 0) || !float.IsFinite(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "Expected a positive, finite decay factor.");
        }

        return epoch => MathF.Pow(factor, epoch / epochs);
    }

    /// <summary>Cosine decay from 1 to <paramref name="floor"/> over <paramref name="totalEpochs"/> epochs.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="totalEpochs"/> is not positive, or <paramref name="floor"/> is not in [0, 1].</exception>
    public static Func<int, float> Cosine(int totalEpochs, float floor = 0.01f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalEpochs);
        if (!(floor >= 0 && floor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(floor), floor, "Expected a floor in [0, 1].");
        }

        return epoch => floor + ((1 - floor) * 0.5f * (1 + MathF.Cos(MathF.PI * Math.Min(epoch, totalEpochs) / totalEpochs)));
    }
}
