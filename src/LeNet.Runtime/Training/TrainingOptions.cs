using System;

namespace LeNet.Training;

/// <summary>How a <see cref="Trainer{TNet}"/> trains: batch size, seed, threads, weight decay, learning-rate schedule and augmentation.</summary>
public sealed record TrainingOptions
{
    /// <summary>Examples per mini-batch, m in J = (1/m) Σ L (64).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Drives the shuffle and the augmentation of every epoch (1); pass the same seed to <see cref="Initializer"/>.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Most worker threads a trainer or evaluator takes (each has its own gradient buffer and workspace).</summary>
    public const int MaxThreads = 256;

    /// <summary>
    /// Worker threads, 1 to <see cref="MaxThreads"/>; results are bit-identical for the same seed and thread count (all
    /// cores by default, at most <see cref="MaxThreads"/>).
    /// </summary>
    public int Threads { get; init; } = Math.Min(Environment.ProcessorCount, MaxThreads);

    /// <summary>L2 weight decay λ: the gradient of (λ/2)·‖W‖² is added to the weights' gradients, not the biases' (0).</summary>
    public float WeightDecay { get; init; }

    /// <summary>
    /// The learning rate of epoch e (0-based) is the optimizer's rate times Schedule(e); constant when null. A factor that
    /// is not positive and finite stops <see cref="Trainer{TNet}.TrainEpoch(Dataset)"/> before the epoch starts.
    /// </summary>
    public Func<int, float>? Schedule { get; init; }

    /// <summary>
    /// Label smoothing ε in [0, 1): the cross-entropy's target is (1 − ε)·onehot(label) + ε/K over the K classes instead of
    /// onehot(label), so the network is not pushed towards certainty (Szegedy et al. 2016; PyTorch's
    /// <c>CrossEntropyLoss(label_smoothing=ε)</c>). Only the gradient changes: the reported loss stays −log p[label]. It
    /// applies to softmax outputs; a single sigmoid unit ignores it (0).
    /// </summary>
    public float LabelSmoothing { get; init; }

    /// <summary>Random distortions of every training example, drawn per example and epoch from the seed; none when null (the default).</summary>
    public ImageAugmentation? Augmentation { get; init; }

    /// <summary>Refuses a thread count outside 1 to <see cref="MaxThreads"/>.</summary>
    internal static void CheckThreads(int threads, string name)
    {
        if (threads <= 0 || threads > MaxThreads)
        {
            throw new ArgumentOutOfRangeException(name, threads, $"Expected 1 to {MaxThreads} threads, got {threads}.");
        }
    }

    internal void Validate()
    {
        if (BatchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Expected a positive batch size.");
        }

        CheckThreads(Threads, nameof(Threads));

        if (WeightDecay < 0 || !float.IsFinite(WeightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "Expected a non-negative, finite weight decay.");
        }

        if (!(LabelSmoothing >= 0 && LabelSmoothing < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Expected a label smoothing in [0, 1), got {LabelSmoothing}."));
        }
    }
}
