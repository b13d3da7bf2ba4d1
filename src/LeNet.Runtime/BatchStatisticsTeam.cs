using System;
using System.Threading;

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
    /// <summary>SpinWait rounds before blocking: a batch normalisation's phases end microseconds apart.</summary>
    private const int SpinRounds = 1000;

    private readonly object _gate = new();
    private readonly double[] _shared;
    private int _remaining;
    private int _generation;
    private volatile bool _abandoned;

    /// <summary>A team of <paramref name="workers"/> sharing <paramref name="sharedLength"/> doubles (the network's SharedBatchStatisticsLength of the largest batch).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is not positive, or the length is negative.</exception>
    public BatchStatisticsTeam(int workers, int sharedLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        ArgumentOutOfRangeException.ThrowIfNegative(sharedLength);
        Workers = workers;
        _remaining = workers;
        _shared = new double[sharedLength];
    }

    /// <summary>How many workers call <see cref="Wait"/> at every phase.</summary>
    public int Workers { get; }

    /// <summary>The sums every worker writes its examples' part of and reads whole after a <see cref="Wait"/>.</summary>
    public Span<double> Shared => _shared;

    /// <summary>Waits until every worker has called this for the current phase.</summary>
    /// <exception cref="BatchStatisticsAbandonedException">Another worker abandoned the batch.</exception>
    public void Wait()
    {
        ThrowIfAbandoned();
        int generation = Volatile.Read(ref _generation);
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            // Nobody decrements again before seeing the new generation, so the count can be reset first.
            _remaining = Workers;
            lock (_gate)
            {
                Volatile.Write(ref _generation, generation + 1);
                Monitor.PulseAll(_gate);
            }

            return;
        }

        var spinner = default(SpinWait);
        while (Volatile.Read(ref _generation) == generation && !_abandoned)
        {
            if (spinner.Count < SpinRounds)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
                continue;
            }

            lock (_gate)
            {
                while (Volatile.Read(ref _generation) == generation && !_abandoned)
                {
                    Monitor.Wait(_gate);
                }
            }
        }

        ThrowIfAbandoned();
    }

    /// <summary>Releases every worker waiting now or later with an exception: this batch cannot complete.</summary>
    public void Abandon()
    {
        lock (_gate)
        {
            _abandoned = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Whether a worker abandoned the current batch.</summary>
    public bool IsAbandoned => _abandoned;

    /// <summary>Makes an abandoned team usable again; only while no worker is inside <see cref="Wait"/>.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _abandoned = false;
            _remaining = Workers;
        }
    }

    private void ThrowIfAbandoned()
    {
        if (_abandoned)
        {
            throw new BatchStatisticsAbandonedException();
        }
    }
}
