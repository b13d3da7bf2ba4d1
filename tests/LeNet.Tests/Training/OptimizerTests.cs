using System;
using System.Linq;
using LeNet.Training;
using Xunit;

namespace LeNet.Tests.Training;

public sealed class OptimizerTests
{
    private const float SmallestNormal = 1.17549435e-38f;

    /// <summary>One step from θ = 1 with g = 0.5, against values worked out by hand from each update rule.</summary>
    [Theory]
    [InlineData("sgd", 0.1f, 1f - (0.1f * 0.5f))]                                  // θ − αg
    [InlineData("momentum", 0.1f, 1f - (0.1f * 0.1f * 0.5f))]                      // v = 0.1g; θ − αv
    [InlineData("rmsprop", 0.01f, 1f - (0.01f * 0.5f / (0.015811388f + 1e-8f)))]  // s = 0.001g²; θ − αg/(√s+ε)
    [InlineData("adam", 0.01f, 1f - (0.01f * 0.5f / (0.5f + 1e-8f)))]             // m̂ = g, v̂ = g²: θ − α·g/(|g|+ε)
    public void First_step_matches_hand_computed_value(string name, float learningRate, float expected)
    {
        Optimizer optimizer = Optimizer.Create(name, learningRate);
        float[] parameters = [1f, -2f];
        optimizer.Update(parameters, [0.5f, 0f], learningRate);
        Assert.Equal(expected, parameters[0], 1e-5f);
        Assert.Equal(-2f, parameters[1]);
        Assert.Equal(1, optimizer.Step);
    }

    [Fact]
    public void Adam_second_step_uses_bias_correction_with_t_counting_from_one()
    {
        var adam = new Adam(0.01f);
        float[] parameters = [0f];
        adam.Update(parameters, [1f], 0.01f);
        adam.Update(parameters, [-1f], 0.01f);
        // m = 0.9·0.1 − 0.1 = −0.01, m̂ = −0.01/0.19; v = 0.999·0.001 + 0.001 = 0.001999, v̂ = 0.001999/0.001999 = 1.
        float m = -0.01f / 0.19f;
        float expected = -0.01f - (0.01f * m / (1f + 1e-8f));
        Assert.Equal(expected, parameters[0], 1e-6f);
    }

    /// <summary>
    /// A step that leaves a weight subnormal leaves it zero instead (subnormals slow x86 arithmetic many times over);
    /// normal values, however small, and the sign of the zero are kept. 19 values reach the vector and the scalar loop.
    /// </summary>
    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void A_step_that_leaves_a_weight_subnormal_sets_it_to_zero(string name)
    {
        Optimizer optimizer = Optimizer.Create(name, 0.1f);
        float[] parameters = new float[19];
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = (i % 3) switch { 0 => float.Epsilon * (i + 1), 1 => -SmallestNormal / 4, _ => SmallestNormal * 2 };
        }

        float[] before = (float[])parameters.Clone();
        optimizer.Update(parameters, new float[parameters.Length], 0.1f);
        for (int i = 0; i < parameters.Length; i++)
        {
            if (float.IsSubnormal(before[i]))
            {
                Assert.Equal(0f, parameters[i]);
                Assert.Equal(float.IsNegative(before[i]), float.IsNegative(parameters[i]));
            }
            else
            {
                Assert.Equal(before[i], parameters[i]);
            }
        }
    }

    /// <summary>
    /// State that a step leaves subnormal is zero instead. Unflushed, a gradient of 1e-38 gives momentum's velocity and
    /// Adam's first moment 1e-39, and one of 1e-18 gives RMSProp's and Adam's mean square 1e-39: all subnormal. A normal
    /// gradient beside them keeps its normal state. 19 values reach the vector and the scalar loop.
    /// </summary>
    [Theory]
    [InlineData("momentum")]
    [InlineData("rmsprop")]
    [InlineData("adam")]
    public void A_step_that_leaves_state_subnormal_sets_it_to_zero(string name)
    {
        Optimizer optimizer = Optimizer.Create(name, 0.1f);
        float[] parameters = new float[19];
        float[] gradients = new float[19];
        for (int i = 0; i < gradients.Length; i++)
        {
            parameters[i] = 0.5f;
            gradients[i] = (i % 3) switch { 0 => 1e-38f, 1 => 1e-18f, _ => 0.25f };
        }

        optimizer.Update(parameters, gradients, 0.1f);
        foreach (float[] buffer in optimizer.State)
        {
            for (int i = 0; i < buffer.Length; i++)
            {
                Assert.False(float.IsSubnormal(buffer[i]), $"{name} state {buffer[i]} at {i}");
                if (i % 3 == 2)
                {
                    Assert.True(float.IsNormal(buffer[i]), $"{name} state {buffer[i]} at {i}");
                }
            }
        }
    }

    /// <summary>
    /// Adam and RMSProp take a gradient whose (1 − β₂)·g² would be subnormal (|g| under about 3.4e-18) as zero, in the
    /// vector loop and in the tail alike: parameters and state come out as with a zero gradient there, and a gradient
    /// just above the floor still counts.
    /// </summary>
    [Theory]
    [InlineData("rmsprop")]
    [InlineData("adam")]
    public void Gradients_whose_square_underflows_count_as_zero(string name)
    {
        Optimizer optimizer = Optimizer.Create(name, 0.1f);
        Optimizer reference = Optimizer.Create(name, 0.1f);
        float[] parameters = new float[19], expected = new float[19];
        float[] gradients = new float[19], zeroed = new float[19];
        for (int i = 0; i < gradients.Length; i++)
        {
            parameters[i] = expected[i] = 0.5f;
            gradients[i] = (i % 3) switch { 0 => 1e-18f, 1 => -3e-18f, _ => 0.25f };
            zeroed[i] = i % 3 == 2 ? 0.25f : 0f;
        }

        for (int step = 0; step < 2; step++)
        {
            optimizer.Update(parameters, gradients, 0.1f);
            reference.Update(expected, zeroed, 0.1f);
        }

        Assert.Equal(expected, parameters);
        for (int b = 0; b < reference.State.Length; b++)
        {
            Assert.Equal(reference.State[b], optimizer.State[b]);
        }

        // 1e-17 is above the floor: it reaches the state (Adam's m, RMSProp's mean square), in the vector loop and the tail.
        optimizer.Update(parameters, Enumerable.Repeat(1e-17f, 19).ToArray(), 0.1f);
        Assert.All(optimizer.State[0], value => Assert.True(float.IsNormal(value), $"{name} state {value}"));
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("momentum")]
    [InlineData("rmsprop")]
    [InlineData("adam")]
    public void Each_optimizer_lowers_the_loss_on_a_fixed_batch(string name)
    {
        Dataset batch = SyntheticData.Digits(64, seed: 11);
        var network = new TinyClassifier();
        Initializer.Initialize(network, seed: 3);
        var trainer = new Trainer<TinyClassifier>(network, Optimizer.Create(name), new TrainingOptions { BatchSize = 64, Threads = 1 });
        double before = trainer.Evaluate(batch).Loss;
        for (int i = 0; i < 30; i++)
        {
            trainer.TrainEpoch(batch);
        }

        double after = trainer.Evaluate(batch).Loss;
        Assert.True(after < 0.75 * before, $"{name}: loss {before:F4} -> {after:F4}");
    }

    [Fact]
    public void Unknown_optimizer_name_is_refused_with_the_choices()
    {
        var error = Assert.Throws<ArgumentException>(() => Optimizer.Create("adagrad"));
        Assert.Contains("sgd, momentum, rmsprop or adam", error.Message);
    }
}
