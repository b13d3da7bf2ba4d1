using System;
using LeNet.Sample;
using LeNet.Tests.Reference;
using LeNet.Tests.Shared;
using LeNet.Training;
using Xunit;
using Xunit.Abstractions;

namespace LeNet.Tests.Training;

/// <summary>
/// [Dropout]: off at inference (Forward against the naive reference and ONNX Runtime runs through NetworkCases), masks
/// fixed by (seed, epoch, index, layer), inverted scaling, back-propagation through the forward pass's masks against
/// finite differences, the trainer's masks independent of the thread count, and training on real MNIST.
/// </summary>
public sealed class DropoutTests(ITestOutputHelper output)
{
    // DropoutNet's layers in chain order: CONV1 0, DROP1 1, POOL1 2, FC2 3, DROP2 4, Softmax 5.
    private const int Drop1Position = 1, Drop2Position = 4;

    [Fact]
    public void Dropout_layers_keep_their_shape_and_show_in_Layers_and_Summary()
    {
        LayerInfo drop1 = DropoutNet.Layers[Drop1Position], drop2 = DropoutNet.Layers[Drop2Position];
        Assert.Equal(("DROP1", LayerType.Dropout, 0.25f, 0), (drop1.Name, drop1.Kind, drop1.Rate, drop1.WeightLength));
        Assert.Equal(new ActivationShape(4, 10, 10), drop1.Input);
        Assert.Equal(new ActivationShape(4, 10, 10), drop1.Output);
        Assert.Equal(("DROP2", 0.5f, new ActivationShape(16, 1, 1)), (drop2.Name, drop2.Rate, drop2.Output));
        Assert.Equal(0.5f, DropoutNet.Drop2.Rate);
        Assert.Equal(DropoutNet.Fc2.OutputOffset, DropoutNet.Drop2.InputOffset);
        Assert.Contains("DROP1    (10,10,4)                     400           0", DropoutNet.Summary);
        Assert.Contains("DROP2    (16,1)                         16           0", DropoutNet.Summary);
        Assert.IsAssignableFrom<IDropoutNetwork>(new DropoutNet());
        Assert.False(new LeNet5() is IDropoutNetwork);
    }

    [Fact]
    public void Masks_drop_the_rate_and_scale_the_rest_by_its_complement()
    {
        var ones = new float[200_000];
        ones.AsSpan().Fill(1f);
        var masked = new float[ones.Length];
        GeneratedCodeSupport.Dropout(ones, masked, 0.3f, new DropoutKey(1, 0, 0), layer: 2);
        int dropped = 0;
        foreach (float value in masked)
        {
            if (value == 0f)
            {
                dropped++;
            }
            else
            {
                Assert.Equal(1f / 0.7f, value);
            }
        }

        // Binomial(200000, 0.3): standard deviation 205, so 0.3 ± 0.005 is about 5 sigma.
        Assert.InRange(dropped / (double)ones.Length, 0.295, 0.305);
    }

    [Fact]
    public void Masks_come_from_seed_epoch_index_and_layer_alone()
    {
        float[] Mask(DropoutKey key, int layer)
        {
            var ones = new float[64];
            ones.AsSpan().Fill(1f);
            var mask = new float[64];
            GeneratedCodeSupport.Dropout(ones, mask, 0.5f, key, layer);
            return mask;
        }

        float[] reference = Mask(new DropoutKey(7, 3, 42), 1);
        Assert.Equal(reference, Mask(new DropoutKey(7, 3, 42), 1));
        Assert.NotEqual(reference, Mask(new DropoutKey(8, 3, 42), 1));
        Assert.NotEqual(reference, Mask(new DropoutKey(7, 4, 42), 1));
        Assert.NotEqual(reference, Mask(new DropoutKey(7, 3, 43), 1));
        Assert.NotEqual(reference, Mask(new DropoutKey(7, 3, 42), 4));

        // No key (default) and rate 0 keep everything, unscaled.
        Assert.All(Mask(default, 1), value => Assert.Equal(1f, value));
        var ones = new float[64];
        ones.AsSpan().Fill(1f);
        var kept = new float[64];
        GeneratedCodeSupport.Dropout(ones, kept, 0f, new DropoutKey(7, 3, 42), 1);
        Assert.Equal(ones, kept);
    }

