using System;
using System.Collections.Generic;
using System.IO;
using LeNet.Sample;
using LeNet.Tests.Reference;
using LeNet.Tests.Shared;
using LeNet.Training;
using Xunit;
using Xunit.Abstractions;

namespace LeNet.Tests.Training;

/// <summary>
/// [BatchNorm]: PyTorch's parameter order in the flat span; inference by the running statistics (Forward against the naive
/// reference and ONNX Runtime runs through NetworkCases); the per-example Backward by the same statistics, and the
/// batch-statistics training pass, against finite differences of the double reference; the running statistics' update
/// by hand; thread-count independence; save and load; and training on real MNIST.
/// </summary>
public sealed class BatchNormTests(ITestOutputHelper output)
{
    // BatchNormNet's layers in chain order: CONV1 0, BN1 1, POOL1 2, FC2 3, BN2 4, Softmax 5.
    private const int Bn1Position = 1, Bn2Position = 4;

    private static readonly ReferenceNetwork Reference = new(2, 12, 12,
        new RefConv(4, 3),
        new RefBatchNorm(Activation: Activation.ReLU),
        new RefPool(Max: true, 2, 2),
        new RefDense(16),
        new RefBatchNorm(0.2, 1e-3, Activation.Tanh),
        new RefDense(5, Activation.Softmax));

    [Fact]
    public void Batch_norms_sit_in_PyTorchs_state_dict_order_and_show_in_Layers_and_Summary()
    {
        LayerInfo bn1 = BatchNormNet.Layers[Bn1Position], bn2 = BatchNormNet.Layers[Bn2Position];
        LayerInfo conv1 = BatchNormNet.Layers[0], fc2 = BatchNormNet.Layers[3];

        // conv1.weight, conv1.bias, bn1.weight, bn1.bias, bn1.running_mean, bn1.running_var, then fc2.
        Assert.Equal(("BN1", LayerType.BatchNorm, Activation.ReLU), (bn1.Name, bn1.Kind, bn1.Activation));
        Assert.Equal(conv1.BiasOffset + conv1.BiasLength, bn1.WeightOffset);
        Assert.Equal((4, bn1.WeightOffset + 4, 4), (bn1.WeightLength, bn1.BiasOffset, bn1.BiasLength));
        Assert.Equal((bn1.BiasOffset + 4, 8), (bn1.StatisticsOffset, bn1.StatisticsLength));
        Assert.Equal(bn1.StatisticsOffset + 8, BatchNormNet.Layers[2].WeightOffset);
        Assert.Equal(bn1.StatisticsOffset + 8, fc2.WeightOffset);
        Assert.Equal((0.1f, 1e-5f), (bn1.Momentum, bn1.Epsilon));
        Assert.Equal(new ActivationShape(4, 10, 10), bn1.Output);
        Assert.Equal(("BN2", 0.2f, 1e-3f, Activation.Tanh, 32), (bn2.Name, bn2.Momentum, bn2.Epsilon, bn2.Activation, bn2.StatisticsLength));
        Assert.Equal(new ActivationShape(16, 1, 1), bn2.Output);
        Assert.Equal(BatchNormNet.ParameterCount, BatchNormNet.Layers[5].BiasOffset + BatchNormNet.Layers[5].BiasLength);
        Assert.Equal((0.2f, 1e-3f), (BatchNormNet.Bn2.Momentum, BatchNormNet.Bn2.Epsilon));
        Assert.Contains("BN1      (10,10,4)                     400          16", BatchNormNet.Summary);
        Assert.Contains("BN2      (16,1)                         16          64", BatchNormNet.Summary);
        Assert.IsAssignableFrom<IBatchNormNetwork>(new BatchNormNet());
        Assert.False(new BatchNormNet() is IBatchBackward, "batch statistics couple the examples: no per-example batched kernel");
        Assert.False(new LeNet5() is IBatchNormNetwork);
    }

