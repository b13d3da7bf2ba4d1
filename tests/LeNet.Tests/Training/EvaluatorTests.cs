using System;
using LeNet.Sample;
using LeNet.Training;
using Xunit;

namespace LeNet.Tests.Training;

/// <summary>
/// Evaluator runs networks with a batched kernel through ForwardBatch in blocks; its accuracy and loss must be what
/// one Forward per image gives.
/// </summary>
public sealed class EvaluatorTests
{
    /// <summary>ForwardBatch's outputs equal Forward's within 1e-6 (ForwardBatchTests), so the mean loss does too.</summary>
    private const double LossTolerance = 1e-6;

    public static TheoryData<int, int> Sizes() => new()
    {
        // One partial block; several blocks with a partial one per shard; more threads than whole blocks.
        { 37, 1 },
        { 1000, 1 },
        { 1000, 2 },
        { 601, 3 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void LeNet5_evaluation_equals_one_Forward_per_image(int images, int threads) => CheckAgainstForward<LeNet5>(images, threads, seed: 5);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Three_channel_LeNet5_evaluation_equals_one_Forward_per_image(int images, int threads) => CheckAgainstForward<LeNet5Rgb>(images, threads, seed: 6);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Padded_network_evaluation_equals_one_Forward_per_image(int images, int threads) => CheckAgainstForward<PaddedNet>(images, threads, seed: 7);

    /// <summary>Without AVX-512 (simulated) Evaluator takes Forward itself: the same bits as the per-image loop.</summary>
    [Fact]
    public void On_the_per_image_fallback_the_evaluation_is_the_same_bit_for_bit()
    {
        BatchKernels.ForcePerImage = true;
        try
        {
            Dataset data = MakeData<LeNet5>(new LeNet5(), 300, seed: 8, out LeNet5 network);
            (double accuracy, double loss) = PerImage(network, data);
            Evaluation evaluation = Evaluator.Evaluate(network, data, threads: 1);
            Assert.Equal(accuracy, evaluation.Accuracy);
            Assert.Equal(loss, evaluation.Loss);
        }
        finally
        {
            BatchKernels.ForcePerImage = false;
        }
    }

    /// <summary>A slice that starts inside the data: blocks are read from the slice's own first image.</summary>
    [Fact]
    public void A_slice_is_evaluated_from_its_own_first_image()
    {
        Dataset all = MakeData<LeNet5>(new LeNet5(), 700, seed: 9, out LeNet5 network);
        Dataset slice = all.Slice(333, 300);
        (double accuracy, double loss) = PerImage(network, slice);
        Evaluation evaluation = Evaluator.Evaluate(network, slice, threads: 2);
        Assert.Equal(300, evaluation.Count);
        Assert.Equal(accuracy, evaluation.Accuracy);
        Assert.True(Math.Abs(evaluation.Loss - loss) <= LossTolerance * Math.Max(1, loss), $"loss {evaluation.Loss}, per image {loss}");
    }

    private static void CheckAgainstForward<TNet>(int images, int threads, int seed)
        where TNet : class, INetwork<TNet>
    {
        Dataset data = MakeData(TNet.Create(), images, seed, out TNet network);
        (double accuracy, double loss) = PerImage(network, data);
        Evaluation evaluation = Evaluator.Evaluate(network, data, threads);

        // Half the labels are the network's own answers, so the accuracy is neither 0 nor 1 and a miscounted image shows.
        Assert.InRange(accuracy, 0.4, 0.9);
        Assert.Equal(images, evaluation.Count);
        Assert.Equal(accuracy, evaluation.Accuracy);
        Assert.True(Math.Abs(evaluation.Loss - loss) <= LossTolerance * Math.Max(1, loss), $"{typeof(TNet).Name}: loss {evaluation.Loss}, per image {loss}");
    }

    /// <summary>Seeded random images for a He-initialised network; even images get its own class as label, odd ones a random one.</summary>
    private static Dataset MakeData<TNet>(TNet created, int images, int seed, out TNet network)
        where TNet : class, INetwork<TNet>
    {
        network = created;
        Initializer.Initialize(network, seed);
        var random = new Random(seed);
        var inputs = new float[images * TNet.InputLength];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)random.NextDouble();
        }

        var labels = new int[images];
        var output = new float[TNet.OutputLength];
        for (int i = 0; i < images; i++)
        {
            network.Forward(inputs.AsSpan(i * TNet.InputLength, TNet.InputLength), output);
            labels[i] = i % 2 == 0 ? TNet.ClassOf(output) : random.Next(TNet.ClassCount);
        }

        return new Dataset(inputs, labels, TNet.InputLength);
    }

    /// <summary>The reference: one Forward per image in order, the loss summed in double.</summary>
    private static (double Accuracy, double Loss) PerImage<TNet>(TNet network, Dataset data)
        where TNet : class, INetwork<TNet>
    {
        var output = new float[TNet.OutputLength];
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            network.Forward(data.Input(i), output);
            loss += TNet.LossOf(output, data.Label(i));
            correct += TNet.ClassOf(output) == data.Label(i) ? 1 : 0;
        }

        return ((double)correct / data.Count, loss / data.Count);
    }
}
