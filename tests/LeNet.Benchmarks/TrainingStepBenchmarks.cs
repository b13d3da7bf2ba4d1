using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using LeNet.Training;

namespace LeNet.Benchmarks;

/// <summary>
/// The gradient of one batch of 64 through LeNet-5 (1 channel), on one thread: the generated per-sample Backward 64
/// times (the per-sample path) against the generated batched training kernel (<see cref="IBatchBackward"/>, 4 blocks of
/// 16) and the hand-written batched prototype it was generalised from. Same weights, images and labels; setup checks
/// that all three give the same gradients. The optimizer step is not included (the trainer now
/// spreads it over its workers; see <see cref="TrainerEpochBenchmarks"/> for whole epochs).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class TrainingStepBenchmarks
{
    private const int Batch = 64;

    private readonly float[] _gradients = new float[LeNet5Window.ParameterCount];
    private readonly float[] _workspace = new float[LeNet5Window.TrainingWorkspaceLength];
    private LeNet5Window _network = null!;
    private BatchedLeNet5 _batched = null!;
    private float[] _batchedWorkspace = [];
    private float[] _generatedWorkspace = [];
    private float[] _outputs = [];
    private float[] _inputs = [];
    private int[] _labels = [];

    [GlobalSetup]
    public void Setup()
    {
        _network = new LeNet5Window();
        Initializer.Initialize(_network, seed: 3);
        var random = new Random(7);
        _inputs = new float[Batch * LeNet5Window.InputLength];
        for (int i = 0; i < _inputs.Length; i++)
        {
            _inputs[i] = (float)random.NextDouble();
        }

        _labels = new int[Batch];
        for (int i = 0; i < Batch; i++)
        {
            _labels[i] = random.Next(10);
        }

        _batched = new BatchedLeNet5(1, _network.Parameters);
        _batchedWorkspace = new float[_batched.TrainingWorkspaceLength];

        Array.Clear(_gradients);
        float expectedLoss = PerSample();
        float[] expected = (float[])_gradients.Clone();
        Array.Clear(_gradients);
        float loss = Batched();
        Compare(expected, _gradients, expectedLoss, loss);
        _generatedWorkspace = new float[((IBatchBackward)_network).BatchTrainingWorkspaceLength(Batch)];
        _outputs = new float[Batch * LeNet5Window.OutputLength];
        Array.Clear(_gradients);
        loss = Generated();
        Compare(expected, _gradients, expectedLoss, loss);
    }

    /// <summary>Refuses to time a prototype whose gradients differ from the generated Backward beyond rounding.</summary>
    internal static void Compare(float[] expected, float[] actual, float expectedLoss, float loss)
    {
        if (MathF.Abs(expectedLoss - loss) > 1e-4f * MathF.Abs(expectedLoss))
        {
            throw new InvalidOperationException($"Batched loss {loss}, per-sample loss {expectedLoss}.");
        }

        float scale = 0;
        foreach (float g in expected)
        {
            scale = MathF.Max(scale, MathF.Abs(g));
        }

        for (int i = 0; i < expected.Length; i++)
        {
            if (MathF.Abs(expected[i] - actual[i]) > 1e-5f * scale + 1e-4f * MathF.Abs(expected[i]))
            {
                throw new InvalidOperationException($"Batched gradient {i} is {actual[i]}, per-sample Backward gives {expected[i]} (largest gradient {scale}).");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "Generated Backward x64")]
    public float PerSample()
    {
        float loss = 0;
        for (int i = 0; i < Batch; i++)
        {
            loss += _network.Backward(_inputs.AsSpan(i * LeNet5Window.InputLength, LeNet5Window.InputLength), _labels[i], _gradients, _workspace);
        }

        return loss;
    }

    [Benchmark(Description = "Generated BackwardBatch x64")]
    public float Generated() => ((IBatchBackward)_network).BackwardBatch(_inputs, _labels, _gradients, _outputs, _generatedWorkspace);

    [Benchmark(Description = "Batched prototype x64")]
    public float Batched() => _batched.Backward(_network.Parameters, _inputs, _labels, _gradients, _batchedWorkspace);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(
                StatisticColumn.Median,
                ThroughputColumn.ImagesPerSecond(_ => Batch),
                new GflopsColumn(best: false, _ => BackwardBenchmarks.Flops * Batch),
                ThroughputColumn.PercentOfPeak(_ => BackwardBenchmarks.Flops * Batch, _ => 1));
        }
    }
}
