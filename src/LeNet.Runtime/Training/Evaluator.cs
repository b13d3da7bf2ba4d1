using System;
using System.Diagnostics;
using System.IO;
using System.Numerics.Tensors;
using System.Threading;
using System.Threading.Tasks;

namespace LeNet.Training;

/// <summary>Accuracy and loss of a trained network, in parallel over contiguous shards reduced in order.</summary>
public static class Evaluator
{
    /// <summary>Runs <paramref name="network"/> over <paramref name="data"/> on <paramref name="threads"/> threads.</summary>
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
        var losses = new double[threads];
        var correct = new int[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, shard =>
        {
            var workspace = new float[TNet.WorkspaceLength];
            var output = new float[TNet.OutputLength];
            int from = (int)((long)data.Count * shard / threads), to = (int)((long)data.Count * (shard + 1) / threads);
            for (int i = from; i < to; i++)
            {
                network.Forward(data.Input(i), output, workspace);
                int label = data.Label(i);
                losses[shard] += TNet.LossOf(output, label);

                // A non-finite output has class -1, which no label matches: it counts as wrong, never as class 0.
                if (TNet.ClassOf(output) == label)
                {
                    correct[shard]++;
                }
            }
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
}
