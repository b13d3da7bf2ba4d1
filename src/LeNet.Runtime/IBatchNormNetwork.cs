using System;

namespace LeNet;

/// <summary>
/// A network with <c>[BatchNorm]</c> layers: the generator implements it beside <see cref="INetwork{TSelf}"/>, and
/// <see cref="Training.Trainer{TNet}"/> trains through it, one call per mini-batch, because batch statistics need the whole
/// batch. The per-example Backward of <see cref="INetwork{TSelf}"/> normalises by the running statistics instead (as
/// PyTorch's <c>eval()</c> mode does), so it stays a function of one example.
/// </summary>
public interface IBatchNormNetwork
{
    /// <summary>Floats of scratch space <see cref="BackwardWithBatchStatistics"/> needs for <paramref name="examples"/> examples.</summary>
    int BatchStatisticsWorkspaceLength(int examples);

    /// <summary>
    /// The training pass over one mini-batch of <c>labels.Length</c> inputs (back to back): every batch normalisation uses
    /// the batch's mean and biased variance per channel, each example's loss is back-propagated through them, the summed
    /// gradient is added (+=) into <paramref name="gradients"/> (parallel to Parameters) and each output written into
    /// <paramref name="outputs"/>. With <paramref name="updateRunningStatistics"/> each layer's running mean and variance
    /// (the unbiased batch variance) move by its momentum, once for the batch, as PyTorch's <c>train()</c> mode does.
    /// Statistics are summed in a fixed order, so the result depends on the arguments alone.
    /// </summary>
    /// <returns>The summed loss.</returns>
    /// <exception cref="ArgumentException">
    /// A span has the wrong length, or a batch normalisation would see a single value per channel (a batch of one after a
    /// dense layer), whose variance is undefined.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is not a class of this network.</exception>
    float BackwardWithBatchStatistics(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradients, Span<float> outputs, Span<float> workspace,
        bool updateRunningStatistics);
}
