using System;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace LeNet.Training;

/// <summary>Ready-made learning-rate schedules for <see cref="TrainingOptions.Schedule"/>.</summary>
public static class Schedules
{
    // The schedules made here, with their descriptions: a delegate cannot be compared, and checkpoints record what
    // schedule a run used so that a resume with another one is refused.
    private static readonly ConditionalWeakTable<Func<int, float>, string> s_descriptions = new();

    /// <summary>Multiplies the rate by <paramref name="factor"/> every <paramref name="epochs"/> epochs.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epochs"/> is not positive, or <paramref name="factor"/> is not positive and finite.</exception>
    public static Func<int, float> StepDecay(int epochs, float factor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        if (!(factor > 0) || !float.IsFinite(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "Expected a positive, finite decay factor.");
        }

        return Named(epoch => MathF.Pow(factor, epoch / epochs), string.Create(CultureInfo.InvariantCulture, $"step(every={epochs}, factor={factor})"));
    }

    /// <summary>Cosine decay from 1 to <paramref name="floor"/> over <paramref name="totalEpochs"/> epochs.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="totalEpochs"/> is not positive, or <paramref name="floor"/> is not in [0, 1].</exception>
    public static Func<int, float> Cosine(int totalEpochs, float floor = 0.01f) => WarmupCosine(totalEpochs, 0, floor);

    /// <summary>
    /// A linear warm-up over the first <paramref name="warmupEpochs"/> epochs (epoch e of them at (e + 1) / (warm-up + 1)
    /// of the rate), then cosine decay from 1 to <paramref name="floor"/> by epoch <paramref name="totalEpochs"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="totalEpochs"/> is not positive, <paramref name="warmupEpochs"/> is negative or not below it, or
    /// <paramref name="floor"/> is not in [0, 1].
    /// </exception>
    public static Func<int, float> WarmupCosine(int totalEpochs, int warmupEpochs, float floor = 0.01f)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalEpochs);
        if (warmupEpochs < 0 || warmupEpochs >= totalEpochs)
        {
            throw new ArgumentOutOfRangeException(nameof(warmupEpochs), warmupEpochs, $"Expected 0 to {totalEpochs - 1} warm-up epochs for a run of {totalEpochs}.");
        }

        if (!(floor >= 0 && floor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(floor), floor, "Expected a floor in [0, 1].");
        }

        int decay = totalEpochs - warmupEpochs;
        string description = warmupEpochs == 0
            ? string.Create(CultureInfo.InvariantCulture, $"cosine(epochs={totalEpochs}, floor={floor})")
            : string.Create(CultureInfo.InvariantCulture, $"cosine(epochs={totalEpochs}, warmup={warmupEpochs}, floor={floor})");
        return Named(
            epoch => epoch < warmupEpochs
                ? (epoch + 1f) / (warmupEpochs + 1)
                : floor + ((1 - floor) * 0.5f * (1 + MathF.Cos(MathF.PI * Math.Min(epoch - warmupEpochs, decay) / decay))),
            description);
    }

    /// <summary>
    /// How a schedule is recorded in checkpoints: <c>constant</c> for null, the parameters of a schedule made by this
    /// class (<c>cosine(epochs=10, floor=0.01)</c>), or <c>custom</c> for any other delegate, which cannot be told apart.
    /// </summary>
    public static string Describe(Func<int, float>? schedule) =>
        schedule is null ? "constant" : s_descriptions.TryGetValue(schedule, out string? description) ? description : "custom";

    /// <summary>A description with its <c>epochs=N</c> part removed: two schedules that differ only there differ only in run length.</summary>
    internal static string WithoutEpochs(string description)
    {
        int start = description.IndexOf("epochs=", StringComparison.Ordinal);
        if (start < 0)
        {
            return description;
        }

        int end = start + "epochs=".Length;
        while (end < description.Length && char.IsAsciiDigit(description[end]))
        {
            end++;
        }

        return description[..start] + description[end..];
    }

    private static Func<int, float> Named(Func<int, float> schedule, string description)
    {
        s_descriptions.AddOrUpdate(schedule, description);
        return schedule;
    }
}
