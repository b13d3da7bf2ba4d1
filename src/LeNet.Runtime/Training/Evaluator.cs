using System;
using System.Threading.Tasks;

namespace LeNet.Training;

/// <summary>Accuracy and loss of a trained network, in parallel over contiguous shards reduced in order.</summary>
public static class Evaluator
{
    /// <summary>
    /// Images per <see cref="NetworkExtensions.ForwardBatch"/> call of a shard on the batched kernels: 16 blocks of
    /// <see cref="BatchKernels.Lanes"/>, outputs of 10 KB for ten classes, so a shard's buffers stay in L1 and L2.
    /// </summary>
    internal const int BlockImages = 256;

    /// <summary>
    /// Runs <paramref name="network"/> over <paramref name="data"/> on <paramref name="threads"/> threads. A network with a
    /// generated batched kernel (<see cref="IBatchForward"/>) runs blocks of <see cref="BlockImages"/> images through
    /// <see cref="NetworkExtensions.ForwardBatch"/> where the processor has AVX-512 (its outputs equal Forward's within
    /// rounding); otherwise each image goes through Forward.
    /// </summary>
    public static Evaluation Evaluate<TNet>(TNet network, Dataset data, int threads = 1)
        where TNet : class, INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        if (data.InputLength != TNet.InputLength)
        {
            throw new ArgumentException(InputLengthMessage.For(typeof(TNet).Name, TNet.InputLength, data.InputLength), nameof(data));
        }

        TrainingOptions.CheckThreads(threads, nameof(threads));
        bool batched = network is IBatchForward && BatchKernels.IsAccelerated;
        var losses = new double[threads];
        var correct = new int[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, shard =>
        {
            int from = (int)((long)data.Count * shard / threads), to = (int)((long)data.Count * (shard + 1) / threads);
            (losses[shard], correct[shard]) = batched ? EvaluateBlocks(network, data, from, to) : EvaluateImages(network, data, from, to);
        });

        double loss = 0;
        long right = 0;
        for (int t = 0; t < threads; t++)
        {
            loss += losses[t];
            right += correct[t];
        }

        return data.Count == 0 ? new Evaluation(0, 0, 0) : new Evaluation((double)right / data.Count, loss / data.Count, data.Count);
    }

    /// <summary>Examples <paramref name="from"/> to <paramref name="to"/> (exclusive) one Forward at a time: their loss sum and how many are right.</summary>
    private static (double Loss, int Correct) EvaluateImages<TNet>(TNet network, Dataset data, int from, int to)
        where TNet : class, INetwork<TNet>
    {
        var workspace = new float[TNet.WorkspaceLength];
        var output = new float[TNet.OutputLength];
        double loss = 0;
        int correct = 0;
        for (int i = from; i < to; i++)
        {
            network.Forward(data.Input(i), output, workspace);
            Score<TNet>(output, data.Label(i), ref loss, ref correct);
        }

        return (loss, correct);
    }

    /// <summary>The same examples through ForwardBatch in blocks of <see cref="BlockImages"/>, scored in the same order.</summary>
    private static (double Loss, int Correct) EvaluateBlocks<TNet>(TNet network, Dataset data, int from, int to)
        where TNet : class, INetwork<TNet>
    {
        var outputs = new float[BlockImages * TNet.OutputLength];
        ReadOnlySpan<float> inputs = data.Inputs;
        double loss = 0;
        int correct = 0;
        for (int start = from; start < to; start += BlockImages)
        {
            int count = Math.Min(BlockImages, to - start);
            Span<float> blockOutputs = outputs.AsSpan(0, count * TNet.OutputLength);
            network.ForwardBatch(inputs.Slice(start * TNet.InputLength, count * TNet.InputLength), blockOutputs, threads: 1);
            for (int i = 0; i < count; i++)
            {
                Score<TNet>(blockOutputs.Slice(i * TNet.OutputLength, TNet.OutputLength), data.Label(start + i), ref loss, ref correct);
            }
        }

        return (loss, correct);
    }

    private static void Score<TNet>(ReadOnlySpan<float> output, int label, ref double loss, ref int correct)
        where TNet : class, INetwork<TNet>
    {
        loss += TNet.LossOf(output, label);

        // A non-finite output has class -1, which no label matches: it counts as wrong, never as class 0.
        if (TNet.ClassOf(output) == label)
        {
            correct++;
        }
    }
}
