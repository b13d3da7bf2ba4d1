using System;
using System.Collections.Generic;
using System.Globalization;

namespace LeNet.Training;

/// <summary>
/// The training settings a checkpoint records so that a resume can tell whether it continues the same run: seed, batch
/// size, threads, base learning rate, weight decay, label smoothing, planned epochs, and descriptions of the learning-rate schedule and
/// the augmentation. <see cref="Trainer{TNet}.LoadCheckpoint"/> refuses a resume whose settings change the run and
/// warns about the ones that may change legitimately (see <see cref="Compare"/>).
/// </summary>
public sealed record TrainingSettings
{
    /// <summary>Longest schedule or augmentation description, in UTF-8 bytes.</summary>
    public const int MaxDescriptionBytes = 256;

    /// <summary>The seed of the shuffle and the augmentation.</summary>
    public int Seed { get; init; }

    /// <summary>Examples per mini-batch, at least 1.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Worker threads, at least 1: the bits of a run depend on it.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>The optimizer's base learning rate (before the schedule), positive and finite.</summary>
    public float LearningRate { get; init; }

    /// <summary>L2 weight decay, non-negative and finite.</summary>
    public float WeightDecay { get; init; }

    /// <summary>Label smoothing ε of the loss gradient, in [0, 1) (format version 3 on; 0 in older files).</summary>
    public float LabelSmoothing { get; init; }

    /// <summary>The epochs the run was planned for in all (<see cref="FitOptions.Epochs"/>, or <see cref="Trainer{TNet}.PlannedEpochs"/>); 0 when not said.</summary>
    public int Epochs { get; init; }

    /// <summary>The learning-rate schedule, as <see cref="Schedules.Describe"/> writes it (<c>constant</c>, <c>cosine(epochs=10, floor=0.01)</c>, <c>custom</c>).</summary>
    public string Schedule { get; init; } = "constant";

    /// <summary>The augmentation, as <see cref="ImageAugmentation.Describe"/> writes it (<c>none</c> when off).</summary>
    public string Augmentation { get; init; } = "none";

    /// <summary>What is out of range, or null: the rules <see cref="Checkpoint"/> applies on save and on load.</summary>
    internal string? Problem()
    {
        if (BatchSize < 1)
        {
            return $"expected a batch size of at least 1 in the training settings, found {BatchSize}";
        }

        if (Threads < 1 || Threads > TrainingOptions.MaxThreads)
        {
            return $"expected 1 to {TrainingOptions.MaxThreads} threads in the training settings, found {Threads}";
        }

        if (!(LearningRate > 0) || !float.IsFinite(LearningRate))
        {
            return $"expected a positive, finite learning rate in the training settings, found {Text(LearningRate)}";
        }

        if (!(WeightDecay >= 0) || !float.IsFinite(WeightDecay))
        {
            return $"expected a non-negative, finite weight decay in the training settings, found {Text(WeightDecay)}";
        }

        if (!(LabelSmoothing >= 0 && LabelSmoothing < 1))
        {
            return $"expected a label smoothing in [0, 1) in the training settings, found {Text(LabelSmoothing)}";
        }

        if (Epochs < 0 || Epochs > Checkpoint.MaxEpoch)
        {
            return $"expected planned epochs from 0 to {Checkpoint.MaxEpoch} in the training settings, found {Epochs}";
        }

        if (Schedule is null || Augmentation is null)
        {
            return "expected a schedule and an augmentation description in the training settings, found null";
        }

        return null;
    }

    /// <summary>
    /// Compares the settings of a checkpoint (this) with those of the trainer that resumes it. Seed, batch size, learning
    /// rate, weight decay, label smoothing, augmentation and the kind and parameters of the schedule change the run: each difference is
    /// an error. A different thread count (the run stays valid but is no longer bit-identical to an uninterrupted one),
    /// a different planned epoch count, and a schedule that differs only in its epoch count are warnings.
    /// </summary>
    /// <param name="resuming">The trainer's settings.</param>
    /// <returns>The refusals and the warnings, each naming the setting, the checkpoint's value and the trainer's.</returns>
    public (IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings) Compare(TrainingSettings resuming)
    {
        ArgumentNullException.ThrowIfNull(resuming);
        var errors = new List<string>();
        var warnings = new List<string>();
        Differ(errors, "seed", Seed, resuming.Seed);
        Differ(errors, "batch size", BatchSize, resuming.BatchSize);
        Differ(errors, "learning rate", LearningRate, resuming.LearningRate);
        Differ(errors, "weight decay", WeightDecay, resuming.WeightDecay);
        Differ(errors, "label smoothing", LabelSmoothing, resuming.LabelSmoothing);
        Differ(errors, "augmentation", Augmentation, resuming.Augmentation);
        if (!string.Equals(Schedule, resuming.Schedule, StringComparison.Ordinal))
        {
            bool onlyEpochs = string.Equals(Schedules.WithoutEpochs(Schedule), Schedules.WithoutEpochs(resuming.Schedule), StringComparison.Ordinal);
            (onlyEpochs ? warnings : errors).Add($"schedule: the checkpoint has {Schedule}, this trainer has {resuming.Schedule}"
                + (onlyEpochs ? " (the rate follows the new schedule from the next epoch on)" : ""));
        }

        if (Threads != resuming.Threads)
        {
            warnings.Add($"threads: the checkpoint has {Threads}, this trainer has {resuming.Threads} (training goes on, but not bit-identically to an uninterrupted run)");
        }

        if (Epochs != 0 && resuming.Epochs != 0 && Epochs != resuming.Epochs)
        {
            warnings.Add($"planned epochs: the checkpoint has {Epochs}, this trainer has {resuming.Epochs}");
        }

        return (errors, warnings);
    }

    private static void Differ<T>(List<string> errors, string name, T saved, T resuming)
        where T : IEquatable<T>
    {
        if (!saved.Equals(resuming))
        {
            errors.Add($"{name}: the checkpoint has {Text(saved)}, this trainer has {Text(resuming)}");
        }
    }

    private static string Text<T>(T value) => value is IFormattable formattable ? formattable.ToString(null, CultureInfo.InvariantCulture) : value?.ToString() ?? "null";
}