    [Fact]
    public void Initializer_starts_batch_norms_as_PyTorch_does_and_scales_the_layer_before_by_the_batch_norms_activation()
    {
        var network = new BatchNormNet();
        Initializer.Initialize(network, seed: 3);
        LayerInfo bn1 = BatchNormNet.Layers[Bn1Position];
        Span<float> p = network.Parameters;
        Assert.All(p.Slice(bn1.WeightOffset, 4).ToArray(), g => Assert.Equal(1f, g));
        Assert.All(p.Slice(bn1.BiasOffset, 4).ToArray(), b => Assert.Equal(0f, b));
        Assert.All(p.Slice(bn1.StatisticsOffset, 4).ToArray(), m => Assert.Equal(0f, m));
        Assert.All(p.Slice(bn1.StatisticsOffset + 4, 4).ToArray(), v => Assert.Equal(1f, v));

        // CONV1 (no activation of its own) feeds BN1's ReLU: He, √(2/18) = 0.33; Glorot would give √(2/54) = 0.19.
        LayerInfo conv1 = BatchNormNet.Layers[0];
        double sum = 0;
        foreach (float weight in p.Slice(conv1.WeightOffset, conv1.WeightLength))
        {
            sum += weight * weight;
        }

        double deviation = Math.Sqrt(sum / conv1.WeightLength);
        Assert.InRange(deviation, 0.25, 0.42);
    }

    [Fact]
    public void Per_example_Backward_holds_the_running_statistics_and_matches_finite_differences()
    {
        (BatchNormNet network, float[][] inputs, _) = Seeded(seed: 5, count: 1);
        float[] before = network.Parameters.ToArray();
        var gradients = new float[BatchNormNet.ParameterCount];
        float loss = network.Backward(inputs[0], 3, gradients, new float[BatchNormNet.TrainingWorkspaceLength]);

        double[] parameters = ReferenceNetwork.ToDouble(network.Parameters);
        double[] x = ReferenceNetwork.ToDouble(inputs[0]);
        double LossOf(double[] p) => -Math.Log(Reference.Run(p, x)[^1][3]);
        Assert.Equal(LossOf(parameters), loss, 4);
        Assert.Equal(before, network.Parameters.ToArray());
        AssertNoStatisticsGradient(gradients);
        new GradientCheckTests(output).CompareWithFiniteDifferences<BatchNormNet>(gradients, parameters, LossOf, seed: 5, everyWeight: true);
    }

    /// <summary>
    /// The summed loss of a batch of 6 under batch statistics, differentiated by central differences of the double reference
    /// in training mode: γ, β and, through the batch statistics' own dependence on them, every weight before a batch norm.
    /// </summary>
    [Theory]
    [InlineData(6, 7)]
    [InlineData(3, 8)]
    public void Training_pass_with_batch_statistics_matches_finite_differences(int count, int seed)
    {
        (BatchNormNet network, float[][] inputs, int[] labels) = Seeded(seed, count);
        var gradients = new float[BatchNormNet.ParameterCount];
        var outputs = new float[count * BatchNormNet.OutputLength];
        float[] before = network.Parameters.ToArray();
        float loss = network.BackwardWithBatchStatistics(Flatten(inputs), labels, gradients, outputs,
            new float[network.BatchStatisticsWorkspaceLength(count)], updateRunningStatistics: false);
        Assert.Equal(before, network.Parameters.ToArray());

        double[] parameters = ReferenceNetwork.ToDouble(network.Parameters);
        var x = new List<double[]>();
        foreach (float[] input in inputs)
        {
            x.Add(ReferenceNetwork.ToDouble(input));
        }

        double LossOf(double[] p)
        {
            double[][] y = ReferenceBatchForward.Run(Reference, p, x);
            double sum = 0;
            for (int n = 0; n < count; n++)
            {
                sum -= Math.Log(y[n][labels[n]]);
            }

            return sum;
        }

        double[][] reference = ReferenceBatchForward.Run(Reference, parameters, x);
        for (int n = 0; n < count; n++)
        {
            Tolerance.AssertClose($"example {n}'s training output", outputs.AsSpan(n * BatchNormNet.OutputLength, BatchNormNet.OutputLength), reference[n]);
        }

        Assert.Equal(LossOf(parameters), loss, 4);
        AssertNoStatisticsGradient(gradients);
        new GradientCheckTests(output).CompareWithFiniteDifferences<BatchNormNet>(gradients, parameters, LossOf, seed, everyWeight: true);
    }

