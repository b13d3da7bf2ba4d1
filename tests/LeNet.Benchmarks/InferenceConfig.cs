using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace LeNet.Benchmarks;

/// <summary>Columns for the inference tables: median, images/s, GFLOP/s and % of the peak of the cores used.</summary>
internal sealed class InferenceConfig : ManualConfig
{
    public InferenceConfig()
    {
        AddColumn(
            StatisticColumn.Median,
            ThroughputColumn.ImagesPerSecond(ImagesOf),
            new GflopsColumn(best: false, FlopsOf),
            ThroughputColumn.PercentOfPeak(FlopsOf, ThreadsOf));
    }

    private static int ImagesOf(BenchmarkCase c) => c.Parameters.Items.Any(p => p.Name == "Images") ? (int)c.Parameters["Images"] : 1;

    private static int ThreadsOf(BenchmarkCase c) => c.Parameters.Items.Any(p => p.Name == "Threads") ? (int)c.Parameters["Threads"] : 1;

    private static long FlopsOf(BenchmarkCase c) => ForwardBenchmarks.Flops((int)c.Parameters["Channels"]) * ImagesOf(c);
}
