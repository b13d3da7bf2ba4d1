using System.Collections.Generic;

namespace LeNet.Training;

/// <summary>What <see cref="Trainer{TNet}.Fit"/> did.</summary>
/// <param name="History">Every epoch trained by this call, in order.</param>
/// <param name="BestEpoch">The epoch (from 1, counted over the whole run) with the best validation number; 0 without validation or epochs.</param>
/// <param name="BestValidation">The validation result of that epoch; null without validation.</param>
/// <param name="StoppedEarly">Whether early stopping ended the run before <see cref="FitOptions.Epochs"/>.</param>
/// <param name="RestoredBestWeights">Whether the network now holds the best epoch's parameters rather than the last epoch's.</param>
public sealed record FitResult(IReadOnlyList<FitEpochReport> History, int BestEpoch, Evaluation? BestValidation, bool StoppedEarly, bool RestoredBestWeights);
