using System.Threading;

namespace LeNet.Training;

/// <summary>
/// A barrier for the trainer's short phases: waiters spin (yielding the core to other threads after a few rounds)
/// before they block, because a phase of the batch often ends microseconds after another, and waking a blocked thread
/// costs more than that (System.Threading.Barrier blocks sooner). A participant that fails can <see cref="Abandon"/>
/// the barrier, so the others stop waiting rather than deadlock. Allocates nothing per wait.
/// </summary>
internal sealed class SpinBarrier
{
    /// <summary>SpinWait rounds before blocking: past the first few each yields, so this is up to about a millisecond.</summary>
    private const int SpinRounds = 1000;

    private readonly object _gate = new();
    private int _remaining;
    private int _generation;
    private volatile bool _abandoned;

    public SpinBarrier(int participants)
    {
        Participants = participants;
        _remaining = participants;
    }

    /// <summary>How many participants call <see cref="SignalAndWait"/> at every phase.</summary>
    public int Participants { get; }

    /// <summary>Whether a participant abandoned the barrier (and <see cref="Reset"/> has not been called since).</summary>
    public bool IsAbandoned => _abandoned;

    /// <summary>
    /// Waits until all participants have called this for the current phase; returns false, without waiting further,
    /// once the barrier is abandoned.
    /// </summary>
    public bool SignalAndWait()
    {
        if (_abandoned)
        {
            return false;
        }

        int generation = Volatile.Read(ref _generation);
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            // Nobody decrements again before seeing the new generation, so the count can be reset first.
            _remaining = Participants;
            lock (_gate)
            {
                Volatile.Write(ref _generation, generation + 1);
                Monitor.PulseAll(_gate);
            }

            return true;
        }

        var spinner = default(SpinWait);
        while (Volatile.Read(ref _generation) == generation && !_abandoned)
        {
            if (spinner.Count < SpinRounds)
            {
                // No Sleep(1): a millisecond's nap is far longer than a phase.
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

        return !_abandoned;
    }

    /// <summary>Releases every participant waiting now or later: <see cref="SignalAndWait"/> returns false.</summary>
    public void Abandon()
    {
        lock (_gate)
        {
            _abandoned = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Makes an abandoned barrier usable again; only while no participant is inside <see cref="SignalAndWait"/>.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _abandoned = false;
            _remaining = Participants;
        }
    }
}
