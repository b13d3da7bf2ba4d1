using System;

namespace LeNet.Sample;

internal static class Program
{
    private static int Main(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "train";
        switch (command)
        {
            case "summary":
                Console.WriteLine("LeNet-5, 1 channel (MNIST digits):");
                Console.WriteLine(LeNet5.Summary);
                Console.WriteLine("LeNet-5, 3 channels:");
                Console.WriteLine(LeNet5Rgb.Summary);
                return 0;
            default:
                Console.Error.WriteLine($"Unknown command '{command}'. Commands: summary");
                return 2;
        }
    }
}
