using System;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace LeNet.Benchmarks.Torch;

/// <summary>Images per second of one benchmarked call over <c>images(case)</c> images, from the mean time.</summary>
internal sealed class ImagesPerSecondColumn(Func<BenchmarkCase, int> images) : IColumn
{
    public string Id => nameof(ImagesPerSecondColumn);

    public string ColumnName => "images/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Images per call divided by the mean time";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? nanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return nanoseconds is > 0
            ? (images(benchmarkCase) * 1e9 / nanoseconds.Value).ToString("N0", CultureInfo.InvariantCulture)
            : "NA";
    }
}
