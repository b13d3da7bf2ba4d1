using System;
using System.Collections.Generic;
using LeNet.Sample;
using LeNet.Tests.Reference;
using LeNet.Training;
using Xunit;
using Xunit.Abstractions;

namespace LeNet.Tests.Training;

/// <summary>
/// The generated batched backward (IBatchBackward) against the per-sample Backward and against central differences of
/// the double-precision reference, over blocks of 16 images with a short last block; and training on it.
/// </summary>
public sealed class BatchedBackwardTests(ITestOutputHelper output)
{
    private static readonly ReferenceNetwork MixedReference = new(2, 11, 11,
        new RefConv(3, 3, 2, 1, Activation.Tanh), new RefPool(false, 2, 1),
        new RefConv(4, 2, 1, 1, Activation.Sigmoid), new RefPool(true, 2, 2),
        new RefDense(5, Activation.Tanh), new RefDense(3, Activation.Softmax));

    private static readonly ReferenceNetwork BinaryReference = new(1, 6, 6,
        new RefConv(2, 3, Activation: Activation.ReLU), new RefPool(true, 2, 2),
        new RefDense(4, Activation.Sigmoid), new RefDense(1, Activation.Sigmoid));

    private static readonly ReferenceNetwork VectorRowReference = new(1, 12, 14,
        new RefConv(6, 3, 1, 1, Activation.Tanh), new RefConv(8, 5, Activation: Activation.Tanh), new RefDense(4, Activation.Softmax));

