using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using LeNet.Sample;
using LeNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LeNet.Benchmarks.Torch;

/// <summary>
/// The first 256 MNIST test images in one call through the sample's trained LeNet-5, on 1 and 2 threads: TorchSharp's
/// forward and softmax under <c>inference_mode</c> (input tensor made once, no copy back to .NET) against the
/// generated network's <c>ForwardBatch</c>. Setup checks the probabilities agree within 1e-4.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class BatchInferenceBenchmarks
{
    public const int Images = 256;

    private readonly float[] _outputs = new float[Images * LeNet5.OutputLength];
    private TorchLeNet5 _model = null!;
    private LeNet5 _network = null!;
    private Tensor _input = null!;
    private float[] _images = [];

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        LibTorchSharpPatch.EnsureLoadable();
        torch.set_num_threads(Threads);
        _network = LeNet5.CreateTrained();
        _model = new TorchLeNet5(_network.Parameters);
        _model.eval();
        Dataset batch = TrainingData.Test.Take(Images);
        _images = batch.Inputs.ToArray();
        _input = MnistTensors.Images(batch);
        _network.ForwardBatch(_images, _outputs, Threads);
        using IDisposable inference = inference_mode();
        using Tensor probabilities = nn.functional.softmax(_model.forward(_input), 1);
        float[] expected = probabilities.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            if (!(MathF.Abs(expected[i] - _outputs[i]) <= Agreement.OutputTolerance))
            {
                throw new InvalidOperationException($"Output {i}: ForwardBatch gives {_outputs[i]}, TorchSharp {expected[i]}.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _input.Dispose();
        _model.Dispose();
    }

    [Benchmark(Baseline = true, Description = "TorchSharp inference_mode x256")]
    public float TorchSharp()
    {
        using IDisposable inference = inference_mode();
        using Tensor probabilities = nn.functional.softmax(_model.forward(_input), 1);
        return probabilities[0, 0].item<float>();
    }

    [Benchmark(Description = "Generated ForwardBatch x256")]
    public float Generated()
    {
        _network.ForwardBatch(_images, _outputs, Threads);
        return _outputs[0];
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(StatisticColumn.Median, new ImagesPerSecondColumn(_ => Images));
    }
}
