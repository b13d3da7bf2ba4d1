using System;

namespace LeNet;

/// <summary>
/// A network with <c>[BatchNorm]</c> layers: the generator implements it beside <see cref="INetwork{TSelf}"/>, and
/// <see cref="Training.Trainer{TNet}"/> trains through it, one call per mini-batch and worker, because batch statistics
/// need the whole batch. The per-example Backward of <see cref="INetwork{TSelf}"/> normalises by the running statistics
/// instead (as PyTorch's <c>eval()</c> mode does), so it stays a function of one example.
/// </summary>
public interface IBatchNormNetwork
{
    /// <summary>Floats of scratch space <see cref="BackwardWithBatchStatistics(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, Span{float}, Span{float}, bool)"/> needs for <paramref name="examples"/> examples.</summary>
    int BatchStatisticsWorkspaceLength(int examples);

    /// <summary>Doubles of <see cref="BatchStatisticsTeam.Shared"/> a team needs for batches of up to <paramref name="examples"/> examples.</summary>
    int SharedBatchStatisticsLength(int examples);

    /// <summary>
    /// The training pass over one mini-batch of <c>labels.Length</c> inputs (back to back): every batch normalisation uses
    /// the batch's mean and biased variance per channel, each example's loss is back-propagated through them, the summed
    /// gradient is added (+=) into <paramref name="gradients"/> (parallel to Parameters) and each output written into
    /// <paramref name="outputs"/>. With <paramref name="updateRunningStatistics"/> each layer's running mean and variance
    /// (the unbiased batch variance) move by its momentum, once for the batch, as PyTorch's <c>train()</c> mode does.
    /// Each channel's statistics are summed per example, then over the examples in order, so the result depends on the
    /// arguments alone, and is the one a team of workers sharing the batch computes.
    /// </summary>
    /// <returns>The summed loss.</returns>
    /// <exception cref="ArgumentException">
    /// A span has the wrong length, or a batch normalisation would see a single value per channel (a batch of one after a
    /// dense layer), whose variance is undefined.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is not a class of this network.</exception>
    float BackwardWithBatchStatistics(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradients, Span<float> outputs, Span<float> workspace,
        bool updateRunningStatistics);

    /// <summary>
    /// One worker's part of the training pass over a mini-batch shared by <see cref="BatchStatisticsShard.Team"/>: every
    /// worker of the team calls this at once with its own examples (inputs, labels, outputs), gradient buffer and
    /// workspace (<see cref="BatchStatisticsWorkspaceLength"/> of its examples), and they wait for each other at every batch
    /// normalisation. Each adds its examples' gradients of the other layers; the lead (worker 0) also adds the batch
    /// norms' γ and β gradients of the whole batch and, with <paramref name="updateRunningStatistics"/>, moves the running
    /// statistics. The batch statistics and the γ and β gradients have the bits of the one-call pass over the batch; the
    /// other gradients, summed per worker, those of the shares. A worker whose call fails abandons the team.
    /// </summary>
    /// <returns>This worker's summed loss.</returns>
    /// <exception cref="ArgumentException">As the one-call pass, or the shard does not fit the spans or the team's shared sums.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is not a class of this network.</exception>
    /// <exception cref="BatchStatisticsAbandonedException">Another worker of the team failed.</exception>
    float BackwardWithBatchStatistics(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradients, Span<float> outputs, Span<float> workspace,
        bool updateRunningStatistics, BatchStatisticsShard shard);
}
