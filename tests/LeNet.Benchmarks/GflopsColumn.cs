using System;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace LeNet.Benchmarks;

/// <summary>
/// Achieved GFLOP/s of one benchmarked call (its FLOP count over the mean, or over the fastest iteration), to set
/// against the core's peak. The fastest iteration is the better estimate on a machine other work shares.
/// </summary>
internal sealed class GflopsColumn(bool best, Func<BenchmarkCase, long> flops) : IColumn
{
    public string Id => nameof(GflopsColumn) + (best ? "Best" : "Mean");

    public string ColumnName => best ? "Best GFLOP/s" : "GFLOP/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => best ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "FLOPs of one call (multiply-add = 2) divided by the " + (best ? "fastest iteration's time" : "mean time");

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        double? ns = best ? statistics?.Min : statistics?.Mean;
        if (ns is not > 0)
        {
            return "NA";
        }

        // FLOPs per nanosecond is GFLOP/s.
        return (flops(benchmarkCase) / ns.Value).ToString("F2", CultureInfo.InvariantCulture);
    }
}
