using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;

namespace LeNet.Benchmarks;

/// <summary>
/// The inference comparison of <see cref="SingleImageBenchmarks"/> and <see cref="BatchInferenceBenchmarks"/>, timed
/// the way a shared machine allows (`compare single|batch [rounds]`): the same setups and methods, but every row runs
/// once per round, round-robin, and keeps its fastest round. A load that rises and falls during the run then reaches
/// every row alike, so the ratios within a group keep their meaning where BenchmarkDotNet's row-after-row timings do
/// not (its error column exceeds the mean under this load).
/// </summary>
internal static class Comparison
{
    private const double TargetMicroseconds = 40;

    public static void Run(string what, int rounds)
    {
        var groups = new List<Group>();
        if (what == "single")
        {
            foreach (int channels in new[] { 1, 3 })
            {
                var bench = new SingleImageBenchmarks { Channels = channels };
                bench.Setup();
                groups.Add(new Group($"single image, {channels} channel(s), 1 thread", 1, 1, ForwardBenchmarks.Flops(channels),
                [
                    new("ONNX Runtime (IOBinding)", bench.OnnxRuntime),
                    new("Generated Forward", bench.Generated),
                    new("Ordinary kernels (Forward with a workspace)", bench.Ordinary),
                    new("Naive loops", bench.Naive),
                ]));
            }
        }
        else
        {
            foreach (int channels in new[] { 1, 3 })
            {
                foreach (int threads in new[] { 1, 2 })
                {
                    var bench = new BatchInferenceBenchmarks { Channels = channels, Images = 256, Threads = threads };
                    bench.Setup();
                    groups.Add(new Group($"batch of 256, {channels} channel(s), {threads} thread(s)", 256, threads, ForwardBenchmarks.Flops(channels) * 256,
                    [
                        new("ONNX Runtime (IOBinding)", bench.OnnxRuntime),
                        new("ForwardBatch (generated batched kernels)", bench.Generated),
                        new("ForwardBatch per image (ForcePerImage)", bench.PerImage),
                        new("Batched prototype", bench.Batched),
                    ]));
                }
            }
        }

        // Tiered compilation promotes a method after 30 calls, in the background; give it calls and time.
        for (int pass = 0; pass < 3; pass++)
        {
            foreach (Group group in groups)
            {
                foreach (Row row in group.Rows)
                {
                    for (int i = 0; i < 40; i++)
                    {
                        row.Run();
                    }
                }
            }

            Thread.Sleep(1000);
        }

        foreach (Group group in groups)
        {
            foreach (Row row in group.Rows)
            {
                double once = double.MaxValue;
                for (int i = 0; i < 5; i++)
                {
                    once = Math.Min(once, Time(row.Run, 1));
                }

                row.Repeats = Math.Max(1, (int)(TargetMicroseconds / once));
            }
        }

        for (int round = 0; round < rounds; round++)
        {
            foreach (Group group in groups)
            {
                foreach (Row row in group.Rows)
                {
                    row.Best = Math.Min(row.Best, Time(row.Run, row.Repeats));
                }
            }
        }

        double peak = ThroughputColumn.PeakGflops;
        Console.WriteLine($"Fastest of {rounds} round-robin rounds; peak {Format(peak, "F1")} GFLOP/s per core; load average {File("/proc/loadavg")}");
        foreach (Group group in groups)
        {
            Console.WriteLine();
            Console.WriteLine($"{group.Name}:");
            Console.WriteLine();
            Console.WriteLine("| Method | Fastest µs | Ratio to ONNX Runtime | images/s | GFLOP/s | % of peak |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            double baseline = group.Rows[0].Best;
            foreach (Row row in group.Rows)
            {
                double gflops = group.Flops / row.Best / 1e3;
                Console.WriteLine($"| {row.Name} | {Format(row.Best, "F2")} | {Format(row.Best / baseline, "F2")} | {Format(group.Images / row.Best * 1e6, "N0")} | {Format(gflops, "F1")} | {Format(100 * gflops / (peak * group.Threads), "F1")} |");
            }
        }
    }

    /// <summary>Mean µs per call over <paramref name="repeats"/> calls, from raw timestamps.</summary>
    private static double Time(Action action, int repeats)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < repeats; i++)
        {
            action();
        }

        return (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency / repeats;
    }

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string File(string path)
    {
        try
        {
            return System.IO.File.ReadAllText(path).Split(' ')[0];
        }
        catch (System.IO.IOException)
        {
            return "unknown";
        }
    }

    private sealed record Group(string Name, int Images, int Threads, long Flops, Row[] Rows);

    private sealed class Row(string name, Action run)
    {
        public string Name => name;

        public Action Run => run;

        public int Repeats { get; set; } = 1;

        public double Best { get; set; } = double.MaxValue;
    }
}
