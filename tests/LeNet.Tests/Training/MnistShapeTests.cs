using System;
using LeNet.Tests.Shared;
using LeNet.Sample;
using LeNet.Training;
using Xunit;
using Xunit.Abstractions;

namespace LeNet.Tests.Training;

public sealed class MnistShapeTests(ITestOutputHelper output)
{
    [Fact]
    public void Size_mismatch_says_how_to_load_MNIST_for_the_network()
    {
        var padded = new LeNet5();
        Initializer.Initialize(padded, seed: 1);
        var trainer = new Trainer<LeNet5>(padded, new Adam(), new TrainingOptions { Threads = 1 });
        var error = Assert.Throws<ArgumentException>(() => trainer.TrainEpoch(new Dataset(new float[784], [0], 784)));
        Assert.Contains("Expected inputs of 1024 floats for LeNet5, got 784.", error.Message);
        Assert.Contains("pads to 32x32 by default", error.Message);

        var unpadded = new LeNet5Unpadded();
        Initializer.Initialize(unpadded, seed: 1);
        var other = new Trainer<LeNet5Unpadded>(unpadded, new Adam(), new TrainingOptions { Threads = 1 });
        error = Assert.Throws<ArgumentException>(() => other.Evaluate(new Dataset(new float[1024], [0], 1024)));
        Assert.Contains("got 1024", error.Message);
        Assert.Contains("padTo32: false", error.Message);
    }

    /// <summary>The README's unpadded recipe on real MNIST, with augmentation and Fit: far past chance in 2 epochs.</summary>
    [MnistFact]
    public void Augmented_unpadded_LeNet5_learns_a_slice_of_MNIST()
    {
        string directory = MnistDirectory.Default();
        Dataset train = Mnist.Load(directory, MnistSplit.Train, padTo32: false).Take(8000);
        Dataset validation = Mnist.Load(directory, MnistSplit.Test, padTo32: false).Take(2000);
        var network = new LeNet5Unpadded();
        Initializer.Initialize(network, seed: 1);
        var trainer = new Trainer<LeNet5Unpadded>(network, new Adam(), new TrainingOptions { BatchSize = 32, Threads = 2, Augmentation = new ImageAugmentation() });
        FitResult result = trainer.Fit(train, new FitOptions { Epochs = 2, Validation = validation, Monitor = ValidationMetric.Accuracy });
        foreach (FitEpochReport epoch in result.History)
        {
            output.WriteLine($"epoch {epoch.Training.Epoch}: loss {epoch.Training.Loss:F4}, train {epoch.Training.TrainAccuracy:P2}, validation {epoch.Validation!.Accuracy:P2}, {epoch.Training.Seconds:F1} s");
        }

        Assert.True(result.BestValidation!.Accuracy > 0.9, $"validation accuracy {result.BestValidation.Accuracy:P2} after 2 augmented epochs on 8,000 images");
    }
}
