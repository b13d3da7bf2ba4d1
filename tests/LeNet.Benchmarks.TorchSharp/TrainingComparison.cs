using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using LeNet.Sample;
using LeNet.Training;
using TorchSharp;

namespace LeNet.Benchmarks.Torch;

/// <summary>
/// The console modes beside BenchmarkDotNet. <c>train</c> alternates epochs of the two trainers round-robin, so a load
/// that rises and falls on a shared machine reaches both alike (BenchmarkDotNet times rows minutes apart).
/// <c>accuracy</c> trains one epoch of full MNIST on each side from the same weights and reports both test accuracies.
/// </summary>
internal static class TrainingComparison
{
    /// <summary>
    /// <c>train THREADS[,THREADS...] [ROUNDS] [IMAGES]</c>: one TorchSharp and one generated trainer per thread count,
    /// all from the same weights over the same images; every round runs one epoch of each, in turn (TorchSharp's thread
    /// count is set before each of its epochs). Prints images/s per epoch, then per thread count the best and median
    /// round of each side and the ratios.
    /// </summary>
    public static void RoundRobin(int[] threadCounts, int rounds, int images)
    {
        Dataset data = TrainingData.Train.Take(images);
        float[] initial = TrainingData.InitialParameters();
        torch.set_num_threads(1);
        Console.WriteLine($"agreement: {Agreement.Check(initial, data)}");
        var contestants = new List<Contestant>();
        foreach (int threads in threadCounts)
        {
            var network = new LeNet5();
            initial.AsSpan().CopyTo(network.Parameters);
            var trainer = new Trainer<LeNet5>(network, new Adam(TrainingBenchmarks.LearningRate), new TrainingOptions { BatchSize = 64, Seed = 1, Threads = threads });
            contestants.Add(new Contestant(threads, new TorchTrainer(data, initial, TrainingBenchmarks.LearningRate), trainer));
        }

        Console.WriteLine($"{images} MNIST images per epoch, batch 64, Adam {TrainingBenchmarks.LearningRate}; one warm-up epoch each, then {rounds} rounds; OMP_WAIT_POLICY={Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "(unset)"}; load average {LoadAverage()}");
        for (int round = 0; round <= rounds; round++)
        {
            foreach (Contestant c in contestants)
            {
                torch.set_num_threads(c.Threads);
                (double torchLoss, double torchSeconds) = c.Torch.TrainEpoch();
                EpochReport report = c.Generated.TrainEpoch(data);
                if (round == 0)
                {
                    continue;
                }

                c.TorchRates.Add(images / torchSeconds);
                c.GeneratedRates.Add(images / report.Seconds);
                Console.WriteLine(Invariant($"round {round}, {c.Threads} thread(s): TorchSharp {images / torchSeconds,8:N0} images/s (loss {torchLoss:F4}), generated {images / report.Seconds,8:N0} images/s (loss {report.Loss:F4}), ratio {torchSeconds / report.Seconds:F2}; load average {LoadAverage()}"));
            }
        }

        Console.WriteLine();
        Console.WriteLine("| Threads | Statistic | TorchSharp images/s | Generated images/s | Generated / TorchSharp |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        foreach (Contestant c in contestants)
        {
            double torchBest = c.TorchRates.Max(), generatedBest = c.GeneratedRates.Max();
            double torchMedian = Median(c.TorchRates), generatedMedian = Median(c.GeneratedRates);
            Console.WriteLine(Invariant($"| {c.Threads} | best round | {torchBest:N0} | {generatedBest:N0} | **{generatedBest / torchBest:F2}x** |"));
            Console.WriteLine(Invariant($"| {c.Threads} | median round | {torchMedian:N0} | {generatedMedian:N0} | **{generatedMedian / torchMedian:F2}x** |"));
            Console.WriteLine(Invariant($"| {c.Threads} | median of per-round ratios | | | {Median(c.TorchRates.Zip(c.GeneratedRates, (t, g) => g / t).ToList()):F2}x |"));
            c.Torch.Dispose();
        }
    }

    /// <summary><c>accuracy THREADS [EPOCHS]</c>: full MNIST from the same weights, test accuracy after each epoch on both sides.</summary>
    public static void Accuracy(int threads, int epochs)
    {
        torch.set_num_threads(threads);
        Dataset train = TrainingData.Train, test = TrainingData.Test;
        float[] initial = TrainingData.InitialParameters();
        using var torchTrainer = new TorchTrainer(train, initial, TrainingBenchmarks.LearningRate);
        var network = new LeNet5();
        initial.AsSpan().CopyTo(network.Parameters);
        var trainer = new Trainer<LeNet5>(network, new Adam(TrainingBenchmarks.LearningRate), new TrainingOptions { BatchSize = 64, Seed = 1, Threads = threads });
        Console.WriteLine($"full MNIST ({train.Count} training, {test.Count} test images), {threads} thread(s), batch 64, Adam {TrainingBenchmarks.LearningRate} constant, no augmentation, seed-1 weights on both sides; load average {LoadAverage()}");
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            (double torchLoss, double torchSeconds) = torchTrainer.TrainEpoch();
            double torchAccuracy = TorchTrainer.Accuracy(torchTrainer.Model, test);
            EpochReport report = trainer.TrainEpoch(train);
            double accuracy = trainer.Evaluate(test).Accuracy;
            Console.WriteLine(Invariant($"epoch {epoch}: TorchSharp loss {torchLoss:F4}, test {torchAccuracy:P2}, {train.Count / torchSeconds:N0} images/s; generated loss {report.Loss:F4}, test {accuracy:P2}, {report.ImagesPerSecond:N0} images/s; load average {LoadAverage()}"));
        }
    }

    private sealed record Contestant(int Threads, TorchTrainer Torch, Trainer<LeNet5> Generated)
    {
        public List<double> TorchRates { get; } = [];

        public List<double> GeneratedRates { get; } = [];
    }

    private static double Median(List<double> values)
    {
        List<double> sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