    /// <summary>running = (1 − m) · running + m · batch, the variance unbiased (× M/(M − 1), M values per channel), as PyTorch's BatchNorm does.</summary>
    [Fact]
    public void Running_statistics_move_once_per_batch_by_the_momentum_with_the_unbiased_variance()
    {
        const int count = 5;
        (BatchNormNet network, float[][] inputs, int[] labels) = Seeded(seed: 9, count);
        double[] parameters = ReferenceNetwork.ToDouble(network.Parameters);
        var x = new List<double[]>();
        foreach (float[] input in inputs)
        {
            x.Add(ReferenceNetwork.ToDouble(input));
        }

        var statistics = new List<ReferenceBatchForward.Statistics>();
        ReferenceBatchForward.Run(Reference, parameters, x, statistics);
        network.BackwardWithBatchStatistics(Flatten(inputs), labels, new float[BatchNormNet.ParameterCount], new float[count * BatchNormNet.OutputLength],
            new float[network.BatchStatisticsWorkspaceLength(count)], updateRunningStatistics: true);

        int[] positions = { Bn1Position, Bn2Position };
        Assert.Equal(2, statistics.Count);
        Assert.Equal((count * 100, count), (statistics[0].Values, statistics[1].Values));
        for (int b = 0; b < positions.Length; b++)
        {
            LayerInfo layer = BatchNormNet.Layers[positions[b]];
            double m = layer.Momentum;
            int channels = layer.StatisticsLength / 2, values = statistics[b].Values;
            for (int c = 0; c < channels; c++)
            {
                double mean = ((1 - m) * parameters[layer.StatisticsOffset + c]) + (m * statistics[b].Mean[c]);
                double variance = ((1 - m) * parameters[layer.StatisticsOffset + channels + c]) + (m * statistics[b].Variance[c] * values / (values - 1));
                Assert.Equal(mean, network.Parameters[layer.StatisticsOffset + c], 5);
                Assert.Equal(variance, network.Parameters[layer.StatisticsOffset + channels + c], 5);
            }
        }

        // Nothing else moved: the step is the optimizer's.
        float[] after = network.Parameters.ToArray();
        for (int i = 0; i < after.Length; i++)
        {
            bool statistic = InStatistics(i);
            Assert.True(statistic || after[i] == (float)parameters[i], $"parameter {i} changed");
        }
    }

    [Fact]
    public void A_single_value_per_channel_is_refused_before_anything_changes()
    {
        (BatchNormNet network, float[][] inputs, int[] labels) = Seeded(seed: 10, count: 1);
        float[] before = network.Parameters.ToArray();
        var error = Assert.Throws<ArgumentException>(() => network.BackwardWithBatchStatistics(inputs[0], labels, new float[BatchNormNet.ParameterCount],
            new float[BatchNormNet.OutputLength], new float[network.BatchStatisticsWorkspaceLength(1)], updateRunningStatistics: true));
        Assert.Contains("at least 2 example(s)", error.Message);
        Assert.Contains("got 1 example(s)", error.Message);
        Assert.Equal(before, network.Parameters.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => network.BackwardWithBatchStatistics(Flatten([inputs[0], inputs[0]]), [0, 5],
            new float[BatchNormNet.ParameterCount], new float[2 * BatchNormNet.OutputLength], new float[network.BatchStatisticsWorkspaceLength(2)], true));
        Assert.Throws<ArgumentException>(() => network.BackwardWithBatchStatistics(Flatten([inputs[0], inputs[0]]), [0, 1],
            new float[BatchNormNet.ParameterCount], new float[2 * BatchNormNet.OutputLength], new float[network.BatchStatisticsWorkspaceLength(2) - 1], true));
        Assert.Equal(before, network.Parameters.ToArray());
    }

