using System;

namespace LeNet;

/// <summary>
/// One worker's part of a mini-batch trained with batch statistics: its examples are <see cref="First"/> onwards of
/// <see cref="Total"/>, and it shares the statistics with the other workers of <see cref="Team"/>. Worker 0 (the lead)
/// adds the batch norms' γ and β gradients of the whole batch and moves the running statistics; every worker adds its own
/// examples' gradients of the other layers. <c>default</c> stands for no team: one caller with the whole batch.
/// </summary>
public readonly struct BatchStatisticsShard
{
    /// <summary>Worker <paramref name="worker"/> of <paramref name="team"/>, with examples <paramref name="first"/> onwards of a batch of <paramref name="total"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="team"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The worker is not one of the team's, or the first example is not in the batch.</exception>
    public BatchStatisticsShard(BatchStatisticsTeam team, int worker, int first, int total)
    {
        ArgumentNullException.ThrowIfNull(team);
        ArgumentOutOfRangeException.ThrowIfNegative(worker);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(worker, team.Workers);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, total);
        Team = team;
        Worker = worker;
        First = first;
        Total = total;
    }

    /// <summary>The workers sharing the batch; null when one caller trains it whole.</summary>
    public BatchStatisticsTeam? Team { get; }

    /// <summary>This worker's index in the team: worker 0 adds the γ and β gradients and moves the running statistics.</summary>
    public int Worker { get; }

    /// <summary>The batch index of this worker's first example.</summary>
    public int First { get; }

    /// <summary>The examples of the whole batch (all workers'); with no team, 0 stands for this call's.</summary>
    public int Total { get; }

    /// <summary>Whether this worker adds the batch-wide gradients and statistics.</summary>
    public bool IsLead => Worker == 0;

    /// <summary>The examples of the whole batch when this worker holds <paramref name="count"/> of them.</summary>
    public int TotalFor(int count) => Team is null ? count : Total;
}
