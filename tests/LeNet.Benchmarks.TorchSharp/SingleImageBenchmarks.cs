using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using LeNet.Sample;
using TorchSharp;
using static TorchSharp.torch;

namespace LeNet.Benchmarks.Torch;

/// <summary>
/// One MNIST test image through the sample's trained LeNet-5 on one thread: TorchSharp's forward and softmax under
/// <c>no_grad</c> and under <c>inference_mode</c> (input tensor made once, output tensor freed per call, no copy back
/// to .NET) against the generated <c>Forward(input, output)</c>. Setup checks both give the same probabilities.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class SingleImageBenchmarks
{
    private readonly float[] _output = new float[LeNet5.OutputLength];
    private TorchLeNet5 _model = null!;
    private LeNet5 _network = null!;
    private Tensor _input = null!;
    private float[] _image = [];

    [GlobalSetup]
    public void Setup()
    {
        LibTorchSharpPatch.EnsureLoadable();
        torch.set_num_threads(1);
        _network = LeNet5.CreateTrained();
        float[] parameters = _network.Parameters.ToArray();
        Agreement.Check(parameters, TrainingData.Test);
        _model = new TorchLeNet5(parameters);
        _model.eval();
        _image = TrainingData.Test.Input(0).ToArray();
        _input = tensor(_image, [1, 1, 32, 32]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _input.Dispose();
        _model.Dispose();
    }

    [Benchmark(Baseline = true, Description = "TorchSharp no_grad")]
    public float TorchSharpNoGrad()
    {
        using IDisposable noGrad = no_grad();
        using Tensor probabilities = nn.functional.softmax(_model.forward(_input), 1);
        return probabilities[0, 0].item<float>();
    }

    [Benchmark(Description = "TorchSharp inference_mode")]
    public float TorchSharpInferenceMode()
    {
        using IDisposable inference = inference_mode();
        using Tensor probabilities = nn.functional.softmax(_model.forward(_input), 1);
        return probabilities[0, 0].item<float>();
    }

    [Benchmark(Description = "Generated Forward")]
    public float Generated()
    {
        _network.Forward(_image, _output);
        return _output[0];
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(StatisticColumn.Median, new ImagesPerSecondColumn(_ => 1));
    }
}
