namespace LeNet.Training;

/// <summary>Where an epoch stands after one of its mini-batches: reported by <see cref="Trainer{TNet}.TrainEpoch(Dataset, System.Action{BatchProgress}?, System.Threading.CancellationToken)"/>.</summary>
/// <param name="Epoch">The epoch being trained, from 1.</param>
/// <param name="ImagesDone">Examples of this epoch trained so far.</param>
/// <param name="ImagesTotal">Examples in the epoch.</param>
/// <param name="MeanLoss">Mean loss over the examples trained so far in this epoch.</param>
public readonly record struct BatchProgress(int Epoch, int ImagesDone, int ImagesTotal, double MeanLoss);
