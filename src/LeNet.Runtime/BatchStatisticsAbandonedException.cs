using System;

namespace LeNet;

/// <summary>
/// Thrown by <see cref="BatchStatisticsTeam.Wait"/> to the workers of a batch that another worker abandoned: its batch
/// statistics are incomplete. The abandoning worker's own exception says what went wrong.
/// </summary>
public sealed class BatchStatisticsAbandonedException : InvalidOperationException
{
    /// <summary>The standard message: another worker of this batch failed.</summary>
    public BatchStatisticsAbandonedException()
        : base("Another worker of this batch failed; its batch statistics are incomplete.")
    {
    }

    /// <summary>With a message of its own.</summary>
    public BatchStatisticsAbandonedException(string message)
        : base(message)
    {
    }

    /// <summary>With a message and the exception behind it.</summary>
    public BatchStatisticsAbandonedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
