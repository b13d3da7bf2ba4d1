using LeNet.Training;
using Xunit;
using Xunit.Abstractions;

namespace LeNet.Tests.Training;

[Collection(ProcessWideAllocationCollection.Name)]
public sealed class EpochAllocationTests(ITestOutputHelper output)
{
    /// <summary>An epoch allocates a fixed amount (its worker threads), nothing per batch or per example.</summary>
    [Fact]
    public void Epoch_allocation_does_not_grow_with_the_number_of_batches()
    {
        var network = new TinyClassifier();
        Initializer.Initialize(network, seed: 1);
        var trainer = new Trainer<TinyClassifier>(network, new Adam(), new TrainingOptions { BatchSize = 4, Threads = 2 });
        Dataset small = SyntheticData.Digits(40, seed: 1);
        Dataset large = SyntheticData.Digits(4000, seed: 1);
        trainer.TrainEpoch(small);
        trainer.TrainEpoch(large);
        long tenBatches = trainer.TrainEpoch(small).AllocatedBytes;
        long thousandBatches = trainer.TrainEpoch(large).AllocatedBytes;
        output.WriteLine($"10 batches: {tenBatches} B, 1000 batches: {thousandBatches} B");
        Assert.True(thousandBatches - tenBatches < 2048, $"10 batches allocated {tenBatches} B, 1000 batches {thousandBatches} B");
    }

    /// <summary>
    /// Augmentation (elastic included) allocates nothing: an augmented epoch of 1000 batches allocates exactly what a
    /// plain one does. On one thread the whole epoch runs on the calling thread, so its own allocation count is exact
    /// and free of the test runner's background noise.
    /// </summary>
    [Fact]
    public void Augmented_epoch_allocates_nothing_more()
    {
        Dataset data = SyntheticData.Digits(4000, seed: 1);
        Trainer<TinyClassifier> augmented = OneThread(new ImageAugmentation { ElasticAlpha = 4, ElasticSigma = 1.5f });
        Trainer<TinyClassifier> plain = OneThread(null);

        // The JIT re-compiles hot loops (tiering) during the first epochs and that allocates on this thread too, so
        // measure a few rounds: a real allocation per batch or example would show in every one.
        long withAugmentation = 0, without = 0;
        for (int round = 0; round < 6; round++)
        {
            withAugmentation = AllocatedOnThisThread(() => augmented.TrainEpoch(data));
            without = AllocatedOnThisThread(() => plain.TrainEpoch(data));
            output.WriteLine($"round {round + 1}, 1000 batches on one thread: augmented {withAugmentation} B, plain {without} B");
            if (round >= 1 && withAugmentation == without)
            {
                break;
            }
        }

        Assert.Equal(without, withAugmentation);

        static Trainer<TinyClassifier> OneThread(ImageAugmentation? augmentation)
        {
            var network = new TinyClassifier();
            Initializer.Initialize(network, seed: 1);
            return new Trainer<TinyClassifier>(network, new Adam(), new TrainingOptions { BatchSize = 4, Threads = 1, Augmentation = augmentation });
        }
    }

    private static long AllocatedOnThisThread(System.Action action)
    {
        long before = System.GC.GetAllocatedBytesForCurrentThread();
        action();
        return System.GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
