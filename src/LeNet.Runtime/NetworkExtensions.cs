using System;

namespace LeNet;

/// <summary>Calls every generated network supports through <see cref="INetwork{TSelf}"/>.</summary>
public static class NetworkExtensions
{
    /// <summary>
    /// Runs the network on any number of images: <paramref name="inputs"/> holds them back to back (C,H,W each),
    /// <paramref name="outputs"/> receives one output per image, in order. Each image's output is bit for bit what
    /// Forward gives it, within rounding (see docs/generated-api.md). A network with a generated batched kernel
    /// (<see cref="IBatchForward"/>) runs blocks of <see cref="BatchKernels.Lanes"/> images through it where the processor
    /// has AVX-512, threads taking whole blocks; otherwise each image goes through Forward. With one thread this allocates
    /// nothing (after a thread's first call, which allocates its block workspace).
    /// </summary>
    /// <exception cref="ArgumentException">The inputs are not whole images, or the outputs are not one per image.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is not positive.</exception>
    public static void ForwardBatch<TNet>(this TNet network, ReadOnlySpan<float> inputs, Span<float> outputs, int threads = 1)
        where TNet : class, INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        if (network is IBatchForward batched && BatchKernels.IsAccelerated)
        {
            BatchRunner.Run(inputs, TNet.InputLength, outputs, TNet.OutputLength, threads, BatchKernels.Lanes, batched, Blocks<TNet>.Kernel);
            return;
        }

        BatchRunner.Run(inputs, TNet.InputLength, outputs, TNet.OutputLength, threads, granularity: 1, network, PerImage<TNet>.Kernel);
    }

    /// <summary>The batched path: whole blocks through the generated kernel, one scratch array per thread.</summary>
    private static class Blocks<TNet>
        where TNet : class, INetwork<TNet>
    {
        public static readonly BatchRunner.ImageRange<IBatchForward> Kernel = Run;

        private static void Run(IBatchForward network, ReadOnlySpan<float> inputs, Span<float> outputs)
        {
            int count = inputs.Length / TNet.InputLength;
            Span<float> workspace = BatchKernels.ThreadWorkspace(network.BatchWorkspaceLength);
            for (int start = 0; start < count; start += BatchKernels.Lanes)
            {
                int n = Math.Min(BatchKernels.Lanes, count - start);
                network.ForwardBlock(inputs.Slice(start * TNet.InputLength, n * TNet.InputLength), outputs.Slice(start * TNet.OutputLength, n * TNet.OutputLength), n, workspace);
            }
        }
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
