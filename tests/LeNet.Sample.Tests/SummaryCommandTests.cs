using System;
using Xunit;

namespace LeNet.Sample.Tests;

/// <summary><c>summary</c>: both generated layer tables, rendered as tables.</summary>
public sealed class SummaryCommandTests
{
    [Fact]
    public void Prints_both_layer_tables_with_their_parameter_totals()
    {
        SampleResult result = SampleProcess.Run(["summary"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("LeNet-5, 1 channel (MNIST digits)", result.Output, StringComparison.Ordinal);
        Assert.Contains("LeNet-5, 3 channels", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"│ Total\s+│\s+│\s+│\s+61706 │", result.Output);
        Assert.Matches(@"│ Total\s+│\s+│\s+│\s+62006 │", result.Output);
        Assert.Matches(@"│ CONV1\s+│ \(28,28,6\)\s+│\s+4704 │\s+156 │", result.Output);
        Assert.Contains("CONV1 as a dense layer would need 1024x4704 = 4,816,896 weights", result.Output, StringComparison.Ordinal);
    }
}
