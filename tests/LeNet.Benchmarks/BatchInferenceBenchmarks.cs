using BenchmarkDotNet.Attributes;

namespace LeNet.Benchmarks;

/// <summary>
/// A batch of 256 images, side by side with ONNX Runtime (the baseline row) on 1 and 2 threads (ours and ONNX
/// Runtime's intra-op threads): ForwardBatch (the generated batched kernels, 16 images per Vector512 block), the same
/// call forced onto the per-image Forward (<see cref="BatchKernels.ForcePerImage"/>), and the hand-written batched
/// prototype the generated kernels were generalised from.
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
        _fixture.Check("ForwardBatch per image", () => PerImage());
        _fixture.Check("the batched prototype", () => Batched());
    }

    [GlobalCleanup]
    public void Cleanup() => _fixture.Dispose();

    [Benchmark(Baseline = true, Description = "ONNX Runtime (IOBinding)")]
    public void OnnxRuntime() => _fixture.Onnx.Run();

    [Benchmark(Description = "ForwardBatch (generated batched kernels)")]
    public void Generated() => _fixture.ForwardBatch(_fixture.Inputs, _fixture.Outputs, Threads);

    [Benchmark(Description = "ForwardBatch per image (ForcePerImage)")]
    public void PerImage()
    {
        // Parallel.For's workers inherit the setting from this call; it is reset before any other row runs.
        BatchKernels.ForcePerImage = true;
        try
        {
            _fixture.ForwardBatch(_fixture.Inputs, _fixture.Outputs, Threads);
        }
        finally
        {
            BatchKernels.ForcePerImage = false;
        }
    }

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
