using System;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace LeNet.Benchmarks;

/// <summary>
/// LeNet-5 inference side by side with ONNX Runtime (the baseline row) on the same weights and inputs, in one run:
/// <see cref="Images"/> = 1 is the single-image call, 256 a batch; <see cref="Threads"/> is ours and ONNX Runtime's
/// intra-op thread count. Ours: the generated per-image Forward in a loop, and the hand-written batched prototype
/// (16 images per Vector512 block). Setup refuses to time anything whose outputs disagree.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class InferenceBenchmarks
{
    private float[] _inputs = [], _outputs = [], _onnxOutputs = [];
    private float[] _workspace0 = [], _workspace1 = [];
    private Func<int, int, int> _forwardRange = null!;
    private BatchedLeNet5 _batched = null!;
    private OnnxRuntimeRunner _onnx = null!;
    private int _inputLength;

    [Params(1, 3)]
    public int Channels { get; set; }

    [Params(1, 256)]
    public int Images { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var parameters = new float[NaiveLeNet5.ParameterCount(Channels)];
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = (float)((random.NextDouble() * 2 - 1) * 0.1);
        }

        _inputLength = Channels * 32 * 32;
        _inputs = new float[Images * _inputLength];
        for (int i = 0; i < _inputs.Length; i++)
        {
            _inputs[i] = (float)random.NextDouble();
        }

        _outputs = new float[Images * 10];
        _onnxOutputs = new float[Images * 10];
        _forwardRange = Channels == 1 ? ForwardRange<LeNet5Window>(parameters) : ForwardRange<LeNet5RgbWindow>(parameters);
        _batched = new BatchedLeNet5(Channels, parameters);
        _workspace0 = new float[_batched.WorkspaceLength];
        _workspace1 = new float[_batched.WorkspaceLength];
        _onnx = new OnnxRuntimeRunner(OnnxLeNet5Writer.Write(Channels, parameters), Threads, _inputs, _onnxOutputs, Images, Channels);

        _onnx.Run();
        float[] expected = (float[])_onnxOutputs.Clone();
        Check("ONNX Runtime against the generated Forward", expected, () => Generated(), 1e-5f);
        Check("the batched prototype against the generated Forward", expected, () => Batched(), 1e-5f);
    }

    [GlobalCleanup]
    public void Cleanup() => _onnx.Dispose();

    [Benchmark(Baseline = true, Description = "ONNX Runtime (IOBinding)")]
    public void OnnxRuntime() => _onnx.Run();

    [Benchmark(Description = "Generated Forward per image")]
    public void Generated()
    {
        if (Threads == 1 || Images == 1)
        {
            _forwardRange(0, Images);
        }
        else
        {
            int half = Images / 2;
            Parallel.Invoke(() => _forwardRange(0, half), () => _forwardRange(half, Images));
        }
    }

    [Benchmark(Description = "Batched prototype")]
    public void Batched()
    {
        if (Threads == 1 || Images <= BatchedLeNet5.Lanes)
        {
            _batched.Forward(_inputs, _outputs, _workspace0);
        }
        else
        {
            // Whole blocks per thread.
            int half = (Images / 2 + BatchedLeNet5.Lanes - 1) / BatchedLeNet5.Lanes * BatchedLeNet5.Lanes;
            Parallel.Invoke(
                () => _batched.Forward(_inputs.AsSpan(0, half * _inputLength), _outputs.AsSpan(0, half * 10), _workspace0),
                () => _batched.Forward(_inputs.AsSpan(half * _inputLength), _outputs.AsSpan(half * 10), _workspace1));
        }
    }

    private Func<int, int, int> ForwardRange<T>(ReadOnlySpan<float> parameters)
        where T : INetwork<T>
    {
        T network = T.Create();
        parameters.CopyTo(network.Parameters);
        return (from, to) =>
        {
            for (int i = from; i < to; i++)
            {
                network.Forward(_inputs.AsSpan(i * _inputLength, _inputLength), _outputs.AsSpan(i * 10, 10));
            }

            return to - from;
        };
    }

    private void Check(string what, float[] expected, Action run, float tolerance)
    {
        Array.Clear(_outputs);
        run();
        for (int i = 0; i < expected.Length; i++)
        {
            if (MathF.Abs(expected[i] - _outputs[i]) > tolerance)
            {
                throw new InvalidOperationException($"{what}: output {i} is {_outputs[i]}, ONNX Runtime gives {expected[i]}.");
            }
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(
                StatisticColumn.Median,
                ThroughputColumn.ImagesPerSecond(ImagesOf),
                new GflopsColumn(best: false, FlopsOf),
                ThroughputColumn.PercentOfPeak(FlopsOf, ThreadsOf));
        }

        private static int ImagesOf(BenchmarkCase c) => (int)c.Parameters["Images"];

        private static int ThreadsOf(BenchmarkCase c) => ImagesOf(c) == 1 ? 1 : (int)c.Parameters["Threads"];

        private static long FlopsOf(BenchmarkCase c) => ForwardBenchmarks.Flops((int)c.Parameters["Channels"]) * ImagesOf(c);
    }
}
