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
    /// <summary><c>train THREADS [ROUNDS] [IMAGES]</c>: images/s of both trainers per round, their best and median, and the ratios.</summary>
    public static void RoundRobin(int threads, int rounds, int images)
    {
        torch.set_num_threads(threads);
        Dataset data = TrainingData.Train.Take(images);
        float[] initial = TrainingData.InitialParameters();
        Console.WriteLine($"agreement: {Agreement.Check(initial, data)}");
        using var torchTrainer = new TorchTrainer(data, initial, TrainingBenchmarks.LearningRate);
        var network = new LeNet5();
        initial.AsSpan().CopyTo(network.Parameters);
        var trainer = new Trainer<LeNet5>(network, new Adam(TrainingBenchmarks.LearningRate), new TrainingOptions { BatchSize = 64, Seed = 1, Threads = threads });
        Console.WriteLine($"{threads} thread(s), {images} MNIST images per epoch, batch 64, Adam {TrainingBenchmarks.LearningRate}; one warm-up epoch each, then {rounds} rounds; load average {LoadAverage()}");
        torchTrainer.TrainEpoch();
        trainer.TrainEpoch(data);
        var torchRates = new List<double>();
        var generatedRates = new List<double>();
        for (int round = 1; round <= rounds; round++)
        {
            (double torchLoss, double torchSeconds) = torchTrainer.TrainEpoch();
            EpochReport report = trainer.TrainEpoch(data);
            torchRates.Add(images / torchSeconds);
            generatedRates.Add(images / report.Seconds);
            Console.WriteLine(Invariant($"round {round}: TorchSharp {images / torchSeconds,8:N0} images/s (loss {torchLoss:F4}), generated {images / report.Seconds,8:N0} images/s (loss {report.Loss:F4}), ratio {torchSeconds / report.Seconds:F2}; load average {LoadAverage()}"));
        }

        double torchBest = torchRates.Max(), generatedBest = generatedRates.Max();
        double torchMedian = Median(torchRates), generatedMedian = Median(generatedRates);
        Console.WriteLine();
        Console.WriteLine("| Threads | Statistic | TorchSharp images/s | Generated images/s | Generated / TorchSharp |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        Console.WriteLine(Invariant($"| {threads} | best round | {torchBest:N0} | {generatedBest:N0} | **{generatedBest / torchBest:F2}x** |"));
        Console.WriteLine(Invariant($"| {threads} | median round | {torchMedian:N0} | {generatedMedian:N0} | **{generatedMedian / torchMedian:F2}x** |"));
        Console.WriteLine(Invariant($"| {threads} | median of per-round ratios | | | {Median(torchRates.Zip(generatedRates, (t, g) => g / t).ToList()):F2}x |"));
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
