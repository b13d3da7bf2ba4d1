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
}
