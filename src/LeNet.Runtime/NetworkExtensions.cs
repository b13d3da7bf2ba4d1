using System;

namespace LeNet;

/// <summary>Calls every generated network supports through <see cref="INetwork{TSelf}"/>.</summary>
public static class NetworkExtensions
{
    /// <summary>
    /// Runs the network on any number of images: <paramref name="inputs"/> holds them back to back (C,H,W each),
    /// <paramref name="outputs"/> receives one output per image, in order. Each image's output is bit for bit what
    /// Forward gives it. With one thread this allocates nothing. (A network whose generated code has its own batched
    /// ForwardBatch uses that instead: an instance method wins over this extension.)
    /// </summary>
    /// <exception cref="ArgumentException">The inputs are not whole images, or the outputs are not one per image.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is not positive.</exception>
    public static void ForwardBatch<TNet>(this TNet network, ReadOnlySpan<float> inputs, Span<float> outputs, int threads = 1)
        where TNet : class, INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        BatchRunner.Run(inputs, TNet.InputLength, outputs, TNet.OutputLength, threads, granularity: 1, network, PerImage<TNet>.Kernel);
    }

    /// <summary>One cached delegate per network type, so a call allocates nothing.</summary>
    private static class PerImage<TNet>
        where TNet : class, INetwork<TNet>
    {
        public static readonly BatchRunner.ImageRange<TNet> Kernel = Run;

        private static void Run(TNet network, ReadOnlySpan<float> inputs, Span<float> outputs)
        {
            int count = inputs.Length / TNet.InputLength;
            for (int i = 0; i < count; i++)
            {
                network.Forward(inputs.Slice(i * TNet.InputLength, TNet.InputLength), outputs.Slice(i * TNet.OutputLength, TNet.OutputLength));
            }
        }
    }
}
