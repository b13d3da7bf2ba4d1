using System;

namespace LeNet.Training;

/// <summary>How <see cref="Trainer{TNet}.Fit"/> runs: epochs, validation, early stopping and progress callbacks.</summary>
public sealed record FitOptions
{
    /// <summary>Train until the trainer has completed this many epochs in all (so a resumed trainer continues its run) (10).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Data evaluated after every epoch; early stopping and the best weights need it. None when null.</summary>
    public Dataset? Validation { get; init; }

    /// <summary>The validation number that decides which epoch is best (<see cref="ValidationMetric.Loss"/>).</summary>
    public ValidationMetric Monitor { get; init; } = ValidationMetric.Loss;

    /// <summary>Stop after this many epochs in a row without improvement; null (the default) never stops early.</summary>
    public int? Patience { get; init; }

    /// <summary>The least change of the monitored number that counts as an improvement (0).</summary>
    public double MinDelta { get; init; }

    /// <summary>At the end, put back the parameters of the best validation epoch (true; needs <see cref="Validation"/>).</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Told about every mini-batch after its update, on the training thread.</summary>
    public IProgress<BatchReport>? BatchProgress { get; init; }

    /// <summary>Told about every epoch after its validation, on the training thread.</summary>
    public IProgress<FitEpochReport>? EpochProgress { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Epochs, nameof(Epochs));
        if (Patience is int patience && patience <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Patience), patience, "Expected a patience of at least one epoch, or null for no early stopping.");
        }

        if (Patience is not null && Validation is null)
        {
            throw new ArgumentException("Early stopping (Patience) watches the validation set: set FitOptions.Validation too.", nameof(Patience));
        }

        if (!(MinDelta >= 0) || double.IsInfinity(MinDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(MinDelta), MinDelta, "Expected a non-negative, finite minimum improvement.");
        }
    }
}
