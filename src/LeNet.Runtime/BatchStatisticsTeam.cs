using System;
using LeNet.Training;

namespace LeNet;

/// <summary>
/// The workers that share one mini-batch of a network with batch normalisation (see
/// <see cref="IBatchNormNetwork.BackwardWithBatchStatistics(ReadOnlySpan{float}, ReadOnlySpan{int}, Span{float}, Span{float}, Span{float}, bool, BatchStatisticsShard)"/>):
/// each batch normalisation's per-example channel sums go into <see cref="Shared"/> and every worker waits at
/// <see cref="Wait"/> until all have written theirs, then reduces them in example order. A worker that fails calls
/// <see cref="Abandon"/>, so the others stop waiting (they throw) rather than deadlock. Allocates nothing per wait.
/// </summary>
public sealed class BatchStatisticsTeam
{
    private readonly SpinBarrier _barrier;
    private readonly double[] _shared;

    /// <summary>A team of <paramref name="workers"/> sharing <paramref name="sharedLength"/> doubles (the network's SharedBatchStatisticsLength of the largest batch).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive, or the length is negative.</exception>
    public BatchStatisticsTeam(int workers, int sharedLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        ArgumentOutOfRangeException.ThrowIfNegative(sharedLength);
        _barrier = new SpinBarrier(workers);
        _shared = new double[sharedLength];
    }

    /// <summary>How many workers call <see cref="Wait"/> at every phase.</summary>
    public int Workers => _barrier.Participants;

    /// <summary>The sums every worker writes its examples' part of and reads whole after a <see cref="Wait"/>.</summary>
    public Span<double> Shared => _shared;

    /// <summary>Waits until every worker has called this for the current phase.</summary>
    /// <exception cref="BatchStatisticsAbandonedException">Another worker abandoned the batch.</exception>
    public void Wait()
    {
        if (!_barrier.SignalAndWait())
        {
            throw new BatchStatisticsAbandonedException();
        }
    }

    /// <summary>Releases every worker waiting now or later with an exception: this batch cannot complete.</summary>
    public void Abandon() => _barrier.Abandon();

    /// <summary>Whether a worker abandoned the current batch.</summary>
    public bool IsAbandoned => _barrier.IsAbandoned;

    /// <summary>Makes an abandoned team usable again; only while no worker is inside <see cref="Wait"/>.</summary>
    public void Reset() => _barrier.Reset();
}
