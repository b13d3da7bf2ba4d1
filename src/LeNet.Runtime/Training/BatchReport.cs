namespace LeNet.Training;

/// <summary>What one mini-batch of training did, reported after its update.</summary>
/// <param name="Epoch">The epoch's number, from 1.</param>
/// <param name="Batch">The batch's number within the epoch, from 1.</param>
/// <param name="BatchCount">Batches in the epoch.</param>
/// <param name="Examples">Examples in this batch (the last one may be short).</param>
/// <param name="Loss">Mean loss over the batch's examples, each taken before the batch's update.</param>
/// <param name="LearningRate">The learning rate of the update.</param>
public sealed record BatchReport(int Epoch, int Batch, int BatchCount, int Examples, double Loss, float LearningRate);
