using System;
using LeNet.Training;
using Xunit;
using Xunit.Abstractions;

namespace LeNet.Tests.Training;

/// <summary>The batch-statistics training path allocates nothing per batch or example.</summary>
[Collection(ProcessWideAllocationCollection.Name)]
public sealed class BatchNormAllocationTests(ITestOutputHelper output)
{
    /// <summary>
    /// On one thread the whole epoch runs on the calling thread, so its allocation count is exact: an epoch of 250 batches
    /// allocates what one of 25 batches over the same examples does (the JIT's tiering allocates in the first rounds, so a
    /// few are measured).
    /// </summary>
    [Fact]
    public void Batch_statistics_epochs_allocate_nothing_per_batch()
    {
        Dataset data = Synthetic(1000);
        Trainer<BatchNormNet> smallBatches = OneThread(batchSize: 4), largeBatches = OneThread(batchSize: 40);
        long few = 0, many = 0;
        for (int round = 0; round < 6; round++)
        {
            few = AllocatedOnThisThread(() => largeBatches.TrainEpoch(data));
            many = AllocatedOnThisThread(() => smallBatches.TrainEpoch(data));
            output.WriteLine($"round {round + 1}: 25 batches {few} B, 250 batches {many} B");
            if (round >= 1 && few == many)
            {
                break;
            }
        }

        Assert.Equal(few, many);
    }

    /// <summary>On two threads, sharing each batch as a team, an epoch allocates a fixed amount (its worker thread), nothing per batch.</summary>
    [Fact]
    public void Team_epochs_on_two_threads_allocate_nothing_per_batch()
    {
        var network = new BatchNormNet();
        Initializer.Initialize(network, seed: 1);
        var trainer = new Trainer<BatchNormNet>(network, new Adam(), new TrainingOptions { BatchSize = 4, Threads = 2 });
        Dataset small = Synthetic(40), large = Synthetic(1000);
        trainer.TrainEpoch(small);
        trainer.TrainEpoch(large);
        long tenBatches = trainer.TrainEpoch(small).AllocatedBytes;
        long manyBatches = trainer.TrainEpoch(large).AllocatedBytes;
        output.WriteLine($"10 batches: {tenBatches} B, 250 batches: {manyBatches} B");
        Assert.True(manyBatches - tenBatches < 2048, $"10 batches allocated {tenBatches} B, 250 batches {manyBatches} B");
    }

    private static Trainer<BatchNormNet> OneThread(int batchSize)
    {
        var network = new BatchNormNet();
        Initializer.Initialize(network, seed: 1);
        return new Trainer<BatchNormNet>(network, new Adam(), new TrainingOptions { BatchSize = batchSize, Threads = 1 });
    }

    private static long AllocatedOnThisThread(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static Dataset Synthetic(int count)
    {
        var random = new Random(count);
        var inputs = new float[count * BatchNormNet.InputLength];
        var labels = new int[count];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)random.NextDouble();
        }

        for (int i = 0; i < count; i++)
        {
            labels[i] = random.Next(BatchNormNet.ClassCount);
        }

        return new Dataset(inputs, labels, BatchNormNet.InputLength);
    }
}