    /// <summary>
    /// The workers share each batch as a team: the same seed and thread count give the same bits; 1 and 2 threads differ
    /// only by the rounding of the per-worker gradient sums (as without batch norms); the running statistics move and reach Forward.
    /// </summary>
    [Fact]
    public void Trainer_is_deterministic_per_seed_and_thread_count_and_close_across_thread_counts()
    {
        Dataset data = SyntheticData(count: 40, seed: 40);
        (float[] Parameters, float Output) Train(int threads)
        {
            var network = new BatchNormNet();
            Initializer.Initialize(network, seed: 3);
            // Plain SGD: Adam's steps are about as large for a gradient of 1e-9 as for 1, so it would magnify the rounding.
            var trainer = new Trainer<BatchNormNet>(network, new GradientDescent(0.05f), new TrainingOptions { BatchSize = 8, Threads = threads, Seed = 9 });
            trainer.TrainEpoch(data);
            trainer.TrainEpoch(data);
            var y = new float[BatchNormNet.OutputLength];
            network.Forward(data.Input(0), y);
            return (network.Parameters.ToArray(), y[0]);
        }

        (float[] one, float oneOutput) = Train(1);
        (float[] two, float twoOutput) = Train(2);
        Assert.Equal(one, Train(1).Parameters);
        Assert.Equal(two, Train(2).Parameters);
        Assert.Equal(twoOutput, Train(2).Output);
        double off = 0;
        for (int i = 0; i < one.Length; i++)
        {
            off = Math.Max(off, Math.Abs(one[i] - two[i]));
        }

        output.WriteLine($"1 against 2 threads after 10 SGD steps: largest parameter difference {off:E2}, outputs {oneOutput} and {twoOutput}");
        Assert.True(off < 1e-4, $"1 and 2 threads differ by {off}");
        LayerInfo bn2 = BatchNormNet.Layers[Bn2Position];
        Assert.NotEqual(0f, two[bn2.StatisticsOffset]);
        Assert.NotEqual(1f, two[bn2.StatisticsOffset + 16]);
    }

