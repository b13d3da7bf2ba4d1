using System;
using LeNet.Sample;
using LeNet.Tests.Reference;
using LeNet.Tests.Shared;
using LeNet.Training;
using Xunit;
using Xunit.Abstractions;

namespace LeNet.Tests.Training;

/// <summary>
/// "Same" padding and stride-2 convolutions in place of pooling: the shapes they resolve to, their gradients against
/// finite differences, and training on real MNIST. Forward against the naive reference and ONNX Runtime runs for both
/// networks through NetworkCases.
/// </summary>
public sealed class LayerKindTests(ITestOutputHelper output)
{
    private static readonly ReferenceNetwork SamePaddedReference = new(2, 14, 14,
        new RefConv(4, 5, Padding: 2, Activation: Activation.ReLU), new RefConv(3, 3, Padding: 1, Activation: Activation.Tanh),
        new RefPool(true, 2, 2), new RefDense(5, Activation.Softmax));

    private static readonly ReferenceNetwork StridedDigitReference = new(1, 28, 28,
        new RefConv(6, 5, Padding: 2, Activation: Activation.ReLU), new RefConv(12, 4, 2, 1, Activation.ReLU),
        new RefConv(16, 4, 2, 1, Activation.ReLU), new RefDense(10, Activation.Softmax));

    [Fact]
    public void Same_padding_is_half_the_kernel_and_keeps_the_size()
    {
        Assert.Equal((2, 14, 14), (SamePaddedNet.Conv1.Padding, SamePaddedNet.Conv1.OutH, SamePaddedNet.Conv1.OutW));
        Assert.Equal((1, 14, 14), (SamePaddedNet.Conv2.Padding, SamePaddedNet.Conv2.OutH, SamePaddedNet.Conv2.OutW));
        Assert.Equal(2, SamePaddedNet.Layers[0].Padding);
        Assert.Equal(new ActivationShape(4, 14, 14), SamePaddedNet.Layers[0].Output);
        Assert.Contains("CONV1    (14,14,4)", SamePaddedNet.Summary);
    }

    [Fact]
    public void Same_padding_declares_the_same_architecture_as_its_number()
    {
        // Padding.Same is resolved to a number at compile time: the network is the one with padding (kernel - 1) / 2.
        Assert.Equal(PaddedNumberNet.Fingerprint, SamePaddedTwin.Fingerprint);
        Assert.Equal(PaddedNumberNet.Summary, SamePaddedTwin.Summary);
    }

    [Fact]
    public void Same_padded_gradients_match_finite_differences() =>
        new GradientCheckTests(output).CheckLabelLoss<SamePaddedNet>(SamePaddedReference, label: 3, seed: 21);

    [Fact]
    public void Stride_two_convolutions_halve_the_size_where_pools_would()
    {
        Assert.Equal((28, 28), (StridedDigitNet.Conv1.OutH, StridedDigitNet.Conv1.OutW));
        Assert.Equal((2, 1, 14, 14), (StridedDigitNet.Conv2.Stride, StridedDigitNet.Conv2.Padding, StridedDigitNet.Conv2.OutH, StridedDigitNet.Conv2.OutW));
        Assert.Equal((2, 1, 7, 7), (StridedDigitNet.Conv3.Stride, StridedDigitNet.Conv3.Padding, StridedDigitNet.Conv3.OutH, StridedDigitNet.Conv3.OutW));
        Assert.Equal(16 * 7 * 7, StridedDigitNet.Fc4.InC);
        Assert.Equal(156 + 1164 + 3088 + 7850, StridedDigitNet.ParameterCount);
    }

    [Fact]
    public void Stride_two_gradients_match_finite_differences() =>
        new GradientCheckTests(output).CheckLabelLoss<StridedDigitNet>(StridedDigitReference, label: 7, seed: 22);

    /// <summary>No pooling layer at all: stride-2 convolutions downsample, and the network learns digits (about 15 s on a loaded 2-core machine).</summary>
    [MnistFact]
    public void Stride_two_all_convolutional_net_learns_a_slice_of_MNIST()
    {
        string directory = MnistDirectory.Default();
        Dataset train = Mnist.Load(directory, MnistSplit.Train, padTo32: false).Take(4000);
        Dataset validation = Mnist.Load(directory, MnistSplit.Test, padTo32: false).Take(2000);
        var network = new StridedDigitNet();
        Initializer.Initialize(network, seed: 1);
        var trainer = new Trainer<StridedDigitNet>(network, new Adam(), new TrainingOptions { BatchSize = 32, Threads = 2 });
        FitResult result = trainer.Fit(train, new FitOptions { Epochs = 2, Validation = validation, Monitor = ValidationMetric.Accuracy });
        foreach (FitEpochReport epoch in result.History)
        {
            output.WriteLine($"epoch {epoch.Training.Epoch}: loss {epoch.Training.Loss:F4}, train {epoch.Training.TrainAccuracy:P2}, validation {epoch.Validation!.Accuracy:P2}, {epoch.Training.Seconds:F1} s");
        }

        Assert.True(result.BestValidation!.Accuracy > 0.85, $"validation accuracy {result.BestValidation.Accuracy:P2} after 2 epochs on 4,000 images");
    }
}
