using System;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace LeNet.Benchmarks;

/// <summary>
/// Images per second of one benchmarked call over <c>images(case)</c> images, or the call's GFLOP/s as a share of one
/// core's peak FMA rate times the threads it ran on (both from the mean time).
/// </summary>
internal sealed class ThroughputColumn(string name, Func<BenchmarkCase, double> perNanosecond, string legend) : IColumn
{
    /// <summary>
    /// One core's fp32 FMA peak in GFLOP/s: LENET_PEAK_GFLOPS when set (what ../shared/tools/peak.c prints on a quiet
    /// machine), else 171.3, that program's quiet measurement on the project's Intel Xeon (AVX-512).
    /// </summary>
    public static double PeakGflops =>
        double.TryParse(Environment.GetEnvironmentVariable("LENET_PEAK_GFLOPS"), NumberStyles.Float, CultureInfo.InvariantCulture, out double peak) ? peak : 171.3;

    public string Id => nameof(ThroughputColumn) + name;

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 2;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    public static ThroughputColumn ImagesPerSecond(Func<BenchmarkCase, int> images) =>
        new("images/s", c => images(c), "Images per call divided by the mean time");

    public static ThroughputColumn PercentOfPeak(Func<BenchmarkCase, long> flops, Func<BenchmarkCase, int> threads) =>
        new("% of peak", c => 100.0 * flops(c) / (PeakGflops * threads(c)), "GFLOP/s (mean) over the FMA peak of the cores used");

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? ns = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (ns is not > 0)
        {
            return "NA";
        }

        // images/ns x 1e9 = images/s; for % of peak the value is already FLOPs/ns over GFLOP/s, a percentage.
        double value = perNanosecond(benchmarkCase) / ns.Value;
        return name == "images/s"
            ? (value * 1e9).ToString("N0", CultureInfo.InvariantCulture)
            : value.ToString("F1", CultureInfo.InvariantCulture);
    }
}
