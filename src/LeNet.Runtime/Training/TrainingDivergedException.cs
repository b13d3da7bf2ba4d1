using System;

namespace LeNet.Training;

/// <summary>
/// Training stopped because a batch's loss, its gradient or the parameters after its update were not finite (NaN or
/// infinite), usually from a learning rate that is too high. The network keeps the parameters it had before that
/// batch, and no checkpoint was written, so the last saved files are the last good ones.
/// </summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    /// <summary>Creates the exception for batch <paramref name="batch"/> of epoch <paramref name="epoch"/>.</summary>
    /// <param name="epoch">The epoch, counted from 1.</param>
    /// <param name="batch">The batch within the epoch, counted from 1.</param>
    /// <param name="reason">What was not finite.</param>
    public TrainingDivergedException(int epoch, int batch, string reason)
        : base($"Training diverged in epoch {epoch}, batch {batch}: {reason}. The network keeps its parameters from before this batch; "
            + "lower the learning rate, or resume from the last checkpoint.")
    {
        Epoch = epoch;
        Batch = batch;
        Reason = reason;
    }

    /// <summary>The epoch in which training diverged, counted from 1.</summary>
    public int Epoch { get; }

    /// <summary>The batch of that epoch whose loss, gradient or update was not finite, counted from 1.</summary>
    public int Batch { get; }

    /// <summary>What was not finite, for example "the batch's mean loss is NaN".</summary>
    public string Reason { get; }
}