    [Fact]
    public void Backward_without_a_key_keeps_every_activation()
    {
        var (network, input) = GradientCheckTests.RandomNetwork<DropoutNet>(seed: 31);
        var plain = new float[DropoutNet.ParameterCount];
        var unkeyed = new float[DropoutNet.ParameterCount];
        var keyed = new float[DropoutNet.ParameterCount];
        var workspace = new float[DropoutNet.TrainingWorkspaceLength];
        float plainLoss = network.Backward(input, 2, plain, workspace);
        float unkeyedLoss = network.Backward(input, 2, unkeyed, workspace, default);
        float keyedLoss = network.Backward(input, 2, keyed, workspace, new DropoutKey(1, 0, 5));

        Assert.Equal(plainLoss, unkeyedLoss);
        Assert.Equal(plain, unkeyed);
        var output = new float[DropoutNet.OutputLength];
        network.Forward(input, output);
        Assert.Equal(DropoutNet.LossOf(output, 2), plainLoss);
        Assert.NotEqual(plainLoss, keyedLoss);
    }

    /// <summary>The training loss under one key's masks, differentiated by central differences of the reference under the same masks.</summary>
    [Theory]
    [InlineData(1, 0, 0, 2)]
    [InlineData(5, 3, 917, 4)]
    public void Backward_through_the_masks_matches_finite_differences(int seed, int epoch, int index, int label)
    {
        var (network, input) = GradientCheckTests.RandomNetwork<DropoutNet>(seed: 32 + index);
        var key = new DropoutKey(seed, epoch, index);
        float[] scale1 = MaskOf(DropoutNet.Drop1.InputLength, DropoutNet.Drop1.Rate, key, Drop1Position);
        float[] scale2 = MaskOf(DropoutNet.Drop2.InputLength, DropoutNet.Drop2.Rate, key, Drop2Position);
        Assert.Contains(0f, scale1);
        Assert.Contains(0f, scale2);
        var reference = new ReferenceNetwork(2, 12, 12,
            new RefConv(4, 3, Activation: Activation.ReLU), new RefDropout(0.25, scale1), new RefPool(true, 2, 2),
            new RefDense(16, Activation.Tanh), new RefDropout(0.5, scale2), new RefDense(5, Activation.Softmax));

        var gradients = new float[DropoutNet.ParameterCount];
        float loss = network.Backward(input, label, gradients, new float[DropoutNet.TrainingWorkspaceLength], key);

        double[] parameters = ReferenceNetwork.ToDouble(network.Parameters);
        double[] x = ReferenceNetwork.ToDouble(input);
        double LossOf(double[] p) => -Math.Log(reference.Run(p, x)[^1][label]);
        Assert.Equal(LossOf(parameters), loss, 4);
        new GradientCheckTests(output).CompareWithFiniteDifferences<DropoutNet>(gradients, parameters, LossOf, seed, everyWeight: true);
    }

    /// <summary>
    /// With one example per batch, two workers leave one idle, so the summed gradient is exactly the one example's: the
    /// parameters agree bit for bit only if the masks do not depend on the thread that drew them.
    /// </summary>
    [Fact]
    public void Trainer_masks_are_the_same_for_any_thread_count()
    {
        Dataset data = SyntheticData(DropoutNet.InputLength, count: 24, classes: 5, seed: 40);
        float[] Train(int threads)
        {
            var network = new DropoutNet();
            Initializer.Initialize(network, seed: 3);
            var trainer = new Trainer<DropoutNet>(network, new Adam(), new TrainingOptions { BatchSize = 1, Threads = threads, Seed = 9 });
            trainer.TrainEpoch(data);
            trainer.TrainEpoch(data);
            return network.Parameters.ToArray();
        }

        Assert.Equal(Train(1), Train(2));
    }