    private static readonly ReferenceNetwork RowUnrolledReference = new(3, 9, 9,
        new RefConv(4, 3, 1, 2, Activation.ReLU), new RefPool(true, 3, 2), new RefConv(2, 3, 2), new RefDense(4, Activation.Softmax));

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(37)]
    public void LeNet5_batched_backward_equals_per_sample_backward(int examples) => CompareWithPerSample<LeNet5>(examples, seed: 1);

    [Theory]
    [InlineData(5)]
    [InlineData(37)]
    public void Padding_stride_average_pool_tanh_sigmoid_batched_backward_equals_per_sample(int examples) => CompareWithPerSample<GradMixed>(examples, seed: 2);

    [Theory]
    [InlineData(3)]
    [InlineData(33)]
    public void Sigmoid_binary_cross_entropy_batched_backward_equals_per_sample(int examples) => CompareWithPerSample<GradBinary>(examples, seed: 3);

    [Fact]
    public void Overlapping_max_pool_and_strided_unactivated_conv_batched_backward_equals_per_sample() => CompareWithPerSample<GradRowUnrolled>(21, seed: 4);

    [Fact]
    public void Padded_conv_batched_backward_equals_per_sample() => CompareWithPerSample<GradVectorRow>(19, seed: 5);

    [Fact]
    public void Three_channel_LeNet5_batched_backward_equals_per_sample() => CompareWithPerSample<LeNet5Rgb>(17, seed: 6);

    [Fact]
    public void Padding_stride_average_pool_batched_gradients_match_finite_differences() => CompareWithFiniteDifferences<GradMixed>(MixedReference, 19, seed: 7);

    [Fact]
    public void Sigmoid_binary_cross_entropy_batched_gradients_match_finite_differences() => CompareWithFiniteDifferences<GradBinary>(BinaryReference, 18, seed: 8);

    [Fact]
    public void Padded_tanh_conv_batched_gradients_match_finite_differences() => CompareWithFiniteDifferences<GradVectorRow>(VectorRowReference, 17, seed: 9);

    [Fact]
    public void Overlapping_pool_and_strided_conv_batched_gradients_match_finite_differences() => CompareWithFiniteDifferences<GradRowUnrolled>(RowUnrolledReference, 20, seed: 10);

    [Fact]
    public void Networks_without_a_label_loss_get_no_batched_backward()
    {
        Assert.False(typeof(IBatchBackward).IsAssignableFrom(typeof(GradDenseOnly)));
        Assert.True(typeof(IBatchForward).IsAssignableFrom(typeof(GradDenseOnly)));
        Assert.True(typeof(IBatchBackward).IsAssignableFrom(typeof(LeNet5)));
        Assert.True(typeof(IBatchBackward).IsAssignableFrom(typeof(TinyClassifier)));
    }

    [Fact]
    public void Batched_backward_rejects_bad_labels_and_lengths()
    {
        IBatchBackward network = new LeNet5();
        var gradients = new float[LeNet5.ParameterCount];
        var workspace = new float[network.BatchTrainingWorkspaceLength(2)];
        var inputs = new float[2 * LeNet5.InputLength];
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => network.BackwardBatch(inputs, new[] { 1, 10 }, gradients, new float[20], workspace));
        Assert.Contains("got 10 at index 1", error.Message);
        var lengths = Assert.Throws<ArgumentException>(() => network.BackwardBatch(inputs, new[] { 1 }, gradients, new float[10], workspace));
        Assert.Contains($"{LeNet5.InputLength}", lengths.Message);
        Assert.Contains($"got {2 * LeNet5.InputLength}", lengths.Message);
        lengths = Assert.Throws<ArgumentException>(() => network.BackwardBatch(inputs, new[] { 1, 2 }, gradients, new float[20], new float[100]));
        Assert.Contains("workspace", lengths.Message);
        Assert.Contains("got 100", lengths.Message);
    }

    /// <summary>Same seed and threads: the same bits, on the batched path, at 1 and 2 threads.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Batched_training_is_bit_identical_for_the_same_seed_and_threads(int threads)
    {
        Dataset data = SyntheticData.Digits(300, seed: 4);
        float[] first = Train(data, threads, perImage: false);
        float[] second = Train(data, threads, perImage: false);
        Assert.Equal(first, second);
    }

    /// <summary>The batched path and the per-image fallback train the same network, up to rounding.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Batched_training_learns_what_per_sample_training_learns(int threads)
    {
        Dataset data = SyntheticData.Digits(300, seed: 4);
        float[] batched = Train(data, threads, perImage: false);
        float[] perSample = Train(data, threads, perImage: true);
        double worst = 0;
        for (int i = 0; i < batched.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(batched[i] - perSample[i]));
        }

        output.WriteLine($"largest parameter difference after 2 epochs: {worst:G3}");
        Assert.True(worst < 1e-3, $"the batched and per-sample paths drifted {worst} apart");
    }

    /// <summary>
    /// On one thread the whole epoch runs on the calling thread, so its allocation count is exact: an epoch of 1000
    /// batches on the batched path allocates what an epoch of 10 does.
    /// </summary>
    [Fact]
    public void Batched_training_allocates_nothing_per_batch()
    {
        // One trainer per data set: a trainer re-allocates its shuffle order when the data set's size changes.
        Trainer<TinyClassifier> ten = OneThread(), thousand = OneThread();
        Dataset small = SyntheticData.Digits(200, seed: 1);
        Dataset large = SyntheticData.Digits(20_000, seed: 1);
        long tenBatches = 0, thousandBatches = 0;
        for (int round = 0; round < 6; round++)
        {
            // Repeated rounds: the JIT's tiering allocates on this thread while it recompiles hot loops.
            tenBatches = AllocatedOnThisThread(() => ten.TrainEpoch(small));
            thousandBatches = AllocatedOnThisThread(() => thousand.TrainEpoch(large));
            output.WriteLine($"round {round + 1}: 10 batches {tenBatches} B, 1000 batches {thousandBatches} B");
            if (round >= 1 && thousandBatches == tenBatches)
            {
                break;
            }
        }

        Assert.Equal(tenBatches, thousandBatches);

        static Trainer<TinyClassifier> OneThread()
        {
            var network = new TinyClassifier();
            Initializer.Initialize(network, seed: 1);
            return new Trainer<TinyClassifier>(network, new Adam(), new TrainingOptions { BatchSize = 20, Threads = 1 });
        }
    }

    private static long AllocatedOnThisThread(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static float[] Train(Dataset data, int threads, bool perImage)
    {
        BatchKernels.ForcePerImage = perImage;
        try
        {
            var network = new TinyClassifier();
            Initializer.Initialize(network, seed: 1);
            var trainer = new Trainer<TinyClassifier>(network, new Adam(), new TrainingOptions { BatchSize = 32, Threads = threads, Seed = 3 });
            trainer.TrainEpoch(data);
            trainer.TrainEpoch(data);
            return network.Parameters.ToArray();
        }
        finally
        {
            BatchKernels.ForcePerImage = false;
        }
    }

    private void CompareWithPerSample<TNet>(int examples, int seed)
        where TNet : class, INetwork<TNet>
    {
        (TNet network, float[] inputs, int[] labels) = Examples<TNet>(examples, seed);
        var expected = new float[TNet.ParameterCount];
        var expectedOutputs = new float[examples * TNet.OutputLength];
        var workspace = new float[TNet.TrainingWorkspaceLength];
        float expectedLoss = 0;
        for (int i = 0; i < examples; i++)
        {
            expectedLoss += network.Backward(inputs.AsSpan(i * TNet.InputLength, TNet.InputLength), labels[i], expected, workspace);
            workspace.AsSpan(TNet.OutputOffset, TNet.OutputLength).CopyTo(expectedOutputs.AsSpan(i * TNet.OutputLength));
        }

        var batched = (IBatchBackward)network;
        var actual = new float[TNet.ParameterCount];
        var outputs = new float[examples * TNet.OutputLength];
        Array.Fill(outputs, float.NaN);
        float loss = batched.BackwardBatch(inputs, labels, actual, outputs, new float[batched.BatchTrainingWorkspaceLength(examples)]);

        Assert.Equal(expectedLoss, loss, 1e-5 * Math.Max(1, Math.Abs(expectedLoss)));
        for (int i = 0; i < outputs.Length; i++)
        {
            Assert.True(Math.Abs(outputs[i] - expectedOutputs[i]) <= 1e-6, $"output {i}: batched {outputs[i]}, per sample {expectedOutputs[i]}");
        }

        // Each gradient is a float sum over examples and positions taken in another order: rounding of about 1e-7 per
        // term, relative to the largest term, so compare against the tensor's scale.
        var failures = new List<string>();
        double worst = 0;
        foreach (LayerInfo layer in TNet.Layers)
        {
            foreach ((int offset, int length) in new[] { (layer.WeightOffset, layer.WeightLength), (layer.BiasOffset, layer.BiasLength) })
            {
                double scale = 0;
                for (int i = offset; i < offset + length; i++)
                {
                    scale = Math.Max(scale, Math.Abs(expected[i]));
                }

                for (int i = offset; i < offset + length; i++)
                {
                    double difference = Math.Abs(actual[i] - (double)expected[i]);
                    worst = Math.Max(worst, difference / Math.Max(scale, 1e-30));
                    if (difference > 1e-5 * Math.Max(scale, 1e-6))
                    {
                        failures.Add($"{layer.Name}[{i - offset}]: batched {actual[i]:G7}, per sample {expected[i]:G7} (tensor scale {scale:G3})");
                    }
                }
            }
        }

        output.WriteLine($"{typeof(TNet).Name}, {examples} examples: largest gradient difference {worst:G3} of its tensor's largest gradient");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.GetRange(0, Math.Min(5, failures.Count))));
    }

    /// <summary>
    /// Every parameter's batched gradient of the summed loss against (L(θ+h) − L(θ−h)) / 2h in double precision. The
    /// tolerance is the per-sample gradient check's (2e-6 absolute + 2e-3 relative): the central difference is exact to
    /// about h² ≈ 1e-10, so what is left is the float rounding of the analytic sums.
    /// </summary>
    private void CompareWithFiniteDifferences<TNet>(ReferenceNetwork reference, int examples, int seed)
        where TNet : class, INetwork<TNet>
    {
        const double Step = 1e-5;
        (TNet network, float[] inputs, int[] labels) = Examples<TNet>(examples, seed);
        var batched = (IBatchBackward)network;
        var gradients = new float[TNet.ParameterCount];
        float loss = batched.BackwardBatch(inputs, labels, gradients, new float[examples * TNet.OutputLength], new float[batched.BatchTrainingWorkspaceLength(examples)]);

        var x = new double[examples][];
        for (int i = 0; i < examples; i++)
        {
            x[i] = ReferenceNetwork.ToDouble(inputs.AsSpan(i * TNet.InputLength, TNet.InputLength));
        }

        double Loss(double[] p)
        {
            double sum = 0;
            for (int i = 0; i < examples; i++)
            {
                double[] y = reference.Run(p, x[i])[^1];
                sum -= TNet.Loss == LossKind.CrossEntropy ? Math.Log(y[labels[i]]) : Math.Log(labels[i] == 1 ? y[0] : 1 - y[0]);
            }

            return sum;
        }

        double[] parameters = ReferenceNetwork.ToDouble(network.Parameters);
        Assert.Equal(Loss(parameters), loss, 1e-4 * Math.Max(1, Math.Abs(loss)));
        var failures = new List<string>();
        for (int index = 0; index < parameters.Length; index++)
        {
            double saved = parameters[index];
            parameters[index] = saved + Step;
            double plus = Loss(parameters);
            parameters[index] = saved - Step;
            double minus = Loss(parameters);
            parameters[index] = saved;
            double numeric = (plus - minus) / (2 * Step);
            double analytic = gradients[index];
            if (Math.Abs(analytic - numeric) > 2e-6 + (2e-3 * Math.Max(Math.Abs(numeric), Math.Abs(analytic))))
            {
                failures.Add($"parameter {index}: batched backward {analytic:G6}, finite difference {numeric:G6}");
            }
        }

        output.WriteLine($"{typeof(TNet).Name}: {parameters.Length} parameters checked over {examples} examples, {failures.Count} off");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.GetRange(0, Math.Min(5, failures.Count))));
    }

    private static (TNet Network, float[] Inputs, int[] Labels) Examples<TNet>(int examples, int seed)
        where TNet : class, INetwork<TNet>
    {
        (TNet network, _) = GradientCheckTests.RandomNetwork<TNet>(seed);
        var random = new Random(seed + 50);
        var inputs = new float[examples * TNet.InputLength];
        var labels = new int[examples];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)random.NextDouble();
        }

        for (int i = 0; i < examples; i++)
        {
            labels[i] = random.Next(TNet.ClassCount);
        }

        return (network, inputs, labels);
    }
}
