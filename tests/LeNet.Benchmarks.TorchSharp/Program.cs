using System;
using System.Globalization;
using BenchmarkDotNet.Running;
using TorchSharp;

namespace LeNet.Benchmarks.Torch;

internal static class Program
{
    private static int Main(string[] args)
    {
        // Before anything touches TorchSharp, whose first call loads libLibTorchSharp.so.
        Console.WriteLine($"libLibTorchSharp.so: {LibTorchSharpPatch.EnsureLoadable()}");
        if (args.Length > 0 && args[0] == "check")
        {
            Console.WriteLine($"patch: {LibTorchSharpPatch.SelfCheck()}");
            torch.set_num_threads(1);
            Console.WriteLine($"seed-1 initialisation: {Agreement.Check(TrainingData.InitialParameters(), TrainingData.Test)}");
            Console.WriteLine($"the sample's trained weights: {Agreement.Check(LeNet.Sample.LeNet5.CreateTrained().Parameters.ToArray(), TrainingData.Test)}");
            return 0;
        }

        if (args.Length > 1 && args[0] == "train")
        {
            TrainingComparison.RoundRobin(Array.ConvertAll(args[1].Split(','), t => int.Parse(t, CultureInfo.InvariantCulture)), Int(args, 2, 5), Int(args, 3, TrainingBenchmarks.Images));
            return 0;
        }

        if (args.Length > 1 && args[0] == "accuracy")
        {
            TrainingComparison.Accuracy(Int(args, 1, 2), Int(args, 2, 1));
            return 0;
        }

        // Out of process, BenchmarkDotNet builds a project per benchmark whose output copies the 600 MB of libtorch
        // again (its build timed out after 2 minutes here); in process, the rows share this program's patched copy.
        if (Array.IndexOf(args, "--inProcess") < 0 && Array.IndexOf(args, "-i") < 0)
        {
            Console.WriteLine("Adding --inProcess: every benchmark runs in this process.");
            args = [.. args, "--inProcess"];
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    internal static int Int(string[] args, int index, int fallback) =>
        args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;
}
