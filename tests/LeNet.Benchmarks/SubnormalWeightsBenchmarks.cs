using BenchmarkDotNet.Attributes;

namespace LeNet.Benchmarks;

/// <summary>
/// What the subnormal values in the sample's trained weights cost: one 1-channel image on one thread, the weights as
/// lenet5-mnist.weights holds them (15,237 subnormals, most in FC3 and FC4) against the same weights with those values
/// set to zero, for ONNX Runtime (baseline), the generated Forward and the ordinary kernels (Forward with a workspace).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InferenceConfig))]
public class SubnormalWeightsBenchmarks
{
    private InferenceFixture _fixture = null!;

    [Params(true, false)]
    public bool KeepSubnormals { get; set; }

    /// <summary>The one channel count this benchmark runs; InferenceConfig reads it for the FLOP columns.</summary>
    [Params(1)]
    public int Channels { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixture = new InferenceFixture(Channels, images: 1, threads: 1, KeepSubnormals);
        _fixture.Check("the generated Forward", () => Generated());
        _fixture.Check("the ordinary kernels", () => Ordinary());
    }

    [GlobalCleanup]
    public void Cleanup() => _fixture.Dispose();

    [Benchmark(Baseline = true, Description = "ONNX Runtime (IOBinding)")]
    public void OnnxRuntime() => _fixture.Onnx.Run();

    [Benchmark(Description = "Generated Forward")]
    public void Generated() => _fixture.Forward(_fixture.Inputs, _fixture.Outputs);

    [Benchmark(Description = "Ordinary kernels (Forward with a workspace)")]
    public void Ordinary() => _fixture.ForwardWithWorkspace(_fixture.Inputs, _fixture.Outputs);
}
