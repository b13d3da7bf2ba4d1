using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using LeNet.Sample;
using LeNet.Training;
using TorchSharp;

namespace LeNet.Benchmarks.Torch;

/// <summary>
/// Training epochs over the first <see cref="Images"/> MNIST training images, batch 64, Adam at 0.002 (constant), no
/// augmentation, from the same seed-1 weights: TorchSharp (<see cref="TorchTrainer"/>, <c>torch.set_num_threads</c>
/// equal to ours) against the project's <see cref="Trainer{TNet}"/> on the generated LeNet-5. Each invocation is one
/// epoch (64 batches) including each side's shuffle and batch gathering; warm-up iterations make it steady state.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class TrainingBenchmarks
{
    public const int Images = 4096;

    public const float LearningRate = 0.002f;

    private TorchTrainer _torch = null!;
    private Trainer<LeNet5> _generated = null!;
    private Dataset _data = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        LibTorchSharpPatch.EnsureLoadable();
        torch.set_num_threads(Threads);
        _data = TrainingData.Train.Take(Images);
        float[] initial = TrainingData.InitialParameters();
        Agreement.Check(initial, _data);
        _torch = new TorchTrainer(_data, initial, LearningRate);
        var network = new LeNet5();
        initial.AsSpan().CopyTo(network.Parameters);
        _generated = new Trainer<LeNet5>(network, new Adam(LearningRate), new TrainingOptions { BatchSize = 64, Seed = 1, Threads = Threads });
    }

    [GlobalCleanup]
    public void Cleanup() => _torch.Dispose();

    [Benchmark(Baseline = true, Description = "TorchSharp epoch")]
    public double TorchSharpEpoch() => _torch.TrainEpoch().Loss;

    [Benchmark(Description = "Generated LeNet-5 Trainer epoch")]
    public double GeneratedEpoch() => _generated.TrainEpoch(_data).Loss;

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(StatisticColumn.Median, new ImagesPerSecondColumn(_ => Images));
    }
}