    /// <summary>
    /// A batch of 7 shared by a team of two workers (3 and 4 examples, on two threads) gives the one-call pass's batch
    /// statistics bit for bit: the same outputs, running statistics and γ and β gradients (all from the lead), and the
    /// other gradients split between the two buffers, summing to the one-call gradient within rounding.
    /// </summary>
    [Theory]
    [InlineData(7, 3)]
    [InlineData(2, 0)]
    public void A_team_of_two_gives_the_one_call_statistics_bit_for_bit(int count, int split)
    {
        (BatchNormNet solo, float[][] inputs, int[] labels) = Seeded(seed: 12, count);
        var team = new BatchNormNet();
        solo.Parameters.CopyTo(team.Parameters);
        var gradients = new float[BatchNormNet.ParameterCount];
        var outputs = new float[count * BatchNormNet.OutputLength];
        float loss = solo.BackwardWithBatchStatistics(Flatten(inputs), labels, gradients, outputs,
            new float[solo.BatchStatisticsWorkspaceLength(count)], updateRunningStatistics: true);

        var workers = new BatchStatisticsTeam(2, team.SharedBatchStatisticsLength(count));
        float[] all = Flatten(inputs);
        var shareGradients = new[] { new float[BatchNormNet.ParameterCount], new float[BatchNormNet.ParameterCount] };
        var shareOutputs = new float[count * BatchNormNet.OutputLength];
        var shareLoss = new float[2];
        void Worker(int worker)
        {
            int first = worker == 0 ? 0 : split, n = worker == 0 ? split : count - split;
            shareLoss[worker] = team.BackwardWithBatchStatistics(all.AsSpan(first * BatchNormNet.InputLength, n * BatchNormNet.InputLength), labels.AsSpan(first, n),
                shareGradients[worker], shareOutputs.AsSpan(first * BatchNormNet.OutputLength, n * BatchNormNet.OutputLength),
                new float[team.BatchStatisticsWorkspaceLength(n)], updateRunningStatistics: true, new BatchStatisticsShard(workers, worker, first, count));
        }

        var other = new System.Threading.Thread(() => Worker(1));
        other.Start();
        Worker(0);
        Assert.True(other.Join(TimeSpan.FromSeconds(30)), "worker 1 never finished");

        Assert.Equal(outputs, shareOutputs);
        Assert.Equal(solo.Parameters.ToArray(), team.Parameters.ToArray());
        Assert.Equal(loss, shareLoss[0] + shareLoss[1], 4);
        foreach (int position in new[] { Bn1Position, Bn2Position })
        {
            LayerInfo bn = BatchNormNet.Layers[position];
            Assert.Equal(gradients.AsSpan(bn.WeightOffset, 2 * bn.WeightLength).ToArray(), shareGradients[0].AsSpan(bn.WeightOffset, 2 * bn.WeightLength).ToArray());
            Assert.All(shareGradients[1].AsSpan(bn.WeightOffset, 2 * bn.WeightLength).ToArray(), g => Assert.Equal(0f, g));
        }

        var summed = new double[BatchNormNet.ParameterCount];
        for (int i = 0; i < summed.Length; i++)
        {
            summed[i] = shareGradients[0][i] + (double)shareGradients[1][i];
        }

        Tolerance.AssertClose("the two workers' gradients summed", gradients, summed);
    }

    /// <summary>A worker that fails (here on a label out of range) abandons the team: the other stops waiting and is told why, instead of hanging.</summary>
    [Fact]
    public void A_failing_worker_releases_the_other_with_an_abandoned_batch()
    {
        (BatchNormNet network, float[][] inputs, _) = Seeded(seed: 13, count: 4);
        var workers = new BatchStatisticsTeam(2, network.SharedBatchStatisticsLength(4));
        float[] all = Flatten(inputs);
        Exception? waiting = null;
        var other = new System.Threading.Thread(() =>
        {
            try
            {
                network.BackwardWithBatchStatistics(all.AsSpan(0, 2 * BatchNormNet.InputLength), [0, 1], new float[BatchNormNet.ParameterCount],
                    new float[2 * BatchNormNet.OutputLength], new float[network.BatchStatisticsWorkspaceLength(2)], false, new BatchStatisticsShard(workers, 0, 0, 4));
            }
            catch (Exception error)
            {
                waiting = error;
            }
        });
        other.Start();
        Assert.Throws<ArgumentOutOfRangeException>(() => network.BackwardWithBatchStatistics(all.AsSpan(2 * BatchNormNet.InputLength), [2, 99],
            new float[BatchNormNet.ParameterCount], new float[2 * BatchNormNet.OutputLength], new float[network.BatchStatisticsWorkspaceLength(2)], false,
            new BatchStatisticsShard(workers, 1, 2, 4)));
        Assert.True(other.Join(TimeSpan.FromSeconds(30)), "the waiting worker hung");
        Assert.IsType<BatchStatisticsAbandonedException>(waiting);
        Assert.True(workers.IsAbandoned);

        // A shard that does not fit its batch or its team is refused, naming both.
        workers.Reset();
        var error = Assert.Throws<ArgumentException>(() => network.BackwardWithBatchStatistics(all, [0, 1, 2, 3], new float[BatchNormNet.ParameterCount],
            new float[4 * BatchNormNet.OutputLength], new float[network.BatchStatisticsWorkspaceLength(4)], false, new BatchStatisticsShard(workers, 1, 2, 4)));
        Assert.Contains("got examples 2 to 6 of 4", error.Message);
    }

