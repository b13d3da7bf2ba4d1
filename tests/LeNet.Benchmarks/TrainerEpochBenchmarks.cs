using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using LeNet.Training;

namespace LeNet.Benchmarks;

/// <summary>
/// Whole training epochs of the real <see cref="Trainer{TNet}"/>: LeNet-5 (1 channel), Adam, batch 64, over 4,096
/// random 32x32 images, on 1 and 2 worker threads: the generated batched training kernel (<see cref="IBatchBackward"/>)
/// against its per-sample fallback (<see cref="BatchKernels.ForcePerImage"/>, one generated Backward per example, the
/// arithmetic main had before the batched kernels). Each invocation is one epoch (64 batches), so the per-batch costs
/// (barriers, gathering the shares, gradient sum, optimizer step) are in the time.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class TrainerEpochBenchmarks
{
    private const int Images = 4096;

    private Trainer<LeNet5Window> _trainer = null!;
    private Trainer<LeNet5Window> _batchedTrainer = null!;
    private Dataset _data = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(5);
        var inputs = new float[Images * LeNet5Window.InputLength];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)random.NextDouble();
        }

        var labels = new int[Images];
        for (int i = 0; i < Images; i++)
        {
            labels[i] = random.Next(10);
        }

        _data = new Dataset(inputs, labels, LeNet5Window.InputLength);
        var network = new LeNet5Window();
        Initializer.Initialize(network, seed: 1);
        _trainer = new Trainer<LeNet5Window>(network, new Adam(), new TrainingOptions { BatchSize = 64, Threads = Threads, Seed = 1 });
        var batched = new LeNet5Window();
        Initializer.Initialize(batched, seed: 1);
        _batchedTrainer = new Trainer<LeNet5Window>(batched, new Adam(), new TrainingOptions { BatchSize = 64, Threads = Threads, Seed = 1 });
    }

    [Benchmark(Baseline = true, Description = "Per-sample Backward")]
    public double Epoch()
    {
        // The workers start inside TrainEpoch and inherit the setting; it is reset before any other row runs.
        BatchKernels.ForcePerImage = true;
        try
        {
            return _trainer.TrainEpoch(_data).Loss;
        }
        finally
        {
            BatchKernels.ForcePerImage = false;
        }
    }

    [Benchmark(Description = "Generated batched kernels")]
    public double BatchedEpoch() => _batchedTrainer.TrainEpoch(_data).Loss;

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(StatisticColumn.Median, ThroughputColumn.ImagesPerSecond(_ => Images));
    }
}
