using System;
using System.Globalization;
using BenchmarkDotNet.Running;
using LeNet.Sample;
using LeNet.Training;

namespace LeNet.Benchmarks;

internal static class Program
{
    private static void Main(string[] args)
    {
        if (args.Length > 1 && args[0] == "compare")
        {
            Comparison.Run(args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000);
            return;
        }

        if (args.Length > 1 && args[0] == "layers" && args[1] == "generated")
        {
            LayerProfile.Run(
                args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1,
                args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3000,
                flushSubnormals: args.Length > 4 && args[4] == "flush");
            return;
        }

        if (args.Length > 0 && args[0] == "layers")
        {
            Layers(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1);
            return;
        }

        if (args.Length > 1 && args[0] == "profile")
        {
            TrainingProfile.Run(args);
            return;
        }

        if (args.Length > 0 && args[0] == "train")
        {
            Train(args);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }

    /// <summary>`layers [channels]`: the per-layer table of the batched prototype (fastest of 150 short rounds).</summary>
    private static void Layers(int channels)
    {
        var network = new LeNet5RgbWindow();
        Initializer.Initialize(network, seed: 3);
        float[] parameters = channels == 3 ? network.Parameters.ToArray() : Initialized1();
        var batched = new BatchedLeNet5(channels, parameters);
        var random = new Random(7);
        var inputs = new float[BatchedLeNet5.Lanes * batched.InputLength];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)random.NextDouble();
        }

        var labels = new int[BatchedLeNet5.Lanes];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = random.Next(10);
        }

        double peak = ThroughputColumn.PeakGflops;
        Console.WriteLine($"Batched prototype, LeNet-5 {channels} channel(s), one 16-image block, one thread; peak {peak} GFLOP/s");
        Console.WriteLine($"{"Stage",-50} {"us/image",9} {"MFLOP/img",10} {"GFLOP/s",8} {"% peak",7}");
        foreach ((string stage, double us, long flops) in batched.Profile(inputs, labels, repeats: 4, rounds: 150))
        {
            string rate = flops > 0 ? (flops / us / 1e3).ToString("F1", CultureInfo.InvariantCulture) : "";
            string share = flops > 0 ? (100 * flops / us / 1e3 / peak).ToString("F0", CultureInfo.InvariantCulture) : "";
            Console.WriteLine($"{stage,-50} {us,9:F3} {flops / 1e6,10:F3} {rate,8} {share,7}");
        }
    }

    /// <summary>
    /// `train [epochs] [threads] [generated|perimage]`: MNIST training with the sample's default settings (Adam 0.002,
    /// cosine over the epochs, weight decay 0.0005, batch 64, seed 1), per epoch: seconds, images/s, test accuracy, and
    /// the cumulative training seconds. `perimage` sets <see cref="BatchKernels.ForcePerImage"/>, so the generated
    /// batched training kernel falls back to one Backward per example, the path of a processor without AVX-512.
    /// </summary>
    private static void Train(string[] args)
    {
        int epochs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        int threads = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
        bool perImage = args.Length > 3 && args[3] == "perimage";
        string directory = MnistDirectory.Default();
        Dataset train = Mnist.Load(directory, MnistSplit.Train);
        Dataset test = Mnist.Load(directory, MnistSplit.Test);
        var options = new TrainingOptions { BatchSize = 64, Seed = 1, Threads = threads, WeightDecay = 0.0005f, Schedule = Schedules.Cosine(epochs) };
        Console.WriteLine($"{(perImage ? "per-sample Backward (ForcePerImage)" : "generated batched kernels")}, {threads} thread(s), {epochs} epochs");
        BatchKernels.ForcePerImage = perImage;
        var network = new LeNet5Window();
        Initializer.Initialize(network, seed: 1);
        var trainer = new Trainer<LeNet5Window>(network, new Adam(0.002f), options);
        double total = 0;
        for (int e = 0; e < epochs; e++)
        {
            EpochReport report = trainer.TrainEpoch(train);
            total += report.Seconds;
            Evaluation evaluation = trainer.Evaluate(test);
            Console.WriteLine($"epoch {report.Epoch}: loss {report.Loss:F4}, {report.Seconds:F2} s, {report.ImagesPerSecond:F0} images/s, test {evaluation.Accuracy:P2}, train seconds {total:F2}, allocated {report.AllocatedBytes} B");
        }
    }

    private static float[] Initialized1()
    {
        var network = new LeNet5Window();
        Initializer.Initialize(network, seed: 3);
        return network.Parameters.ToArray();
    }
}
