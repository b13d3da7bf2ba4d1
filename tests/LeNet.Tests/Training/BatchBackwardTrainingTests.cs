using System;
using LeNet.Training;
using Xunit;

namespace LeNet.Tests.Training;

/// <summary>
/// The trainer on a generated network's batched kernel (IBatchBackward) against the same network on the per-sample path
/// (the fallback, forced): the same learning, up to the rounding of sums taken in another order.
/// </summary>
public sealed class BatchBackwardTrainingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Trainer_on_the_batched_kernel_learns_what_the_per_sample_path_learns(int threads)
    {
        Dataset data = SyntheticData.Digits(100, seed: 9);
        var options = new TrainingOptions { BatchSize = 16, Threads = threads, Seed = 3 };
        (float[] batched, EpochReport[] batchedReports) = Train(data, options, perSample: false);
        (float[] perSample, EpochReport[] perSampleReports) = Train(data, options, perSample: true);
        for (int epoch = 0; epoch < batchedReports.Length; epoch++)
        {
            Assert.Equal(perSampleReports[epoch].TrainAccuracy, batchedReports[epoch].TrainAccuracy);
            Assert.Equal(perSampleReports[epoch].Loss, batchedReports[epoch].Loss, 1e-5);
        }

        AssertClose(perSample, batched);
    }

    /// <summary>Augmentation goes into the gathered shard buffers too: the batched path trains on the same augmented images.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Augmented_batched_training_learns_the_same(int threads)
    {
        Dataset data = SyntheticData.Digits(100, seed: 9);
        var options = new TrainingOptions { BatchSize = 16, Threads = threads, Seed = 3, Augmentation = new ImageAugmentation() };
        (float[] batched, _) = Train(data, options, perSample: false);
        (float[] perSample, _) = Train(data, options, perSample: true);
        (float[] unaugmented, _) = Train(data, new TrainingOptions { BatchSize = 16, Threads = threads, Seed = 3 }, perSample: false);

        AssertClose(perSample, batched);
        Assert.NotEqual(unaugmented, batched);
    }

    private static (float[] Parameters, EpochReport[] Reports) Train(Dataset data, TrainingOptions options, bool perSample)
    {
        BatchKernels.ForcePerImage = perSample;
        try
        {
            var network = new TinyClassifier();
            Initializer.Initialize(network, seed: 1);
            var trainer = new Trainer<TinyClassifier>(network, new Adam(), options);
            EpochReport[] reports = [trainer.TrainEpoch(data), trainer.TrainEpoch(data)];
            return (network.Parameters.ToArray(), reports);
        }
        finally
        {
            BatchKernels.ForcePerImage = false;
        }
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"parameter {i}: batched {actual[i]}, per sample {expected[i]}");
        }
    }
}
