using System;
using TorchSharp;

namespace LeNet.Benchmarks.Torch;

internal static class Program
{
    private static void Main(string[] args)
    {
        Console.WriteLine(LibTorchSharpPatch.EnsureLoadable());
        Console.WriteLine(torch.__version__);
        var x = torch.ones(2, 3);
        Console.WriteLine((x * 2).sum().item<float>());
    }
}
