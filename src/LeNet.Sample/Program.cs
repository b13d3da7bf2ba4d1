using LeNet.Sample.Cli;

namespace LeNet.Sample;

/// <summary>The LeNetGen sample: train, evaluate, predict, plot, serve and download MNIST.</summary>
internal static class Program
{
    private static int Main(string[] args) => SampleCli.Run(args);
}
