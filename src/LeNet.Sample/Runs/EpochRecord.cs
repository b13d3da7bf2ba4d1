namespace LeNet.Sample.Runs;

/// <summary>One trained epoch as <c>train</c> prints it and <c>plot</c> draws it.</summary>
/// <param name="Epoch">The epoch's number, from 1.</param>
/// <param name="Loss">Mean training loss of the epoch.</param>
/// <param name="TrainAccuracy">Share of training examples classified right during the epoch.</param>
/// <param name="TestAccuracy">Share of test images classified right after the epoch.</param>
/// <param name="Seconds">Training time of the epoch.</param>
/// <param name="TrainSeconds">Training time of the run up to and including this epoch.</param>
/// <param name="ImagesPerSecond">Training examples per second in this epoch.</param>
internal sealed record EpochRecord(int Epoch, double Loss, double TrainAccuracy, double TestAccuracy, double Seconds, double TrainSeconds, double ImagesPerSecond);
