using System;

namespace LeNet.Training;

/// <summary>What one epoch of training did.</summary>
/// <param name="Epoch">The epoch's number, from 1.</param>
/// <param name="Loss">Mean loss over the epoch's examples, each taken before its batch's update.</param>
/// <param name="TrainAccuracy">Share of the epoch's examples classified right before their batch's update.</param>
/// <param name="Seconds">Wall-clock time of the epoch.</param>
/// <param name="LearningRate">The learning rate used.</param>
public sealed record EpochReport(int Epoch, double Loss, double TrainAccuracy, double Seconds, float LearningRate)
{
    /// <summary>Training examples processed per second.</summary>
    public double ImagesPerSecond { get; init; }

    /// <summary>Bytes the whole process allocated during the epoch (GC.GetTotalAllocatedBytes before and after).</summary>
    public long AllocatedBytes { get; init; }
}
