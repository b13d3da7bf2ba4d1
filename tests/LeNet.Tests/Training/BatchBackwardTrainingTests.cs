using System;
using LeNet.Training;
using Xunit;

namespace LeNet.Tests.Training;

/// <summary>TinyClassifier again, with a batched kernel that is the per-sample one in a loop: the trainer's batched path must change nothing.</summary>
[Network]
[Input(height: 8, width: 8, channels: 1)]
[Conv(filters: 4, kernel: 3, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(16, Activation = Activation.Tanh)]
[Dense(4, Activation = Activation.Softmax)]
public partial class TinyBatchedClassifier : IBatchBackward
{
    private int _calls;

    /// <summary>How many times the trainer called <see cref="BackwardBatch"/>.</summary>
    public int BatchCalls => _calls;

    public int BatchTrainingWorkspaceLength(int examples) => TrainingWorkspaceLength;

    public float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradients, Span<float> outputs, Span<float> workspace)
    {
        System.Threading.Interlocked.Increment(ref _calls);
        float loss = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            loss += Backward(inputs.Slice(i * InputLength, InputLength), labels[i], gradients, workspace);
            workspace.Slice(OutputOffset, OutputLength).CopyTo(outputs.Slice(i * OutputLength, OutputLength));
        }

        return loss;
    }
}

public sealed class BatchBackwardTrainingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Trainer_uses_the_batched_kernel_and_learns_the_same(int threads)
    {
        Dataset data = SyntheticData.Digits(100, seed: 9);
        var options = new TrainingOptions { BatchSize = 16, Threads = threads, Seed = 3 };
        var plain = new TinyClassifier();
        var batched = new TinyBatchedClassifier();
        Initializer.Initialize(plain, seed: 1);
        Initializer.Initialize(batched, seed: 1);
        var plainTrainer = new Trainer<TinyClassifier>(plain, new Adam(), options);
        var batchedTrainer = new Trainer<TinyBatchedClassifier>(batched, new Adam(), options);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            EpochReport expected = plainTrainer.TrainEpoch(data);
            EpochReport actual = batchedTrainer.TrainEpoch(data);
            Assert.Equal(expected.TrainAccuracy, actual.TrainAccuracy);
            Assert.Equal(expected.Loss, actual.Loss, 1e-5);
        }

        // 100 examples in batches of 16 are 7 batches, each split over the workers.
        Assert.Equal(2 * 7 * threads, batched.BatchCalls);
        Assert.Equal(plain.Parameters.ToArray(), batched.Parameters.ToArray());
    }

    /// <summary>Augmentation goes into the gathered shard buffers too: the batched path trains on the same augmented images.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Augmented_batched_training_learns_the_same(int threads)
    {
        Dataset data = SyntheticData.Digits(100, seed: 9);
        var options = new TrainingOptions { BatchSize = 16, Threads = threads, Seed = 3, Augmentation = new ImageAugmentation() };
        var plain = new TinyClassifier();
        var batched = new TinyBatchedClassifier();
        var unaugmented = new TinyClassifier();
        Initializer.Initialize(plain, seed: 1);
        Initializer.Initialize(batched, seed: 1);
        Initializer.Initialize(unaugmented, seed: 1);
        new Trainer<TinyClassifier>(plain, new Adam(), options).TrainEpoch(data);
        new Trainer<TinyBatchedClassifier>(batched, new Adam(), options).TrainEpoch(data);
        new Trainer<TinyClassifier>(unaugmented, new Adam(), new TrainingOptions { BatchSize = 16, Threads = threads, Seed = 3 }).TrainEpoch(data);

        Assert.Equal(plain.Parameters.ToArray(), batched.Parameters.ToArray());
        Assert.NotEqual(unaugmented.Parameters.ToArray(), batched.Parameters.ToArray());
    }
}
