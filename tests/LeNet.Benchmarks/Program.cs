using System;
using System.Globalization;
using BenchmarkDotNet.Running;
using LeNet.Training;

namespace LeNet.Benchmarks;

internal static class Program
{
    private static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "layers")
        {
            Layers(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1);
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

    private static float[] Initialized1()
    {
        var network = new LeNet5Window();
        Initializer.Initialize(network, seed: 3);
        return network.Parameters.ToArray();
    }
}
