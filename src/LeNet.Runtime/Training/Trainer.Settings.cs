using System;
using System.Collections.Generic;
using System.IO;

namespace LeNet.Training;

/// <summary>The training settings a checkpoint records, and the check a resume makes against them.</summary>
public sealed partial class Trainer<TNet>
{
    /// <summary>
    /// The epochs this run is planned for in all, recorded in checkpoints so that a resume can tell a longer run from
    /// the one it continues; <see cref="Fit"/> sets it to <see cref="FitOptions.Epochs"/>. 0 (the default) when not said.
    /// </summary>
    public int PlannedEpochs
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Checkpoint.MaxEpoch);
            field = value;
        }
    }

    /// <summary>The settings of this trainer as a checkpoint records them.</summary>
    public TrainingSettings Settings => new()
    {
        Seed = Options.Seed,
        BatchSize = Options.BatchSize,
        Threads = Options.Threads,
        LearningRate = Optimizer.LearningRate,
        WeightDecay = Options.WeightDecay,
        LabelSmoothing = Options.LabelSmoothing,
        Epochs = PlannedEpochs,
        Schedule = Schedules.Describe(Options.Schedule),
        Augmentation = ImageAugmentation.Describe(Options.Augmentation),
    };

    /// <summary>
    /// Refuses a checkpoint whose training settings differ from this trainer's in a way that changes the run (naming
    /// each setting with both values), and returns the differences that only warn (see <see cref="TrainingSettings.Compare"/>).
    /// </summary>
    private IReadOnlyList<string> CheckSettings(TrainingSettings? saved, string path)
    {
        if (saved is null)
        {
            return [$"Checkpoint '{path}': records no training settings (format version 1, or saved without them), so they cannot be compared with this trainer's."];
        }

        (IReadOnlyList<string> errors, IReadOnlyList<string> warnings) = saved.Compare(Settings);
        if (errors.Count > 0)
        {
            throw new InvalidDataException($"Checkpoint '{path}': trained with other settings, so resuming it would not continue that run: "
                + string.Join("; ", errors) + ". Resume with the checkpoint's settings, or load its parameters alone with network.LoadWeights(path) to start a new run from them.");
        }

        var messages = new List<string>(warnings.Count);
        foreach (string warning in warnings)
        {
            messages.Add($"Checkpoint '{path}': {warning}.");
        }

        return messages;
    }
}
