using System;

namespace LeNet.Training;

/// <summary>Ready-made learning-rate schedules for <see cref="TrainingOptions.Schedule"/>.</summary>
public static class Schedules
{
    /// <summary>Multiplies the rate by <paramref name="factor"/> every <paramref name="epochs"/> epochs.</summary>
    public static Func<int, float> StepDecay(int epochs, float factor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        return epoch => MathF.Pow(factor, epoch / epochs);
    }

    /// <summary>Cosine decay from 1 to <paramref name="floor"/> over <paramref name="totalEpochs"/> epochs.</summary>
    public static Func<int, float> Cosine(int totalEpochs, float floor = 0.01f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalEpochs);
        return epoch => floor + ((1 - floor) * 0.5f * (1 + MathF.Cos(MathF.PI * Math.Min(epoch, totalEpochs) / totalEpochs)));
    }
}
