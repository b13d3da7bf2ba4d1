using System;
using LeNet.Sample;
using LeNet.Training;
using Xunit;

namespace LeNet.Tests.Training;

/// <summary>
/// <see cref="TrainingOptions.LabelSmoothing"/>: the cross-entropy's target becomes (1 − ε)·onehot + ε/K, on the batched
/// kernels and on the per-example path alike, and only while the trainer runs.
/// </summary>
public sealed class LabelSmoothingTests
{
    private const float Smoothing = 0.1f;

    /// <summary>
    /// One plain-SGD step on one example gives −α times the trainer's gradient. The smoothed cross-entropy's gradient is
    /// (1 − ε) times the label's plain gradient plus ε/K times the sum of every class's, each of which is Backward's
    /// (checked against finite differences in GradientCheckTests).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_step_follows_the_smoothed_target(bool perImage)
    {
        BatchKernels.ForcePerImage = perImage;
        try
        {
            (LeNet5 network, float[] input, int label) = Example();
            float[] expected = SmoothedGradient(network, input, label);
            float[] actual = TrainerGradient(network, input, label, Smoothing);

            double worst = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                double difference = Math.Abs(actual[i] - (double)expected[i]);
                worst = Math.Max(worst, difference);
                Assert.True(difference <= 1e-6 + (1e-4 * Math.Abs(expected[i])), $"parameter {i}: the step gives {actual[i]}, the smoothed target {expected[i]}");
            }

            // The smoothing changes the gradient visibly: the plain one is not within the tolerance.
            float[] plain = TrainerGradient(network, input, label, smoothing: 0);
            Assert.True(MaxDifference(plain, expected) > 100 * Math.Max(worst, 1e-7), "the smoothed step is indistinguishable from the plain one");
        }
        finally
        {
            BatchKernels.ForcePerImage = false;
        }
    }

    /// <summary>Central differences of the smoothed loss −Σ q_k log p_k, through Forward, for a sample of parameters.</summary>
    [Fact]
    public void The_smoothed_gradient_matches_finite_differences()
    {
        (LeNet5 network, float[] input, int label) = Example();
        float[] gradient = TrainerGradient(network, input, label, Smoothing);
        var random = new Random(11);
        const float h = 1e-2f;
        for (int sample = 0; sample < 20; sample++)
        {
            // Half from the output layer, whose gradients are largest, half from anywhere.
            int i = sample % 2 == 0 ? LeNet5.ParameterCount - 1 - random.Next(850) : random.Next(LeNet5.ParameterCount);
            float kept = network.Parameters[i];
            network.Parameters[i] = kept + h;
            double up = SmoothedLoss(network, input, label);
            network.Parameters[i] = kept - h;
            double down = SmoothedLoss(network, input, label);
            network.Parameters[i] = kept;
            double numeric = (up - down) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) <= 2e-3 + (2e-2 * Math.Abs(numeric)), $"parameter {i}: finite differences {numeric}, the step {gradient[i]}");
        }
    }

    [Fact]
    public void Backward_outside_training_keeps_the_plain_target()
    {
        (LeNet5 network, float[] input, int label) = Example();
        var before = new float[LeNet5.ParameterCount];
        network.Backward(input, label, before, new float[LeNet5.TrainingWorkspaceLength]);

        // Training with smoothing on this thread (one worker: the calling thread) must leave no smoothing behind.
        TrainerGradient(network, input, label, Smoothing);
        var after = new float[LeNet5.ParameterCount];
        network.Backward(input, label, after, new float[LeNet5.TrainingWorkspaceLength]);

        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(float.NaN)]
    public void A_smoothing_outside_zero_to_one_is_refused(float smoothing)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<LeNet5>(new LeNet5(), new Adam(), new TrainingOptions { LabelSmoothing = smoothing }));

        Assert.Equal(nameof(TrainingOptions.LabelSmoothing), error.ParamName);
        Assert.Contains("Expected a label smoothing in [0, 1)", error.Message);
    }

    private static (LeNet5 Network, float[] Input, int Label) Example()
    {
        var network = new LeNet5();
        Initializer.Initialize(network, seed: 3);
        var random = new Random(3);
        var input = new float[LeNet5.InputLength];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (float)random.NextDouble();
        }

        return (network, input, 4);
    }

    /// <summary>(1 − ε)·∇L(label) + (ε/K)·Σ_k ∇L(k), from Backward on each class.</summary>
    private static float[] SmoothedGradient(LeNet5 network, float[] input, int label)
    {
        var workspace = new float[LeNet5.TrainingWorkspaceLength];
        var expected = new float[LeNet5.ParameterCount];
        var perClass = new float[LeNet5.ParameterCount];
        for (int k = 0; k < LeNet5.ClassCount; k++)
        {
            Array.Clear(perClass);
            network.Backward(input, k, perClass, workspace);
            float weight = (Smoothing / LeNet5.ClassCount) + (k == label ? 1f - Smoothing : 0f);
            for (int i = 0; i < perClass.Length; i++)
            {
                expected[i] += weight * perClass[i];
            }
        }

        return expected;
    }

    /// <summary>The gradient one SGD step of a trainer with <paramref name="smoothing"/> takes on the example; the network is left as it was.</summary>
    private static float[] TrainerGradient(LeNet5 network, float[] input, int label, float smoothing)
    {
        // Rate 1: the step is θ − g, so g comes back with one rounding.
        const float rate = 1f;
        float[] before = network.Parameters.ToArray();
        var trainer = new Trainer<LeNet5>(network, new GradientDescent(rate), new TrainingOptions { BatchSize = 1, Threads = 1, LabelSmoothing = smoothing });
        trainer.TrainEpoch(new Dataset(new[] { input }, new[] { label }));
        var gradient = new float[before.Length];
        for (int i = 0; i < before.Length; i++)
        {
            gradient[i] = (float)((before[i] - (double)network.Parameters[i]) / rate);
        }

        before.CopyTo(network.Parameters);
        return gradient;
    }

    private static double SmoothedLoss(LeNet5 network, float[] input, int label)
    {
        var output = new float[LeNet5.OutputLength];
        network.Forward(input, output);
        double loss = 0;
        for (int k = 0; k < output.Length; k++)
        {
            double target = (Smoothing / LeNet5.ClassCount) + (k == label ? 1 - Smoothing : 0);
            loss -= target * Math.Log(output[k]);
        }

        return loss;
    }

    private static double MaxDifference(float[] a, float[] b)
    {
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a[i] - (double)b[i]));
        }

        return worst;
    }
}
