using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using LeNet.Sample;
using LeNet.Training;

namespace LeNet.Benchmarks;

/// <summary>
/// Where a training batch's time goes. `profile train T [epochs] [augment]`: the real <see cref="Trainer{TNet}"/> on
/// MNIST (the sample's settings, batch 64) with its per-phase clock on, per worker: gather, kernels, classify, the
/// three barrier waits, gradient sum and optimizer step, per batch and as a share of the epoch; then the per-epoch
/// evaluation on the test set. `profile kernels [rounds]`: every kernel call of LeNet-5's generated BackwardBlock on
/// one 16-image block, fastest of many rounds, the sequence checked bit for bit against BackwardBatch first.
/// </summary>
internal static class TrainingProfile
{
    public static void Run(string[] args)
    {
        if (args.Length > 1 && args[1] == "kernels")
        {
            int rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200;
            Kernels(rounds, misalignment: 0);
            Kernels(rounds, misalignment: 4);
            Kernels(rounds, misalignment: 0);
            return;
        }

        int threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
        int epochs = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1;
        bool augment = args.Length > 4 && args[4] == "augment";
        Train(threads, epochs, augment);
    }

    private static void Train(int threads, int epochs, bool augment)
    {
        string directory = MnistDirectory.Default();
        Dataset train = Mnist.Load(directory, MnistSplit.Train);
        Dataset test = Mnist.Load(directory, MnistSplit.Test);
        var options = new TrainingOptions
        {
            BatchSize = 64,
            Seed = 1,
            Threads = threads,
            WeightDecay = 0.0005f,
            Schedule = Schedules.Cosine(epochs),
            Augmentation = augment ? new ImageAugmentation() : null,
        };
        var network = new LeNet5Window();
        Initializer.Initialize(network, seed: 1);
        var trainer = new Trainer<LeNet5Window>(network, new Adam(0.002f), options);
        int batches = (train.Count + 63) / 64;
        Console.WriteLine($"Trainer profile: LeNet-5, MNIST {train.Count} images, batch 64 ({batches} batches), {threads} thread(s), augmentation {(augment ? "default" : "none")}, load {LoadAverage()}");
        for (int e = 0; e < epochs; e++)
        {
            var ticks = new long[threads * Trainer<LeNet5Window>.PhaseStride];
            trainer.PhaseTicks = ticks;
            var batchEnds = new long[batches + 1];
            int ended = 0;
            batchEnds[0] = Stopwatch.GetTimestamp();
            EpochReport report = trainer.TrainEpoch(train, _ => batchEnds[++ended] = Stopwatch.GetTimestamp(), default);
            trainer.PhaseTicks = null;
            long start = Stopwatch.GetTimestamp();
            Evaluation evaluation = trainer.Evaluate(test);
            double evaluationSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            Console.WriteLine($"epoch {report.Epoch}: {report.Seconds:F2} s, {report.ImagesPerSecond:F0} images/s, loss {report.Loss:F4}, test {evaluation.Accuracy:P2} (evaluation {evaluationSeconds:F2} s), load {LoadAverage()}");
            Console.WriteLine($"subnormal values: parameters {Subnormals(network.Parameters)}, {string.Join(", ", StateSubnormals(trainer.Optimizer))}");
            StepProbe(network, trainer.Optimizer, train);
            Console.WriteLine(BatchTimes(batchEnds, ended));
            Console.WriteLine($"{"Phase",-10} {string.Join(" ", Workers(threads, w => $"{"w" + w + " us/batch",14} {"%",5}"))}");
            foreach (TrainerPhase phase in Enum.GetValues<TrainerPhase>())
            {
                Console.WriteLine($"{phase,-10} {string.Join(" ", Workers(threads, w =>
                {
                    double seconds = (double)ticks[(w * Trainer<LeNet5Window>.PhaseStride) + (int)phase] / Stopwatch.Frequency;
                    return $"{seconds * 1e6 / batches,14:F1} {100 * seconds / report.Seconds,5:F1}";
                }))}");
            }
        }
    }

    /// <summary>
    /// Whole-batch times from worker 0's end-of-batch callback: on a loaded machine the fastest batches are the ones no
    /// other process interrupted, so the low percentiles say what a quiet machine would do and the mean says what this one did.
    /// </summary>
    private static string BatchTimes(long[] ends, int count)
    {
        var micros = new double[count];
        for (int i = 0; i < count; i++)
        {
            micros[i] = (ends[i + 1] - ends[i]) * 1e6 / Stopwatch.Frequency;
        }

        // The first batches run tier-0 code: leave out the first tenth.
        double[] steady = micros[(count / 10)..];
        Array.Sort(steady);
        double Percentile(double p) => steady[(int)(p * (steady.Length - 1))];
        return string.Create(CultureInfo.InvariantCulture,
            $"batch us (last 90%): min {steady[0]:F0}, p10 {Percentile(0.1):F0}, p25 {Percentile(0.25):F0}, median {Percentile(0.5):F0}; at p10 {64e6 / Percentile(0.1):F0} images/s");
    }

    /// <summary>
    /// The optimizer step alone on the trained state, with one batch's real gradient and with the same gradient where
    /// every value whose square underflows (|g| below 1.1e-19) is zero: the difference is what tiny gradients cost.
    /// </summary>
    private static void StepProbe(LeNet5Window network, Optimizer optimizer, Dataset train)
    {
        const int Count = 64;
        var batched = (IBatchBackward)network;
        var inputs = new float[Count * LeNet5Window.InputLength];
        var labels = new int[Count];
        for (int i = 0; i < Count; i++)
        {
            train.Input(i).CopyTo(inputs.AsSpan(i * LeNet5Window.InputLength));
            labels[i] = train.Label(i);
        }

        var gradient = new float[LeNet5Window.ParameterCount];
        batched.BackwardBatch(inputs, labels, gradient, new float[Count * LeNet5Window.OutputLength], new float[batched.BatchTrainingWorkspaceLength(Count)]);
        int tiny = 0;
        var cleaned = new float[gradient.Length];
        ReadOnlySpan<float> weights = network.Parameters;
        for (int i = 0; i < gradient.Length; i++)
        {
            // As the trainer's sum makes it: the mean plus the profile's weight decay (biases decayed too, a probe only).
            gradient[i] = (gradient[i] / Count) + (0.0005f * weights[i]);
            bool underflows = gradient[i] != 0 && MathF.Abs(gradient[i]) < 1.1e-19f;
            tiny += underflows ? 1 : 0;
            cleaned[i] = underflows ? 0 : gradient[i];
        }

        float[][] state = optimizer.State.ToArray();
        float[][] subnormalState = Array.ConvertAll(state, buffer => (float[])buffer.Clone());
        int planted = 0;
        for (int i = 0; i < gradient.Length && planted < 5300 && subnormalState.Length > 0; i++)
        {
            if (gradient[i] == 0)
            {
                // What unflushed state held by epoch 3: the first moment of weights whose gradient stays zero.
                subnormalState[0][i] = 1e-39f;
                planted++;
            }
        }

        double Time(float[] g, float[][]? from = null)
        {
            var copy = Optimizer.Create(optimizer.Name, optimizer.LearningRate);
            var parameters = network.Parameters.ToArray();
            double best = double.MaxValue;
            for (int round = 0; round < 30; round++)
            {
                copy.Restore(optimizer.Step, from ?? state, parameters.Length);
                network.Parameters.CopyTo(parameters);
                long start = Stopwatch.GetTimestamp();
                copy.Update(parameters, g, optimizer.LearningRate);
                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }

            return best;
        }

        int smallSquares = 0;
        foreach (float g in gradient)
        {
            // Adam's (1 - beta2) * g * g is subnormal on the way for these.
            smallSquares += g != 0 && MathF.Abs(g) < 3.5e-18f ? 1 : 0;
        }

        int half = ((gradient.Length / 2) & ~15);
        double HalfTime(int from, int length)
        {
            var copy = Optimizer.Create(optimizer.Name, optimizer.LearningRate);
            float[][] sliced = Array.ConvertAll(state, buffer => buffer.AsSpan(from, length).ToArray());
            var parameters = new float[length];
            double best = double.MaxValue;
            for (int round = 0; round < 30; round++)
            {
                copy.Restore(optimizer.Step, sliced, length);
                network.Parameters.Slice(from, length).CopyTo(parameters);
                long start = Stopwatch.GetTimestamp();
                copy.Update(parameters, gradient.AsSpan(from, length), optimizer.LearningRate);
                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }

            return best;
        }

        int tinyFirst = 0, tinySecond = 0, tinyWeights = 0;
        for (int i = 0; i < gradient.Length; i++)
        {
            bool tinyG = gradient[i] != 0 && MathF.Abs(gradient[i]) < 3.5e-18f;
            tinyFirst += tinyG && i < half ? 1 : 0;
            tinySecond += tinyG && i >= half ? 1 : 0;
            tinyWeights += weights[i] != 0 && MathF.Abs(weights[i]) < 2.4e-35f ? 1 : 0;
        }

        Console.WriteLine($"tiny decayed gradients: first half {tinyFirst}, second half {tinySecond}; weights whose decay term is subnormal: {tinyWeights}");
        Console.WriteLine($"step probe halves: first {HalfTime(0, half):F1} us, second {HalfTime(half, gradient.Length - half):F1} us; {smallSquares} gradients under 3.5e-18");
        Console.WriteLine($"step probe: {Subnormals(gradient)} subnormal and {tiny} underflowing-square gradients; full step {Time(gradient):F1} us, with them zero {Time(cleaned):F1} us, again {Time(gradient):F1} / {Time(cleaned):F1} us; with {planted} subnormal first moments {Time(gradient, subnormalState):F1} us");
    }

    /// <summary>Subnormal values in each optimizer state buffer: arithmetic on them takes a microcode assist per element.</summary>
    private static IEnumerable<string> StateSubnormals(Optimizer optimizer)
    {
        for (int b = 0; b < optimizer.State.Length; b++)
        {
            yield return $"state {b} {Subnormals(optimizer.State[b])}";
        }
    }

    private static int Subnormals(ReadOnlySpan<float> values)
    {
        int count = 0;
        foreach (float value in values)
        {
            if (float.IsSubnormal(value))
            {
                count++;
            }
        }

        return count;
    }

    private static IEnumerable<string> Workers(int threads, Func<int, string> cell)
    {
        for (int w = 0; w < threads; w++)
        {
            yield return cell(w);
        }
    }

    internal static string LoadAverage()
    {
        try
        {
            return System.IO.File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (System.IO.IOException)
        {
            return "?";
        }
    }

    /// <summary>The generated BackwardBlock of LeNet-5, call by call (offsets as in the generated LeNet5KernelsBatched).</summary>
    private static unsafe void Kernels(int rounds, int misalignment)
    {
        const int Lanes = BatchKernels.Lanes;
        const int Scratch = 275392;
        var network = new LeNet5Window();
        Initializer.Initialize(network, seed: 3);
        var random = new Random(7);
        var inputs = new float[Lanes * LeNet5Window.InputLength];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)random.NextDouble();
        }

        var labels = new int[Lanes];
        for (int i = 0; i < Lanes; i++)
        {
            labels[i] = random.Next(10);
        }

        var batched = (IBatchBackward)network;
        // The workspace starts on a 64-byte boundary plus `misalignment` floats: every lane vector then sits that far off a cache line.
        float[] ws = GC.AllocateArray<float>(batched.BatchTrainingWorkspaceLength(Lanes) + 32, pinned: true);
        int origin = ((int)((64 - ((nint)Unsafe.AsPointer(ref ws[0]) & 63)) & 63) / sizeof(float)) + misalignment;
        Span<float> S(int offset, int length) => ws.AsSpan(origin + offset, length);
        float[] expected = new float[LeNet5Window.ParameterCount];
        var outputs = new float[Lanes * LeNet5Window.OutputLength];
        batched.BackwardBatch(inputs, labels, expected, outputs, ws.AsSpan(origin));
        float[] p = network.Parameters.ToArray();
        float[] g = new float[p.Length];
        var rows = new List<(string Name, Action Run, long Flops)>
        {
            ("ToLanes", () => BatchKernels.ToLanes(inputs, Lanes, LeNet5Window.InputLength, S(0, 16384)), 0),
            ("CONV1 forward + ReLU", () => BatchKernels.Conv(S(0, 16384), 1, 32, 32, W(p, LeNet5Window.Conv1.WeightOffset, LeNet5Window.Conv1.WeightLength), W(p, LeNet5Window.Conv1.BiasOffset, LeNet5Window.Conv1.BiasLength), 6, 5, 1, S(16384, 75264), 28, 28, true), 2L * 6 * 25 * 784),
            ("POOL1 forward", () => BatchKernels.Pool(S(16384, 75264), 6, 28, 28, 2, 2, S(91648, 18816), 14, 14, false), 0),
            ("CONV2 forward + ReLU", () => BatchKernels.Conv(S(91648, 18816), 6, 14, 14, W(p, LeNet5Window.Conv2.WeightOffset, LeNet5Window.Conv2.WeightLength), W(p, LeNet5Window.Conv2.BiasOffset, LeNet5Window.Conv2.BiasLength), 16, 5, 1, S(110464, 25600), 10, 10, true), 2L * 16 * 150 * 100),
            ("POOL2 forward", () => BatchKernels.Pool(S(110464, 25600), 16, 10, 10, 2, 2, S(136064, 6400), 5, 5, false), 0),
            ("FC3 forward + ReLU", () => BatchKernels.Dense(S(136064, 6400), 400, W(p, LeNet5Window.Fc3.WeightOffset, LeNet5Window.Fc3.WeightLength), W(p, LeNet5Window.Fc3.BiasOffset, LeNet5Window.Fc3.BiasLength), 120, S(142464, 1920), true), 2L * 400 * 120),
            ("FC4 forward + ReLU", () => BatchKernels.Dense(S(142464, 1920), 120, W(p, LeNet5Window.Fc4.WeightOffset, LeNet5Window.Fc4.WeightLength), W(p, LeNet5Window.Fc4.BiasOffset, LeNet5Window.Fc4.BiasLength), 84, S(144384, 1344), true), 2L * 120 * 84),
            ("FC5 forward", () => BatchKernels.Dense(S(144384, 1344), 84, W(p, LeNet5Window.Fc5.WeightOffset, LeNet5Window.Fc5.WeightLength), W(p, LeNet5Window.Fc5.BiasOffset, LeNet5Window.Fc5.BiasLength), 10, S(145728, 160), false), 2L * 84 * 10),
            ("Softmax + loss", () => BatchKernels.OutputLoss(LossKind.CrossEntropy, S(145728, 160), 10, labels, outputs, S(275232, 160), S(Scratch, 10)), 0),
            ("FC5 backward", () => BatchKernels.DenseBackward(S(275232, 160), S(144384, 1344), W(p, LeNet5Window.Fc5.WeightOffset, LeNet5Window.Fc5.WeightLength), 84, 10, S(273888, 1344), g.AsSpan(LeNet5Window.Fc5.WeightOffset, LeNet5Window.Fc5.WeightLength), g.AsSpan(LeNet5Window.Fc5.BiasOffset, LeNet5Window.Fc5.BiasLength), S(Scratch, 1504)), 4L * 84 * 10),
            ("FC4 ReLU backward", () => BatchKernels.ActivationBackward(Activation.ReLU, S(144384, 1344), S(273888, 1344)), 0),
            ("FC4 backward", () => BatchKernels.DenseBackward(S(273888, 1344), S(142464, 1920), W(p, LeNet5Window.Fc4.WeightOffset, LeNet5Window.Fc4.WeightLength), 120, 84, S(271968, 1920), g.AsSpan(LeNet5Window.Fc4.WeightOffset, LeNet5Window.Fc4.WeightLength), g.AsSpan(LeNet5Window.Fc4.BiasOffset, LeNet5Window.Fc4.BiasLength), S(Scratch, 3264)), 4L * 120 * 84),
            ("FC3 ReLU backward", () => BatchKernels.ActivationBackward(Activation.ReLU, S(142464, 1920), S(271968, 1920)), 0),
            ("FC3 backward", () => BatchKernels.DenseBackward(S(271968, 1920), S(136064, 6400), W(p, LeNet5Window.Fc3.WeightOffset, LeNet5Window.Fc3.WeightLength), 400, 120, S(265568, 6400), g.AsSpan(LeNet5Window.Fc3.WeightOffset, LeNet5Window.Fc3.WeightLength), g.AsSpan(LeNet5Window.Fc3.BiasOffset, LeNet5Window.Fc3.BiasLength), S(Scratch, 8320)), 4L * 400 * 120),
            ("POOL2 + CONV2 ReLU backward", () => BatchKernels.PoolBackward(S(265568, 6400), S(110464, 25600), 16, 10, 10, 2, 2, S(239968, 25600), 5, 5, false, reluBefore: true), 0),
            ("CONV2 weight gradient", () => BatchKernels.ConvWeightGradient(S(239968, 25600), 16, 10, 10, S(91648, 18816), 6, 14, 14, 5, 1, g.AsSpan(LeNet5Window.Conv2.WeightOffset, LeNet5Window.Conv2.WeightLength), g.AsSpan(LeNet5Window.Conv2.BiasOffset, LeNet5Window.Conv2.BiasLength)), 2L * 16 * 150 * 100),
            ("CONV2 input gradient", () => BatchKernels.ConvInputGradient(S(239968, 25600), 16, 10, 10, W(p, LeNet5Window.Conv2.WeightOffset, LeNet5Window.Conv2.WeightLength), 6, 5, S(221152, 18816), 14, 14), 2L * 16 * 150 * 100),
            ("POOL1 + CONV1 ReLU backward", () => BatchKernels.PoolBackward(S(221152, 18816), S(16384, 75264), 6, 28, 28, 2, 2, S(145888, 75264), 14, 14, false, reluBefore: true), 0),
            ("CONV1 weight gradient", () => BatchKernels.ConvWeightGradient(S(145888, 75264), 6, 28, 28, S(0, 16384), 1, 32, 32, 5, 1, g.AsSpan(LeNet5Window.Conv1.WeightOffset, LeNet5Window.Conv1.WeightLength), g.AsSpan(LeNet5Window.Conv1.BiasOffset, LeNet5Window.Conv1.BiasLength)), 2L * 6 * 25 * 784),
        };

        // The sequence must be the generated one: same gradients to the bit.
        foreach ((string _, Action run, long _) in rows)
        {
            run();
        }

        for (int i = 0; i < g.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(g[i]) != BitConverter.SingleToInt32Bits(expected[i]))
            {
                throw new InvalidOperationException($"The profile's kernel sequence gives gradient {i} = {g[i]}, BackwardBatch {expected[i]}: update the offsets from the generated LeNet5KernelsBatched.");
            }
        }

        double peak = ThroughputColumn.PeakGflops;
        var best = new double[rows.Count];
        Array.Fill(best, double.MaxValue);
        double whole = double.MaxValue;
        for (int round = 0; round < rounds; round++)
        {
            // Round-robin, fastest round kept: a load that comes and goes reaches every row alike.
            for (int r = 0; r < rows.Count; r++)
            {
                long start = Stopwatch.GetTimestamp();
                rows[r].Run();
                best[r] = Math.Min(best[r], Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }

            long blockStart = Stopwatch.GetTimestamp();
            batched.BackwardBatch(inputs, labels, g, outputs, ws.AsSpan(origin));
            whole = Math.Min(whole, Stopwatch.GetElapsedTime(blockStart).TotalMicroseconds);
        }

        Console.WriteLine($"Generated BackwardBlock of LeNet-5, one {Lanes}-image block, one thread, workspace {misalignment * 4} bytes off a 64-byte boundary, fastest of {rounds} rounds, load {LoadAverage()}; peak {peak} GFLOP/s");
        Console.WriteLine($"{"Kernel",-24} {"us/block",9} {"us/image",9} {"GFLOP/s",8} {"% peak",7} {"% block",8}");
        double sum = 0;
        for (int r = 0; r < rows.Count; r++)
        {
            sum += best[r];
        }

        for (int r = 0; r < rows.Count; r++)
        {
            long flops = rows[r].Flops * Lanes;
            string rate = flops > 0 ? (flops / best[r] / 1e3).ToString("F1", CultureInfo.InvariantCulture) : "";
            string share = flops > 0 ? (100 * flops / best[r] / 1e3 / peak).ToString("F0", CultureInfo.InvariantCulture) : "";
            Console.WriteLine($"{rows[r].Name,-24} {best[r],9:F2} {best[r] / Lanes,9:F2} {rate,8} {share,7} {100 * best[r] / sum,8:F1}");
        }

        Console.WriteLine($"{"Sum of the rows",-24} {sum,9:F2} {sum / Lanes,9:F2}");
        Console.WriteLine($"{"Whole BackwardBatch",-24} {whole,9:F2} {whole / Lanes,9:F2}");
    }

    private static ReadOnlySpan<float> W(float[] parameters, int offset, int length) => parameters.AsSpan(offset, length);
}
