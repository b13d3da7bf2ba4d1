using System;
using System.Threading.Tasks;

namespace LeNet.Sample.Scoring;

/// <summary>Accuracy, per-class precision, recall and F1, and the confusion matrix (rows: true class) of a network on a data set.</summary>
internal sealed class ClassificationReport
{
    public const int Classes = 10;

    private ClassificationReport(int[,] confusion, int[] predictions)
    {
        Confusion = confusion;
        Predictions = predictions;
        for (int i = 0; i < Classes; i++)
        {
            for (int j = 0; j < Classes; j++)
            {
                Count += confusion[i, j];
            }

            Correct += confusion[i, i];
        }
    }

    /// <summary>confusion[true, predicted].</summary>
    public int[,] Confusion { get; }

    /// <summary>The predicted class of every example, in order.</summary>
    public int[] Predictions { get; }

    public int Count { get; }

    public int Correct { get; }

    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;

    public static ClassificationReport Compute(LeNet5 network, Dataset data, int threads)
    {
        var predictions = new int[data.Count];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, shard =>
        {
            var workspace = new float[LeNet5.WorkspaceLength];
            var output = new float[LeNet5.OutputLength];
            int from = (int)((long)data.Count * shard / threads), to = (int)((long)data.Count * (shard + 1) / threads);
            for (int i = from; i < to; i++)
            {
                network.Forward(data.Input(i), output, workspace);
                predictions[i] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(output);
            }
        });

        var confusion = new int[Classes, Classes];
        for (int i = 0; i < data.Count; i++)
        {
            confusion[data.Label(i), predictions[i]]++;
        }

        return new ClassificationReport(confusion, predictions);
    }

    /// <summary>Of the examples predicted as <paramref name="digit"/>, the share that are it (0 when none is).</summary>
    public double Precision(int digit)
    {
        int predicted = 0;
        for (int i = 0; i < Classes; i++)
        {
            predicted += Confusion[i, digit];
        }

        return predicted == 0 ? 0 : (double)Confusion[digit, digit] / predicted;
    }

    /// <summary>Of the examples that are <paramref name="digit"/>, the share predicted as it.</summary>
    public double Recall(int digit)
    {
        int actual = Support(digit);
        return actual == 0 ? 0 : (double)Confusion[digit, digit] / actual;
    }

    public double F1(int digit)
    {
        double p = Precision(digit), r = Recall(digit);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public int Support(int digit)
    {
        int actual = 0;
        for (int j = 0; j < Classes; j++)
        {
            actual += Confusion[digit, j];
        }

        return actual;
    }

    /// <summary>The largest entry off the diagonal, for scaling charts; at least 1.</summary>
    public int MaxOffDiagonal()
    {
        int max = 1;
        for (int i = 0; i < Classes; i++)
        {
            for (int j = 0; j < Classes; j++)
            {
                if (i != j)
                {
                    max = Math.Max(max, Confusion[i, j]);
                }
            }
        }

        return max;
    }
}
