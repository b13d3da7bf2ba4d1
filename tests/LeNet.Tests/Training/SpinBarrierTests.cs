using System.Threading;
using LeNet.Training;
using Xunit;

namespace LeNet.Tests.Training;

/// <summary>The trainer's barrier: nobody leaves a phase before every participant has finished it, phase after phase.</summary>
public sealed class SpinBarrierTests
{
    [Theory]
    [InlineData(2, 2_000)]
    [InlineData(3, 1_000)]
    public void No_participant_passes_before_all_arrive(int participants, int phases)
    {
        var barrier = new SpinBarrier(participants);
        int arrivals = 0;
        int failures = 0;
        var threads = new Thread[participants];
        for (int t = 0; t < participants; t++)
        {
            int self = t;
            threads[t] = new Thread(() =>
            {
                for (int phase = 1; phase <= phases; phase++)
                {
                    if (self == phase % participants)
                    {
                        // One participant per phase is late, so the others wait by spinning and sometimes by blocking.
                        Thread.SpinWait(200);
                    }

                    Interlocked.Increment(ref arrivals);
                    barrier.SignalAndWait();

                    // Everyone's arrival for this phase happened before the barrier opened, and nobody arrives for the
                    // next phase before this participant has passed the second barrier: the count is exact here.
                    int seen = Volatile.Read(ref arrivals);
                    if (seen != phase * participants)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    barrier.SignalAndWait();
                }
            })
            { IsBackground = true };
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(System.TimeSpan.FromMinutes(2)), "a participant never passed the barrier");
        }

        Assert.Equal(0, failures);
        Assert.Equal(phases * participants, arrivals);
    }

    [Fact]
    public void A_participant_that_arrives_after_the_spin_blocks_and_is_woken()
    {
        var barrier = new SpinBarrier(2);
        var late = new Thread(() =>
        {
            // Far past the spin phase (about a millisecond): the first participant is blocked by then.
            Thread.Sleep(200);
            barrier.SignalAndWait();
        })
        { IsBackground = true };
        late.Start();

        barrier.SignalAndWait();

        Assert.True(late.Join(System.TimeSpan.FromSeconds(30)));
    }
}
