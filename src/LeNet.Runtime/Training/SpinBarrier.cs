using System.Threading;

namespace LeNet.Training;

/// <summary>
/// A barrier for the trainer's short phases: waiters spin (yielding the core to other threads after a few rounds)
/// before they block, because a phase of the batch often ends microseconds after another, and waking a blocked thread
/// costs more than that (System.Threading.Barrier blocks sooner). Allocates nothing per wait.
/// </summary>
internal sealed class SpinBarrier
{
    /// <summary>SpinWait rounds before blocking: past the first few each yields, so this is up to about a millisecond.</summary>
    private const int SpinRounds = 1000;

    private readonly int _participants;
    private readonly object _gate = new();
    private int _remaining;
    private int _generation;

    public SpinBarrier(int participants)
    {
        _participants = participants;
        _remaining = participants;
    }

    /// <summary>Waits until all participants have called this for the current phase.</summary>
    public void SignalAndWait()
    {
        int generation = Volatile.Read(ref _generation);
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            // Nobody decrements again before seeing the new generation, so the count can be reset first.
            _remaining = _participants;
            lock (_gate)
            {
                Volatile.Write(ref _generation, generation + 1);
                Monitor.PulseAll(_gate);
            }

            return;
        }

        var spinner = default(SpinWait);
        while (Volatile.Read(ref _generation) == generation)
        {
            if (spinner.Count < SpinRounds)
            {
                // No Sleep(1): a millisecond's nap is far longer than a phase.
                spinner.SpinOnce(sleep1Threshold: -1);
                continue;
            }

            lock (_gate)
            {
                while (Volatile.Read(ref _generation) == generation)
                {
                    Monitor.Wait(_gate);
                }
            }
        }
    }
}