    /// <summary>One SGD step on one batch: the trainer's update is the batch-statistics gradient over the batch size, and the running statistics moved once.</summary>
    [Fact]
    public void Trainer_steps_by_the_batch_statistics_gradient()
    {
        Dataset data = SyntheticData(count: 4, seed: 41);
        var network = new BatchNormNet();
        Initializer.Initialize(network, seed: 4);
        var copy = new BatchNormNet();
        network.Parameters.CopyTo(copy.Parameters);
        float[] before = network.Parameters.ToArray();

        var trainer = new Trainer<BatchNormNet>(network, new GradientDescent(0.1f), new TrainingOptions { BatchSize = 4, Threads = 2, Seed = 11 });
        trainer.TrainEpoch(data);

        // The trainer shuffles; batch statistics do not depend on the order, and the gradient is summed in double per channel.
        var gradients = new float[BatchNormNet.ParameterCount];
        copy.BackwardWithBatchStatistics(data.Inputs, data.Labels, gradients, new float[4 * BatchNormNet.OutputLength],
            new float[copy.BatchStatisticsWorkspaceLength(4)], updateRunningStatistics: true);
        double off = 0;
        for (int i = 0; i < before.Length; i++)
        {
            float expected = InStatistics(i) ? copy.Parameters[i] : before[i] - (0.1f * gradients[i] / 4);
            off = Math.Max(off, Math.Abs(expected - network.Parameters[i]));
        }

        Assert.True(off < 1e-5, $"the trainer's parameters are off one step of the batch-statistics gradient by {off}");
    }

