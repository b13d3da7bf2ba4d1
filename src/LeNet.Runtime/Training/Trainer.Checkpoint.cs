using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace LeNet.Training;

/// <summary>Checkpoints of a run: saving and resuming it, with the weight average that follows it when there is one.</summary>
public sealed partial class Trainer<TNet>
{
    /// <summary>
    /// Saves the parameters, the optimizer's state and the epoch count atomically (a temporary file, then a rename), so
    /// <see cref="LoadCheckpoint"/> can resume training bit-identically. With <paramref name="average"/>, the
    /// checkpoint's parameters are the averaged ones (what <c>LoadWeights</c>, <c>eval</c> and <c>predict</c> use), and it
    /// also records the average's decay, its update count and the network's own last-step parameters, so a resume
    /// continues the training and the average bit for bit.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="average">The weight average updated after every step of this run, or null.</param>
    /// <exception cref="ArgumentException"><paramref name="average"/> does not have one value per parameter.</exception>
    public void SaveCheckpoint(string path, WeightAverage? average = null)
    {
        CheckAverageLength(average);
        Checkpoint.Save(path, new CheckpointData
        {
            Fingerprint = TNet.Fingerprint,
            Parameters = average is null ? Network.Parameters.ToArray() : average.Parameters.ToArray(),
            OptimizerName = Optimizer.Name,
            Step = Optimizer.Step,
            Epoch = CompletedEpochs,
            OptimizerState = Optimizer.State.ToArray(),
            Settings = Settings,
            Average = average is null ? null : new CheckpointAverage
            {
                Decay = average.Decay,
                Updates = average.Updates,
                LastStepParameters = Network.Parameters.ToArray(),
            },
        });
    }

    /// <summary>
    /// Restores parameters, optimizer state and epoch count from a checkpoint, and <paramref name="average"/> from the
    /// weight average it records. The file is validated in full first: a file of another architecture or optimizer,
    /// truncated or corrupted, or trained with other settings (seed, batch size, learning rate, schedule, weight decay,
    /// augmentation, or a weight average of another decay), is refused and changes nothing.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="average">The weight average the resumed run updates after every step, or null.</param>
    /// <returns>
    /// Warnings about settings that may legitimately differ on a resume (thread count, planned epochs, a schedule over
    /// another number of epochs), about a file that records no settings or no weight average, or about a weight average
    /// this trainer does not continue; empty when the run continues as it was.
    /// </returns>
    /// <exception cref="InvalidDataException">The file is not a valid checkpoint of this network, optimizer and settings.</exception>
    /// <exception cref="ArgumentException"><paramref name="average"/> does not have one value per parameter.</exception>
    public IReadOnlyList<string> LoadCheckpoint(string path, WeightAverage? average = null)
    {
        CheckAverageLength(average);
        return Restore(Checkpoint.Load(path, TNet.Fingerprint, TNet.ParameterCount), path, average);
    }

    /// <summary>Applies a checkpoint that <see cref="Checkpoint"/> has validated; refuses one of another optimizer or other settings before changing anything.</summary>
    internal IReadOnlyList<string> Restore(CheckpointData data, string path, WeightAverage? average = null)
    {
        if (data.OptimizerName.Length > 0 && !string.Equals(data.OptimizerName, Optimizer.Name, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Checkpoint '{path}' was written by the {data.OptimizerName} optimizer; this trainer uses {Optimizer.Name}. "
                + "To start from its parameters alone, load them with network.LoadWeights(path) before creating the trainer.");
        }

        var warnings = new List<string>(CheckSettings(data.Settings, path));
        CheckpointAverage? saved = data.Average;
        if (average is not null && saved is not null && saved.Decay != average.Decay)
        {
            throw new InvalidDataException(string.Create(
                CultureInfo.InvariantCulture,
                $"Checkpoint '{path}': trained with other settings, so resuming it would not continue that run: weight-average decay: the checkpoint has {saved.Decay}, this run has {average.Decay}. Resume with the checkpoint's decay, or load its parameters alone with network.LoadWeights(path) to start a new run from them."));
        }

        if (average is not null && saved is null)
        {
            warnings.Add($"Checkpoint '{path}': records no weight average (format version 2 or older, or a run without one), so the average starts again from its parameters.");
        }
        else if (average is null && saved is not null)
        {
            warnings.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"Checkpoint '{path}': records a weight average (decay {saved.Decay}) that this run does not continue; training goes on from the last step's parameters."));
        }

        try
        {
            Optimizer.Restore(data.Step, data.OptimizerState, TNet.ParameterCount);
        }
        catch (ArgumentException error)
        {
            throw new InvalidDataException($"Checkpoint '{path}' has optimizer state that does not fit {Optimizer.Name}: {error.Message}", error);
        }

        // With a recorded average the file's parameters are the averaged ones; training continues from the last step's.
        (saved?.LastStepParameters ?? data.Parameters).CopyTo(Network.Parameters);
        if (average is not null)
        {
            if (saved is null)
            {
                average.Reset(data.Parameters);
            }
            else
            {
                average.Restore(data.Parameters, saved.Updates);
            }
        }

        CompletedEpochs = data.Epoch;
        return warnings;
    }

    private static void CheckAverageLength(WeightAverage? average)
    {
        if (average is not null && average.Parameters.Length != TNet.ParameterCount)
        {
            throw new ArgumentException($"Expected a weight average of {TNet.ParameterCount} parameters, the network's, got {average.Parameters.Length}.", nameof(average));
        }
    }
}
