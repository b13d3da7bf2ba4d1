using System;
using BenchmarkDotNet.Attributes;

namespace LeNet.Benchmarks;

/// <summary>
/// One image through LeNet-5 on one thread, side by side with ONNX Runtime (the baseline row, one intra-op thread) on
/// the same weights and input: the generated Forward (the single-image inference pass), Forward with a workspace (the
/// ordinary layer kernels that training runs) and the naive loops. Setup refuses to time anything whose outputs disagree with ONNX Runtime's.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InferenceConfig))]
public class SingleImageBenchmarks
{
    private InferenceFixture _fixture = null!;
    private NaiveLeNet5 _naive = null!;

    [Params(1, 3)]
    public int Channels { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixture = new InferenceFixture(Channels, images: 1, threads: 1);
        _naive = new NaiveLeNet5(Channels);
        _fixture.Parameters.AsSpan().CopyTo(_naive.Parameters);
        _fixture.Check("the generated Forward", () => Generated());
        _fixture.Check("the ordinary kernels", () => Ordinary());
        _fixture.Check("the naive loops", () => Naive());
    }

    [GlobalCleanup]
    public void Cleanup() => _fixture.Dispose();

    [Benchmark(Baseline = true, Description = "ONNX Runtime (IOBinding)")]
    public void OnnxRuntime() => _fixture.Onnx.Run();

    [Benchmark(Description = "Generated Forward")]
    public void Generated() => _fixture.Forward(_fixture.Inputs, _fixture.Outputs);

    [Benchmark(Description = "Ordinary kernels (Forward with a workspace)")]
    public void Ordinary() => _fixture.ForwardWithWorkspace(_fixture.Inputs, _fixture.Outputs);

    [Benchmark(Description = "Naive loops")]
    public void Naive() => _naive.Forward(_fixture.Inputs, _fixture.Outputs);
}