    /// <summary>Inputs near float's maximum overflow CONV1: the batch diverges, and its running statistics are undone with it.</summary>
    [Fact]
    public void A_diverged_batch_leaves_the_running_statistics_as_they_were()
    {
        var inputs = new float[8 * BatchNormNet.InputLength];
        inputs.AsSpan().Fill(3e38f);
        var data = new Dataset(inputs, new int[8], BatchNormNet.InputLength);
        var network = new BatchNormNet();
        Initializer.Initialize(network, seed: 6);
        float[] before = network.Parameters.ToArray();
        var trainer = new Trainer<BatchNormNet>(network, new GradientDescent(0.1f), new TrainingOptions { BatchSize = 8, Threads = 2 });

        Assert.Throws<TrainingDivergedException>(() => trainer.TrainEpoch(data));
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void Weights_files_and_checkpoints_keep_the_running_statistics()
    {
        string folder = Path.Combine(Path.GetTempPath(), "lenet-batchnorm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            SaveAndLoad(folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void SaveAndLoad(string folder)
    {
        Dataset data = SyntheticData(count: 16, seed: 42);
        var network = new BatchNormNet();
        Initializer.Initialize(network, seed: 5);
        var trainer = new Trainer<BatchNormNet>(network, new Adam(), new TrainingOptions { BatchSize = 8, Threads = 1, Seed = 2 });
        trainer.TrainEpoch(data);
        LayerInfo bn1 = BatchNormNet.Layers[Bn1Position];
        Assert.NotEqual(1f, network.Parameters[bn1.StatisticsOffset + 4]);

        string weights = Path.Combine(folder, "bn.weights");
        network.SaveWeights(weights);
        var loaded = new BatchNormNet();
        loaded.LoadWeights(weights);
        Assert.Equal(network.Parameters.ToArray(), loaded.Parameters.ToArray());

        string checkpoint = Path.Combine(folder, "bn.ckpt");
        trainer.SaveCheckpoint(checkpoint);
        var resumed = new BatchNormNet();
        var resumer = new Trainer<BatchNormNet>(resumed, new Adam(), new TrainingOptions { BatchSize = 8, Threads = 1, Seed = 2 });
        resumer.LoadCheckpoint(checkpoint);
        Assert.Equal(network.Parameters.ToArray(), resumed.Parameters.ToArray());
        trainer.TrainEpoch(data);
        resumer.TrainEpoch(data);
        Assert.Equal(network.Parameters.ToArray(), resumed.Parameters.ToArray());

        var y = new float[BatchNormNet.OutputLength];
        var z = new float[BatchNormNet.OutputLength];
        network.Forward(data.Input(3), y);
        resumed.Forward(data.Input(3), z);
        Assert.Equal(y, z);
    }

    /// <summary>
    /// LeNet-5 (28x28) with a batch norm after every convolution and hidden dense layer learns digits at least about as
    /// well as the same network without them, trained alike (2 epochs of 4,000 images, Adam 0.001, batch 32).
    /// </summary>
    [MnistFact]
    public void BatchNorm_LeNet5_learns_a_slice_of_MNIST_at_least_as_well_as_without()
    {
        string directory = MnistDirectory.Default();
        Dataset train = Mnist.Load(directory, MnistSplit.Train, padTo32: false).Take(4000);
        Dataset validation = Mnist.Load(directory, MnistSplit.Test, padTo32: false).Take(2000);

        double Fit<TNet>()
            where TNet : class, INetwork<TNet>
        {
            TNet network = TNet.Create();
            Initializer.Initialize(network, seed: 1);
            var trainer = new Trainer<TNet>(network, new Adam(), new TrainingOptions { BatchSize = 32, Threads = 2 });
            FitResult result = trainer.Fit(train, new FitOptions { Epochs = 2, Validation = validation, Monitor = ValidationMetric.Accuracy });
            foreach (FitEpochReport epoch in result.History)
            {
                output.WriteLine($"{typeof(TNet).Name} epoch {epoch.Training.Epoch}: loss {epoch.Training.Loss:F4}, train {epoch.Training.TrainAccuracy:P2}, "
                    + $"validation {epoch.Validation!.Accuracy:P2}, {epoch.Training.Seconds:F1} s");
            }

            return result.History[0].Validation!.Accuracy + result.History[^1].Validation!.Accuracy;
        }

        double withBatchNorm = Fit<BatchNormLeNet5>() / 2, without = Fit<LeNet5Unpadded>() / 2;
        Assert.True(withBatchNorm > 0.9, $"mean validation accuracy with batch norm {withBatchNorm:P2}");
        Assert.True(withBatchNorm >= without - 0.005, $"mean validation accuracy with batch norm {withBatchNorm:P2}, without {without:P2}");
    }

    private static bool InStatistics(int index)
    {
        foreach (LayerInfo layer in BatchNormNet.Layers)
        {
            if (index >= layer.StatisticsOffset && index < layer.StatisticsOffset + layer.StatisticsLength)
            {
                return true;
            }
        }

        return false;
    }

    private static void AssertNoStatisticsGradient(float[] gradients)
    {
        for (int i = 0; i < gradients.Length; i++)
        {
            Assert.True(!InStatistics(i) || gradients[i] == 0f, $"the running statistic at {i} got gradient {gradients[i]}");
        }
    }

    /// <summary>A BatchNormNet with the reference's seeded parameters (running statistics away from 0 and 1), inputs in [0, 1) and labels.</summary>
    private static (BatchNormNet Network, float[][] Inputs, int[] Labels) Seeded(int seed, int count)
    {
        var network = new BatchNormNet();
        var random = new Random(seed);
        Reference.Initialize(network.Parameters, random);
        var inputs = new float[count][];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            inputs[n] = new float[BatchNormNet.InputLength];
            for (int i = 0; i < inputs[n].Length; i++)
            {
                inputs[n][i] = (float)random.NextDouble();
            }

            labels[n] = random.Next(BatchNormNet.ClassCount);
        }

        return (network, inputs, labels);
    }

    private static float[] Flatten(float[][] inputs)
    {
        var flat = new float[inputs.Length * BatchNormNet.InputLength];
        for (int n = 0; n < inputs.Length; n++)
        {
            inputs[n].CopyTo(flat, n * BatchNormNet.InputLength);
        }

        return flat;
    }

    private static Dataset SyntheticData(int count, int seed)
    {
        var random = new Random(seed);
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
