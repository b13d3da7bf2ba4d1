using System;
using System.IO;
using System.Linq;
using LeNet.Tests.Shared;
using LeNet.Training;
using Xunit;
using Xunit.Abstractions;
using LeNet.Sample;

namespace LeNet.Tests.Training;

public sealed class TrainerTests(ITestOutputHelper output)
{
    [Fact]
    public void Same_seed_and_threads_give_bit_identical_parameters()
    {
        float[] first = TrainTiny(threads: 2, epochs: 3);
        float[] second = TrainTiny(threads: 2, epochs: 3);
        Assert.Equal(first, second);
        Assert.NotEqual(first, TrainTiny(threads: 2, epochs: 3, seed: 8));
    }

    [Fact]
    public void Two_threads_learn_what_one_thread_learns()
    {
        float[] one = TrainTiny(threads: 1, epochs: 2);
        float[] two = TrainTiny(threads: 2, epochs: 2);
        // Only the order of the gradient sums differs, so the parameters agree to rounding.
        for (int i = 0; i < one.Length; i++)
        {
            Assert.True(Math.Abs(one[i] - two[i]) < 1e-3, $"parameter {i}: {one[i]} vs {two[i]}");
        }
    }

    [Fact]
    public void Resume_from_checkpoint_continues_bit_identically()
    {
        Dataset data = SyntheticData.Digits(300, seed: 21);
        var options = new TrainingOptions { BatchSize = 32, Threads = 2, Seed = 5, Schedule = Schedules.Cosine(4) };
        string path = Path.Combine(Path.GetTempPath(), $"lenet-resume-{Guid.NewGuid():N}.ckpt");
        try
        {
            var straight = NewTrainer(options, "adam");
            for (int e = 0; e < 4; e++)
            {
                straight.TrainEpoch(data);
            }

            var first = NewTrainer(options, "adam");
            first.TrainEpoch(data);
            first.TrainEpoch(data);
            first.SaveCheckpoint(path);

            var resumed = NewTrainer(options with { Seed = 5 }, "adam");
            resumed.LoadCheckpoint(path);
            Assert.Equal(2, resumed.CompletedEpochs);
            resumed.TrainEpoch(data);
            resumed.TrainEpoch(data);

            Assert.Equal(straight.Network.Parameters.ToArray(), resumed.Network.Parameters.ToArray());
            Assert.Equal(straight.Optimizer.Step, resumed.Optimizer.Step);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Refused_checkpoints_leave_parameters_untouched()
    {
        Dataset data = SyntheticData.Digits(100, seed: 4);
        string path = Path.Combine(Path.GetTempPath(), $"lenet-refuse-{Guid.NewGuid():N}.ckpt");
        try
        {
            var trainer = NewTrainer(new TrainingOptions { Threads = 1 }, "adam");
            trainer.TrainEpoch(data);
            trainer.SaveCheckpoint(path);

            // Another architecture.
            var other = new Trainer<GradMixed>(new GradMixed(), new Adam(), new TrainingOptions { Threads = 1 });
            float[] otherBefore = other.Network.Parameters.ToArray();
            var error = Assert.Throws<InvalidDataException>(() => other.LoadCheckpoint(path));
            Assert.Contains("fingerprint", error.Message);
            Assert.Equal(otherBefore, other.Network.Parameters.ToArray());

            // Another optimizer.
            var momentum = NewTrainer(new TrainingOptions { Threads = 1 }, "momentum");
            float[] momentumBefore = momentum.Network.Parameters.ToArray();
            error = Assert.Throws<InvalidDataException>(() => momentum.LoadCheckpoint(path));
            Assert.Contains("adam", error.Message);
            Assert.Equal(momentumBefore, momentum.Network.Parameters.ToArray());

            // Truncated and corrupted files.
            byte[] bytes = File.ReadAllBytes(path);
            var fresh = NewTrainer(new TrainingOptions { Threads = 1 }, "adam");
            float[] freshBefore = fresh.Network.Parameters.ToArray();
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
            Assert.Throws<InvalidDataException>(() => fresh.LoadCheckpoint(path));
            bytes[bytes.Length / 2] ^= 0x40;
            File.WriteAllBytes(path, bytes);
            Assert.Throws<InvalidDataException>(() => fresh.LoadCheckpoint(path));
            Assert.Equal(freshBefore, fresh.Network.Parameters.ToArray());
            Assert.Equal(0, fresh.CompletedEpochs);
            Assert.Equal(0, fresh.Optimizer.Step);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Backward_allocates_nothing()
    {
        var (network, input) = GradientCheckTests.RandomNetwork<LeNet5>(seed: 9);
        var gradients = new float[LeNet5.ParameterCount];
        var workspace = new float[LeNet5.TrainingWorkspaceLength];
        network.Backward(input, 3, gradients, workspace);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            network.Backward(input, i % 10, gradients, workspace);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Training_rejects_data_that_does_not_fit_the_network()
    {
        var trainer = NewTrainer(new TrainingOptions { Threads = 1 }, "sgd");
        var error = Assert.Throws<ArgumentException>(() => trainer.TrainEpoch(new Dataset(new float[10], [0], 10)));
        Assert.Contains("64", error.Message);
        Assert.Contains("got 10", error.Message);
        error = Assert.Throws<ArgumentException>(() => trainer.TrainEpoch(new Dataset(new float[64], [7], 64)));
        Assert.Contains("got 7", error.Message);
        Assert.Equal(0, trainer.CompletedEpochs);
    }

    /// <summary>A slice of real MNIST trains LeNet-5 far past chance (10%): a broken backward pass fails here.</summary>
    [MnistFact]
    public void LeNet5_learns_a_slice_of_MNIST()
    {
        string directory = MnistDirectory.Default();
        Dataset train = Mnist.Load(directory, MnistSplit.Train).Take(8000);
        Dataset test = Mnist.Load(directory, MnistSplit.Test).Take(2000);
        var network = new LeNet5();
        Initializer.Initialize(network, seed: 1);
        var trainer = new Trainer<LeNet5>(network, new Adam(), new TrainingOptions { BatchSize = 32, Threads = 2 });
        for (int e = 0; e < 2; e++)
        {
            EpochReport report = trainer.TrainEpoch(train);
            output.WriteLine($"epoch {report.Epoch}: loss {report.Loss:F4}, train {report.TrainAccuracy:P2}, {report.Seconds:F1} s");
        }

        Evaluation evaluation = trainer.Evaluate(test);
        output.WriteLine($"test accuracy {evaluation.Accuracy:P2}");
        Assert.True(evaluation.Accuracy > 0.9, $"test accuracy {evaluation.Accuracy:P2} after 2 epochs on 8,000 images");
    }

    /// <summary>A single sigmoid unit with binary cross-entropy: "is it a 7?" on real MNIST.</summary>
    [MnistFact]
    public void Sigmoid_output_learns_is_it_a_seven()
    {
        string directory = MnistDirectory.Default();
        Dataset train = Binary(Mnist.Load(directory, MnistSplit.Train).Take(40000));
        Dataset test = Binary(Mnist.Load(directory, MnistSplit.Test));
        var network = new SevenDetector();
        Initializer.Initialize(network, seed: 2);
        var trainer = new Trainer<SevenDetector>(network, new Adam(), new TrainingOptions { BatchSize = 32, Threads = 2, Schedule = Schedules.Cosine(2) });
        for (int e = 0; e < 2; e++)
        {
            trainer.TrainEpoch(train);
        }

        Evaluation evaluation = trainer.Evaluate(test);
        output.WriteLine($"is-it-a-7 test accuracy {evaluation.Accuracy:P2} (always answering no scores {1 - (test.Labels.ToArray().Average()):P2})");
        Assert.True(evaluation.Accuracy >= 0.99, $"test accuracy {evaluation.Accuracy:P2}");

        static Dataset Binary(Dataset digits) =>
            new(digits.Inputs.ToArray(), digits.Labels.ToArray().Select(label => label == 7 ? 1 : 0).ToArray(), digits.InputLength);
    }

    private static Trainer<TinyClassifier> NewTrainer(TrainingOptions options, string optimizer)
    {
        var network = new TinyClassifier();
        Initializer.Initialize(network, options.Seed);
        return new Trainer<TinyClassifier>(network, Optimizer.Create(optimizer), options);
    }

    private static float[] TrainTiny(int threads, int epochs, int seed = 1)
    {
        Dataset data = SyntheticData.Digits(256, seed: 13);
        var trainer = NewTrainer(new TrainingOptions { BatchSize = 16, Threads = threads, Seed = seed }, "momentum");
        for (int e = 0; e < epochs; e++)
        {
            trainer.TrainEpoch(data);
        }

        return trainer.Network.Parameters.ToArray();
    }
}
