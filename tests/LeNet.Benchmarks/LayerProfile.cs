using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using LeNet.Training;

namespace LeNet.Benchmarks;

/// <summary>
/// The per-layer breakdown of the generated code (`layers generated [channels] [rounds]`): each prefix of LeNet-5
/// (<see cref="LeNet5ToConv1"/> ... <see cref="LeNet5ToFc5"/>) is timed on one thread, Forward and Backward (with a
/// fixed output gradient, forward included), and a layer's time is the difference between its prefix and the one before:
/// forward F(k) − F(k−1), backward (B(k) − F(k)) − (B(k−1) − F(k−1)). The prefixes are timed round-robin and each
/// keeps its fastest round, so a load that drifts during the run shifts every prefix alike and the differences keep
/// their meaning on a shared machine. The batched path is timed the same way, forward only (ForwardBatch of one
/// 16-image block): its backward takes labels, which a prefix has no loss for.
/// </summary>
internal static class LayerProfile
{
    private const double TargetMicroseconds = 40;

    public static void Run(int channels, int rounds, bool flushSubnormals)
    {
        Prefix[] prefixes = channels == 1
            ?
            [
                Prefix.Of<LeNet5ToConv1>("CONV1"), Prefix.Of<LeNet5ToPool1>("POOL1"), Prefix.Of<LeNet5ToConv2>("CONV2"), Prefix.Of<LeNet5ToPool2>("POOL2"),
                Prefix.Of<LeNet5ToFc3>("FC3"), Prefix.Of<LeNet5ToFc4>("FC4"), Prefix.Of<LeNet5ToFc5>("FC5"),
            ]
            :
            [
                Prefix.Of<LeNet5RgbToConv1>("CONV1"), Prefix.Of<LeNet5RgbToPool1>("POOL1"), Prefix.Of<LeNet5RgbToConv2>("CONV2"), Prefix.Of<LeNet5RgbToPool2>("POOL2"),
                Prefix.Of<LeNet5RgbToFc3>("FC3"), Prefix.Of<LeNet5RgbToFc4>("FC4"), Prefix.Of<LeNet5RgbToFc5>("FC5"),
            ];

        // The parameters of a prefix are the first ones of the whole network (PyTorch order), so every prefix runs the
        // same weights: the sample's trained ones for one channel, the seed-1 initialisation for three.
        float[] parameters = channels == 1 ? InferenceFixture.TrainedParameters() : SeedOneParameters();
        int flushed = flushSubnormals ? InferenceFixture.FlushSubnormals(parameters) : 0;
        var random = new Random(11);
        var input = new float[channels * 32 * 32];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (float)random.NextDouble();
        }

        var block = new float[BatchKernels.Lanes * input.Length];
        for (int i = 0; i < block.Length; i++)
        {
            block[i] = (float)random.NextDouble();
        }

        foreach (Prefix prefix in prefixes)
        {
            prefix.Prepare(parameters, input, block, random);
        }

        WarmUp(prefixes);
        int[] forwardRepeats = new int[prefixes.Length], backwardRepeats = new int[prefixes.Length], blockRepeats = new int[prefixes.Length];
        int[] inferRepeats = new int[prefixes.Length];
        for (int p = 0; p < prefixes.Length; p++)
        {
            forwardRepeats[p] = Calibrate(prefixes[p].Forward);
            inferRepeats[p] = Calibrate(prefixes[p].Infer);
            backwardRepeats[p] = Calibrate(prefixes[p].Backward);
            blockRepeats[p] = Calibrate(prefixes[p].ForwardBlock);
        }

        var forward = new double[prefixes.Length];
        var backward = new double[prefixes.Length];
        var blocked = new double[prefixes.Length];
        var inferred = new double[prefixes.Length];
        Array.Fill(inferred, double.MaxValue);
        Array.Fill(forward, double.MaxValue);
        Array.Fill(backward, double.MaxValue);
        Array.Fill(blocked, double.MaxValue);
        for (int round = 0; round < rounds; round++)
        {
            for (int p = 0; p < prefixes.Length; p++)
            {
                forward[p] = Math.Min(forward[p], Time(prefixes[p].Forward, forwardRepeats[p]));
                inferred[p] = Math.Min(inferred[p], Time(prefixes[p].Infer, inferRepeats[p]));
                backward[p] = Math.Min(backward[p], Time(prefixes[p].Backward, backwardRepeats[p]));
                blocked[p] = Math.Min(blocked[p], Time(prefixes[p].ForwardBlock, blockRepeats[p]) / BatchKernels.Lanes);
            }
        }

