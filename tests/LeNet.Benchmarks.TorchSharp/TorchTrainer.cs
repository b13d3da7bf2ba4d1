using System;
using System.Diagnostics;
using LeNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LeNet.Benchmarks.Torch;

/// <summary>
/// Trains <see cref="TorchLeNet5"/> the way the project's <see cref="Trainer{TNet}"/> trains the generated LeNet-5:
/// minibatches of 64 (the last one smaller) drawn in a fresh seeded shuffle every epoch, mean cross-entropy, Adam
/// (β 0.9/0.999, ε 1e-8, no weight decay, constant learning rate), the written PyTorch training loop
/// (<c>zero_grad</c>, forward, loss, <c>backward</c>, <c>step</c>) with every intermediate tensor freed per batch.
/// The images live in one (N,1,32,32) tensor made once; a batch is gathered with <c>index_select</c>, as a
/// shuffling data loader does.
/// </summary>
internal sealed class TorchTrainer : IDisposable
{
    private readonly Tensor _images;
    private readonly Tensor _labels;
    private readonly optim.Optimizer _optimizer;
    private readonly Random _shuffle;
    private readonly long[] _order;

    public TorchTrainer(Dataset data, ReadOnlySpan<float> initialParameters, float learningRate, int batchSize = 64, int seed = 1)
    {
        if (data.InputLength != 32 * 32)
        {
            throw new ArgumentException($"Expected 1x32x32 images ({32 * 32} floats each), got {data.InputLength} floats per image.", nameof(data));
        }

        Model = new TorchLeNet5(initialParameters);
        _images = MnistTensors.Images(data);
        _labels = MnistTensors.Labels(data);
        _optimizer = optim.Adam(Model.parameters(), lr: learningRate);
        BatchSize = batchSize;
        Count = data.Count;
        _shuffle = new Random(seed);
        _order = new long[Count];
    }

    public TorchLeNet5 Model { get; }

    public int BatchSize { get; }

    public int Count { get; }

    /// <summary>One pass over the data in a new shuffled order; returns the mean loss and the seconds it took.</summary>
    public (double Loss, double Seconds) TrainEpoch()
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < Count; i++)
        {
            _order[i] = i;
        }

        _shuffle.Shuffle(_order);
        Model.train();
        double lossSum = 0;
        for (int first = 0; first < Count; first += BatchSize)
        {
            int count = Math.Min(BatchSize, Count - first);
            using DisposeScope scope = NewDisposeScope();
            Tensor index = tensor(_order.AsSpan(first, count).ToArray());
            lossSum += Step(_images.index_select(0, index), _labels.index_select(0, index)) * count;
        }

        return (lossSum / Count, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>One optimizer step on a batch; returns its mean loss.</summary>
    public float Step(Tensor images, Tensor labels)
    {
        using DisposeScope scope = NewDisposeScope();
        _optimizer.zero_grad();
        Tensor loss = nn.functional.cross_entropy(Model.forward(images), labels);
        loss.backward();
        _optimizer.step();
        return loss.item<float>();
    }

    /// <summary>Test accuracy: the share of images whose largest logit is their label (no gradients, batches of 1,000).</summary>
    public static double Accuracy(TorchLeNet5 model, Dataset data)
    {
        model.eval();
        using Tensor images = MnistTensors.Images(data);
        using Tensor labels = MnistTensors.Labels(data);
        long correct = 0;
        using (no_grad())
        {
            for (int first = 0; first < data.Count; first += 1000)
            {
                using DisposeScope scope = NewDisposeScope();
                long count = Math.Min(1000, data.Count - first);
                Tensor predicted = model.forward(images.narrow(0, first, count)).argmax(1);
                correct += predicted.eq(labels.narrow(0, first, count)).sum().item<long>();
            }
        }

        return (double)correct / data.Count;
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _images.Dispose();
        _labels.Dispose();
        Model.Dispose();
    }
}
