using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using W1 = LeNet.Sample.LeNet5;
using W3 = LeNet.Sample.LeNet5Rgb;

namespace LeNet.Benchmarks;

/// <summary>
/// One image through LeNet-5: the naive float loops (baseline) against the generated code at each unroll depth, for
/// one and three input channels. All five share the same random weights and input; setup checks they agree.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class ForwardBenchmarks
{
    private readonly float[] _output = new float[LeNet5Window.OutputLength];
    private float[] _input = [];
    private NaiveLeNet5 _naive = null!;
    private Runner _window = null!, _row = null!, _loops = null!;

    [Params(1, 3)]
    public int Channels { get; set; }

    /// <summary>
    /// Floating-point operations of one forward pass, a multiply-add counting two: a conv does WeightLength × OutH × OutW
    /// multiply-adds, a dense layer WeightLength. 0.833 M for one channel, 1.303 M for three.
    /// </summary>
    public static long Flops(int channels) => channels == 1
        ? 2 * (((long)W1.Conv1.WeightLength * W1.Conv1.OutH * W1.Conv1.OutW) + ((long)W1.Conv2.WeightLength * W1.Conv2.OutH * W1.Conv2.OutW)
            + W1.Fc3.WeightLength + W1.Fc4.WeightLength + W1.Fc5.WeightLength)
        : 2 * (((long)W3.Conv1.WeightLength * W3.Conv1.OutH * W3.Conv1.OutW) + ((long)W3.Conv2.WeightLength * W3.Conv2.OutH * W3.Conv2.OutW)
            + W3.Fc3.WeightLength + W3.Fc4.WeightLength + W3.Fc5.WeightLength);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _naive = new NaiveLeNet5(Channels);
        Span<float> parameters = _naive.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = (float)((random.NextDouble() * 2 - 1) * 0.1);
        }

        (_window, _row, _loops) = Channels == 1
            ? (Runner.Of<LeNet5Window>(parameters), Runner.Of<LeNet5Row>(parameters), Runner.Of<LeNet5Loops>(parameters))
            : (Runner.Of<LeNet5RgbWindow>(parameters), Runner.Of<LeNet5RgbRow>(parameters), Runner.Of<LeNet5RgbLoops>(parameters));
        _input = new float[_window.InputLength];
        for (int i = 0; i < _input.Length; i++)
        {
            _input[i] = (float)random.NextDouble();
        }

        // Refuse to time code that computes something else.
        _naive.Forward(_input, _output);
        float[] expected = (float[])_output.Clone();
        foreach (Runner runner in new[] { _window, _row, _loops })
        {
            runner.Forward(_input, _output);
            for (int i = 0; i < expected.Length; i++)
            {
                if (MathF.Abs(expected[i] - _output[i]) > 1e-4f + (1e-4f * MathF.Abs(expected[i])))
                {
                    throw new InvalidOperationException($"{runner.Name} output {i} is {_output[i]}, the naive forward gives {expected[i]}.");
                }
            }
        }
    }

    [Benchmark(Baseline = true, Description = "Naive loops")]
    public void Naive() => _naive.Forward(_input, _output);

    [Benchmark(Description = "Unroll Window")]
    public void Window() => _window.Forward(_input, _output);

    [Benchmark(Description = "Unroll Row")]
    public void Row() => _row.Forward(_input, _output);

    [Benchmark(Description = "Unroll None")]
    public void None() => _loops.Forward(_input, _output);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(StatisticColumn.Median, StatisticColumn.Min, new GflopsColumn(best: false, FlopsOf), new GflopsColumn(best: true, FlopsOf));
        }

        private static long FlopsOf(BenchmarkCase benchmarkCase) => Flops((int)benchmarkCase.Parameters["Channels"]);
    }

    /// <summary>A generated network behind a non-generic face, so one benchmark method serves both channel counts.</summary>
    private abstract class Runner
    {
        public abstract string Name { get; }

        public abstract int InputLength { get; }

        public static Runner Of<T>(ReadOnlySpan<float> parameters)
            where T : INetwork<T>
        {
            T network = T.Create();
            parameters.CopyTo(network.Parameters);
            return new Typed<T>(network);
        }

        public abstract void Forward(ReadOnlySpan<float> input, Span<float> output);

        private sealed class Typed<T>(T network) : Runner
            where T : INetwork<T>
        {
            public override string Name => typeof(T).Name;

            public override int InputLength => T.InputLength;

            public override void Forward(ReadOnlySpan<float> input, Span<float> output) => network.Forward(input, output);
        }
    }
}