    /// <summary>One SGD step on one example: the trainer's update is the gradient under the masks of (seed, epoch 0, index).</summary>
    [Fact]
    public void Trainer_back_propagates_under_the_masks_of_seed_epoch_and_index()
    {
        Dataset data = SyntheticData(DropoutNet.InputLength, count: 1, classes: 5, seed: 41);
        var network = new DropoutNet();
        Initializer.Initialize(network, seed: 4);
        float[] before = network.Parameters.ToArray();
        var masked = new float[DropoutNet.ParameterCount];
        var unmasked = new float[DropoutNet.ParameterCount];
        var workspace = new float[DropoutNet.TrainingWorkspaceLength];
        network.Backward(data.Input(0), data.Label(0), masked, workspace, new DropoutKey(11, 0, 0));
        network.Backward(data.Input(0), data.Label(0), unmasked, workspace);

        var trainer = new Trainer<DropoutNet>(network, new GradientDescent(0.1f), new TrainingOptions { BatchSize = 1, Threads = 1, Seed = 11 });
        trainer.TrainEpoch(data);

        double offMasked = 0, offUnmasked = 0;
        for (int i = 0; i < before.Length; i++)
        {
            offMasked = Math.Max(offMasked, Math.Abs(before[i] - (0.1f * masked[i]) - network.Parameters[i]));
            offUnmasked = Math.Max(offUnmasked, Math.Abs(before[i] - (0.1f * unmasked[i]) - network.Parameters[i]));
        }

        Assert.True(offMasked < 1e-6, $"the update is off the masked gradient step by {offMasked}");
        Assert.True(offUnmasked > 1e-3, $"the update is within {offUnmasked} of the unmasked step: dropout did not run");
    }

    /// <summary>LeNet-5 (28x28, "same" first convolution) with dropout 0.5 after both hidden dense layers learns digits (about 20 s).</summary>
    [MnistFact]
    public void Dropout_LeNet5_learns_a_slice_of_MNIST()
    {
        string directory = MnistDirectory.Default();
        Dataset train = Mnist.Load(directory, MnistSplit.Train, padTo32: false).Take(4000);
        Dataset validation = Mnist.Load(directory, MnistSplit.Test, padTo32: false).Take(2000);
        var network = new DropoutLeNet5();
        Initializer.Initialize(network, seed: 1);
        var trainer = new Trainer<DropoutLeNet5>(network, new Adam(), new TrainingOptions { BatchSize = 32, Threads = 2 });
        FitResult result = trainer.Fit(train, new FitOptions { Epochs = 2, Validation = validation, Monitor = ValidationMetric.Accuracy });
        foreach (FitEpochReport epoch in result.History)
        {
            output.WriteLine($"epoch {epoch.Training.Epoch}: loss {epoch.Training.Loss:F4}, train {epoch.Training.TrainAccuracy:P2}, validation {epoch.Validation!.Accuracy:P2}, {epoch.Training.Seconds:F1} s");
        }

        Assert.True(result.BestValidation!.Accuracy > 0.85, $"validation accuracy {result.BestValidation.Accuracy:P2} after 2 epochs on 4,000 images");
    }

    private static float[] MaskOf(int length, float rate, DropoutKey key, int layer)
    {
        var ones = new float[length];
        ones.AsSpan().Fill(1f);
        var scale = new float[length];
        GeneratedCodeSupport.Dropout(ones, scale, rate, key, layer);
        return scale;
    }

    private static Dataset SyntheticData(int inputLength, int count, int classes, int seed)
    {
        var random = new Random(seed);
        var inputs = new float[count * inputLength];
        var labels = new int[count];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)random.NextDouble();
        }

        for (int i = 0; i < count; i++)
        {
            labels[i] = random.Next(classes);
        }

        return new Dataset(inputs, labels, inputLength);
    }
}
