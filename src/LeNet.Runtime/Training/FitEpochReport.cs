namespace LeNet.Training;

/// <summary>One epoch of <see cref="Trainer{TNet}.Fit"/>: the training report and, when there is a validation set, its evaluation.</summary>
/// <param name="Training">What the epoch's training did.</param>
/// <param name="Validation">Accuracy and loss on the validation set after the epoch; null without one.</param>
/// <param name="IsBest">Whether this epoch improved the monitored validation number (the first epoch always does).</param>
/// <param name="EpochsWithoutImprovement">Epochs in a row, this one included, without improvement.</param>
public sealed record FitEpochReport(EpochReport Training, Evaluation? Validation, bool IsBest, int EpochsWithoutImprovement);
