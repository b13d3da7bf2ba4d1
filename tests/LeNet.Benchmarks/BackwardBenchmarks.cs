using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using W1 = LeNet.Sample.LeNet5;

namespace LeNet.Benchmarks;

/// <summary>
/// One training example through LeNet-5 (1 channel): Backward(input, label, gradients, workspace), which runs the
/// forward pass and then back-propagates, at each unroll depth. All three share the same random weights and input;
/// setup checks that they compute the same gradients.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class BackwardBenchmarks
{
    private const int Label = 3;

    private float[] _input = [];
    private Runner _window = null!, _row = null!, _loops = null!;

    /// <summary>
    /// Floating-point operations of one Backward call, a multiply-add counting two: the forward pass, then per conv
    /// WeightLength × OutH × OutW multiply-adds for dW and as many for dx (none for CONV1, which has no dx), per dense
    /// layer WeightLength for dW and as many for dx. 2.264 M in all. ReLU zeros skipped by a kernel still count.
    /// </summary>
    public static long Flops =>
        ForwardBenchmarks.Flops(1)
        + (2 * (long)W1.Conv1.WeightLength * W1.Conv1.OutH * W1.Conv1.OutW)
        + (4 * (long)W1.Conv2.WeightLength * W1.Conv2.OutH * W1.Conv2.OutW)
        + (4 * (long)(W1.Fc3.WeightLength + W1.Fc4.WeightLength + W1.Fc5.WeightLength));

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var parameters = new float[W1.ParameterCount];
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = (float)((random.NextDouble() * 2 - 1) * 0.1);
        }

        _window = Runner.Of<LeNet5Window>(parameters);
        _row = Runner.Of<LeNet5Row>(parameters);
        _loops = Runner.Of<LeNet5Loops>(parameters);
        _input = new float[W1.InputLength];
        for (int i = 0; i < _input.Length; i++)
        {
            _input[i] = (float)random.NextDouble();
        }

        // Refuse to time code that computes something else: one call from zero gradients must agree across variants.
        float[] expected = _window.GradientsOfOneCall(_input);
        foreach (Runner runner in new[] { _row, _loops })
        {
            float[] actual = runner.GradientsOfOneCall(_input);
            for (int i = 0; i < expected.Length; i++)
            {
                if (MathF.Abs(expected[i] - actual[i]) > 1e-4f + (1e-3f * MathF.Abs(expected[i])))
                {
                    throw new InvalidOperationException($"{runner.Name} gradient {i} is {actual[i]}, the window-unrolled network gives {expected[i]}.");
                }
            }
        }
    }

    // Gradients accumulate over the iterations, as in a mini-batch; their size does not change the work.
    [Benchmark(Baseline = true, Description = "Unroll Window")]
    public float Window() => _window.Backward(_input);

    [Benchmark(Description = "Unroll Row")]
    public float Row() => _row.Backward(_input);

    [Benchmark(Description = "Unroll None")]
    public float None() => _loops.Backward(_input);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(StatisticColumn.Median, StatisticColumn.Min, new GflopsColumn(best: false, _ => Flops), new GflopsColumn(best: true, _ => Flops));
        }
    }

    /// <summary>A generated network with its gradient and workspace buffers, behind a non-generic face.</summary>
    private abstract class Runner
    {
        public abstract string Name { get; }

        public static Runner Of<T>(ReadOnlySpan<float> parameters)
            where T : INetwork<T>
        {
            T network = T.Create();
            parameters.CopyTo(network.Parameters);
            return new Typed<T>(network);
        }

        public abstract float Backward(ReadOnlySpan<float> input);

        public abstract float[] GradientsOfOneCall(ReadOnlySpan<float> input);

        private sealed class Typed<T>(T network) : Runner
            where T : INetwork<T>
        {
            private readonly float[] _gradients = new float[T.ParameterCount];
            private readonly float[] _workspace = new float[T.TrainingWorkspaceLength];

            public override string Name => typeof(T).Name;

            public override float Backward(ReadOnlySpan<float> input) => network.Backward(input, Label, _gradients, _workspace);

            public override float[] GradientsOfOneCall(ReadOnlySpan<float> input)
            {
                var gradients = new float[T.ParameterCount];
                network.Backward(input, Label, gradients, _workspace);
                return gradients;
            }
        }
    }
}
