using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace LeNet.Benchmarks;

/// <summary>
/// One image through LeNet-5 on one thread, side by side with ONNX Runtime (the baseline row, one intra-op thread) on
/// the same weights and input: the generated Forward and the hand-written AVX-512 single-image prototype. Setup
/// refuses to time anything whose outputs disagree with ONNX Runtime's.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InferenceConfig))]
public class SingleImageBenchmarks
{
    private InferenceFixture _fixture = null!;
    private SingleImageLeNet5 _single = null!;

    [Params(1, 3)]
    public int Channels { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixture = new InferenceFixture(Channels, images: 1, threads: 1);
        _single = new SingleImageLeNet5(Channels, _fixture.Parameters);
        _fixture.Check("the generated Forward", () => Generated());
        _fixture.Check("the single-image prototype", () => Single());
    }

    [GlobalCleanup]
    public void Cleanup() => _fixture.Dispose();

    [Benchmark(Baseline = true, Description = "ONNX Runtime (IOBinding)")]
    public void OnnxRuntime() => _fixture.Onnx.Run();

    [Benchmark(Description = "Generated Forward")]
    public void Generated() => _fixture.Forward(_fixture.Inputs, _fixture.Outputs);

    [Benchmark(Description = "Single-image prototype")]
    public void Single() => _single.Forward(_fixture.Inputs, _fixture.Outputs);
}

/// <summary>
/// A batch of 256 images, side by side with ONNX Runtime (the baseline row) on 1 and 2 threads (ours and ONNX
/// Runtime's intra-op threads): ForwardBatch (today the generated per-image Forward on each thread) and the
/// hand-written batched prototype (16 images per Vector512 block, whole blocks per thread).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InferenceConfig))]
public class BatchInferenceBenchmarks
{
    private InferenceFixture _fixture = null!;
    private BatchedLeNet5 _batched = null!;
    private float[] _workspace = [];
    private ThreadLocalWorkspaces _workspaces = null!;

    [Params(1, 3)]
    public int Channels { get; set; }

    [Params(256)]
    public int Images { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fixture = new InferenceFixture(Channels, Images, Threads);
        _batched = new BatchedLeNet5(Channels, _fixture.Parameters);
        _workspace = new float[_batched.WorkspaceLength];
        _workspaces = new ThreadLocalWorkspaces(_batched);
        _fixture.Check("ForwardBatch", () => Generated());
        _fixture.Check("the batched prototype", () => Batched());
    }

    [GlobalCleanup]
    public void Cleanup() => _fixture.Dispose();

    [Benchmark(Baseline = true, Description = "ONNX Runtime (IOBinding)")]
    public void OnnxRuntime() => _fixture.Onnx.Run();

    [Benchmark(Description = "ForwardBatch (per-image Forward)")]
    public void Generated() => _fixture.ForwardBatch(_fixture.Inputs, _fixture.Outputs, Threads);

    [Benchmark(Description = "Batched prototype")]
    public void Batched()
    {
        if (Threads == 1)
        {
            _batched.Forward(_fixture.Inputs, _fixture.Outputs, _workspace);
        }
        else
        {
            BatchRunner.Run(_fixture.Inputs, _batched.InputLength, _fixture.Outputs, 10, Threads, BatchedLeNet5.Lanes, _workspaces, ThreadLocalWorkspaces.Kernel);
        }
    }

    /// <summary>One prototype workspace per thread, for the threaded rows.</summary>
    private sealed class ThreadLocalWorkspaces(BatchedLeNet5 batched)
    {
        public static readonly BatchRunner.ImageRange<ThreadLocalWorkspaces> Kernel = (state, inputs, outputs) =>
            state.Batched.Forward(inputs, outputs, state._workspace.Value!);

        private readonly System.Threading.ThreadLocal<float[]> _workspace = new(() => new float[batched.WorkspaceLength]);

        public BatchedLeNet5 Batched => batched;
    }
}

/// <summary>Same random weights and inputs for every row, ONNX Runtime bound to the same arrays, and the generated network.</summary>
internal sealed class InferenceFixture : IDisposable
{
    private readonly float[] _onnxOutputs;
    private readonly Action<float[], float[]> _forward;
    private readonly Action<float[], float[], int> _forwardBatch;

    public InferenceFixture(int channels, int images, int threads)
    {
        var random = new Random(42);
        Parameters = new float[NaiveLeNet5.ParameterCount(channels)];
        for (int i = 0; i < Parameters.Length; i++)
        {
            Parameters[i] = (float)((random.NextDouble() * 2 - 1) * 0.1);
        }

        Inputs = new float[images * channels * 32 * 32];
        for (int i = 0; i < Inputs.Length; i++)
        {
            Inputs[i] = (float)random.NextDouble();
        }

        Outputs = new float[images * 10];
        _onnxOutputs = new float[images * 10];
        (_forward, _forwardBatch) = channels == 1 ? Bind<LeNet5Window>(Parameters) : Bind<LeNet5RgbWindow>(Parameters);
        Onnx = new OnnxRuntimeRunner(OnnxLeNet5Writer.Write(channels, Parameters), threads, Inputs, _onnxOutputs, images, channels);
        Onnx.Run();
    }

    public float[] Parameters { get; }

    public float[] Inputs { get; }

    public float[] Outputs { get; }

    public OnnxRuntimeRunner Onnx { get; }

    public void Forward(float[] input, float[] output) => _forward(input, output);

    public void ForwardBatch(float[] inputs, float[] outputs, int threads) => _forwardBatch(inputs, outputs, threads);

    /// <summary>Runs <paramref name="run"/> and throws unless every output is within 1e-5 of ONNX Runtime's.</summary>
    public void Check(string what, Action run)
    {
        Array.Fill(Outputs, float.NaN);
        run();
        for (int i = 0; i < Outputs.Length; i++)
        {
            if (!(MathF.Abs(_onnxOutputs[i] - Outputs[i]) <= 1e-5f))
            {
                throw new InvalidOperationException($"{what}: output {i} is {Outputs[i]}, ONNX Runtime gives {_onnxOutputs[i]}.");
            }
        }
    }

    public void Dispose() => Onnx.Dispose();

    private static (Action<float[], float[]>, Action<float[], float[], int>) Bind<T>(ReadOnlySpan<float> parameters)
        where T : class, INetwork<T>
    {
        T network = T.Create();
        parameters.CopyTo(network.Parameters);
        return ((input, output) => network.Forward(input, output), (inputs, outputs, threads) => network.ForwardBatch(inputs, outputs, threads));
    }
}

/// <summary>Columns for the inference tables: median, images/s, GFLOP/s and % of the peak of the cores used.</summary>
internal sealed class InferenceConfig : ManualConfig
{
    public InferenceConfig()
    {
        AddColumn(
            StatisticColumn.Median,
            ThroughputColumn.ImagesPerSecond(ImagesOf),
            new GflopsColumn(best: false, FlopsOf),
            ThroughputColumn.PercentOfPeak(FlopsOf, ThreadsOf));
    }

    private static int ImagesOf(BenchmarkCase c) => c.Parameters.Items.Any(p => p.Name == "Images") ? (int)c.Parameters["Images"] : 1;

    private static int ThreadsOf(BenchmarkCase c) => c.Parameters.Items.Any(p => p.Name == "Threads") ? (int)c.Parameters["Threads"] : 1;

    private static long FlopsOf(BenchmarkCase c) => ForwardBenchmarks.Flops((int)c.Parameters["Channels"]) * ImagesOf(c);
}