        double peak = ThroughputColumn.PeakGflops;
        Console.WriteLine($"Generated per-image kernels, LeNet-5 {channels} channel(s), one thread, fastest of {rounds} rounds; peak {peak.ToString(CultureInfo.InvariantCulture)} GFLOP/s; {(channels != 1 ? "seed-1 initialised weights" : flushSubnormals ? $"trained weights, {flushed} subnormals flushed to zero" : "trained weights as shipped")}; load average {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| Layer | Forward µs | MFLOP | GFLOP/s | % of peak | Backward µs | MFLOP | GFLOP/s | % of peak |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        long totalForwardFlops = 0, totalBackwardFlops = 0;
        for (int p = 0; p < prefixes.Length; p++)
        {
            double f = forward[p] - (p == 0 ? 0 : forward[p - 1]);
            double b = (backward[p] - forward[p]) - (p == 0 ? 0 : backward[p - 1] - forward[p - 1]);
            LayerInfo layer = prefixes[p].Last;
            long forwardFlops = ForwardFlops(layer);
            long backwardFlops = BackwardFlops(layer, first: p == 0);
            totalForwardFlops += forwardFlops;
            totalBackwardFlops += backwardFlops;
            Console.WriteLine($"| {prefixes[p].Name} | {Row(f, forwardFlops, peak)} | {Row(b, backwardFlops, peak)} |");
        }

        int last = prefixes.Length - 1;
        Console.WriteLine($"| whole network | {Row(forward[last], totalForwardFlops, peak)} | {Row(backward[last] - forward[last], totalBackwardFlops, peak)} |");
        Console.WriteLine();
        Console.WriteLine($"Backward µs excludes the forward pass; one whole Backward call (forward included): {Format(backward[last], "F2")} µs.");
        Console.WriteLine();
        Console.WriteLine($"ForwardBatch of one {BatchKernels.Lanes}-image block, one thread ({(BatchKernels.IsAccelerated ? "the generated batched kernels" : "per-image Forward: no AVX-512")}), per image:");
        Console.WriteLine();
        Console.WriteLine("| Layer | Forward µs/image | MFLOP | GFLOP/s | % of peak |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        for (int p = 0; p < prefixes.Length; p++)
        {
            double f = blocked[p] - (p == 0 ? 0 : blocked[p - 1]);
            Console.WriteLine($"| {prefixes[p].Name} | {Row(f, ForwardFlops(prefixes[p].Last), peak)} |");
        }

        Console.WriteLine($"| whole network | {Row(blocked[last], totalForwardFlops, peak)} |");
        Console.WriteLine();
        Console.WriteLine("The single-image inference pass, Forward(input, output), per prefix; a fused convolution and pool is one step, so read CONV and POOL rows as a pair:");
        Console.WriteLine();
        Console.WriteLine("| Layer | Forward µs | MFLOP | GFLOP/s | % of peak |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        for (int p = 0; p < prefixes.Length; p++)
        {
            double f = inferred[p] - (p == 0 ? 0 : inferred[p - 1]);
            Console.WriteLine($"| {prefixes[p].Name} | {Row(f, ForwardFlops(prefixes[p].Last), peak)} |");
        }

        Console.WriteLine($"| whole network | {Row(inferred[last], totalForwardFlops, peak)} |");
    }

    /// <summary>Multiply-adds count two. A convolution does WeightLength × OutH × OutW multiply-adds, a dense layer WeightLength; pools none.</summary>
    private static long ForwardFlops(LayerInfo layer) => layer.Kind switch
    {
        LayerType.Conv => 2L * layer.WeightLength * layer.Output.Height * layer.Output.Width,
        LayerType.Dense => 2L * layer.WeightLength,
        _ => 0,
    };

    /// <summary>The weight gradient costs as much as the forward pass, and so does the input gradient, which the first layer does not need.</summary>
    private static long BackwardFlops(LayerInfo layer, bool first) => ForwardFlops(layer) * (first ? 1 : 2);

    private static string Row(double microseconds, long flops, double peak)
    {
        if (flops == 0)
        {
            return $"{Format(microseconds, "F3")} |  |  | ";
        }

        // FLOPs per microsecond / 1e3 is GFLOP/s.
        double gflops = flops / microseconds / 1e3;
        return $"{Format(microseconds, "F3")} | {Format(flops / 1e6, "F3")} | {Format(gflops, "F1")} | {Format(100 * gflops / peak, "F0")}";
    }

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string LoadAverage()
    {
        try
        {
            return System.IO.File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (System.IO.IOException)
        {
            return "unknown";
        }
    }

    /// <summary>
    /// Calls per timed round: about 40 µs, long against the timer's resolution and short against the scheduler's time
    /// slice, so that on a loaded machine many rounds run undisturbed. Called after <see cref="WarmUp"/>.
    /// </summary>
    private static int Calibrate(Action action)
    {
        double once = double.MaxValue;
        for (int i = 0; i < 20; i++)
        {
            once = Math.Min(once, Time(action, 5));
        }

        return Math.Max(1, (int)(TargetMicroseconds / Math.Max(once, 0.01)));
    }

    /// <summary>
    /// Enough calls for tiered compilation to promote every kernel to optimised code (30 calls, then a background
    /// compile), with pauses in which the background compiler, itself slowed by the load, can finish.
    /// </summary>
    private static void WarmUp(Prefix[] prefixes)
    {
        for (int pass = 0; pass < 3; pass++)
        {
            foreach (Prefix prefix in prefixes)
            {
                for (int i = 0; i < 200; i++)
                {
                    prefix.Forward();
                    prefix.Infer();
                    prefix.Backward();
                    prefix.ForwardBlock();
                }
            }

            Thread.Sleep(1000);
        }
    }

    /// <summary>Mean µs per call over <paramref name="repeats"/> calls.</summary>
    private static double Time(Action action, int repeats)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < repeats; i++)
        {
            action();
        }

        // Raw timestamps: a TimeSpan would round to 0.1 µs.
        return (Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency / repeats;
    }

    private static float[] SeedOneParameters()
    {
        var network = new LeNet5RgbToFc5();
        Initializer.Initialize(network, seed: 1);
        return network.Parameters.ToArray();
    }

    /// <summary>One prefix network with its buffers, behind a non-generic face.</summary>
    private abstract class Prefix
    {
        public string Name { get; private init; } = "";

        public abstract LayerInfo Last { get; }

        public Action Forward { get; protected set; } = () => { };

        public Action Backward { get; protected set; } = () => { };

        public Action Infer { get; protected set; } = () => { };

        public Action ForwardBlock { get; protected set; } = () => { };

        /// <summary>The prefix <typeparamref name="T"/>, whose last layer the tables call <paramref name="name"/>.</summary>
        public static Prefix Of<T>(string name)
            where T : class, INetwork<T> => new Typed<T> { Name = name };

        public abstract void Prepare(float[] parameters, float[] input, float[] block, Random random);

        private sealed class Typed<T> : Prefix
            where T : class, INetwork<T>
        {
            private readonly T _network = T.Create();
            private readonly float[] _output = new float[T.OutputLength];
            private readonly float[] _outputGradient = new float[T.OutputLength];
            private readonly float[] _gradients = new float[T.ParameterCount];
            private readonly float[] _workspace = new float[Math.Max(T.WorkspaceLength, T.TrainingWorkspaceLength)];

            public override LayerInfo Last => T.Layers[^1];

            private readonly float[] _blockOutputs = new float[BatchKernels.Lanes * T.OutputLength];

            public override void Prepare(float[] parameters, float[] input, float[] block, Random random)
            {
                parameters.AsSpan(0, T.ParameterCount).CopyTo(_network.Parameters);
                for (int i = 0; i < _outputGradient.Length; i++)
                {
                    _outputGradient[i] = (float)((random.NextDouble() * 2) - 1);
                }

                // Gradients accumulate over the calls, as over a mini-batch; their size does not change the work.
                Forward = () => _network.Forward(input, _output, _workspace);
                Infer = () => _network.Forward(input, _output);
                Backward = () => _network.Backward(input, _outputGradient, _gradients, _workspace);
                ForwardBlock = () => _network.ForwardBatch(block, _blockOutputs, threads: 1);
            }
        }
    }
}
