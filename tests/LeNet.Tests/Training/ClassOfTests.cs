using System;
using LeNet;
using LeNet.Training;
using Xunit;
using LeNet.Sample;

namespace LeNet.Tests.Training;

/// <summary>The class of an output is decided once, by the generated ClassOf, and Predict and Evaluator both use it.</summary>
public sealed class ClassOfTests
{
    /// <summary>
    /// A one-unit output without a sigmoid: Predict thresholds it at 0.5. Evaluator used to take the index of the largest
    /// output instead (always 0 for one unit), so the two disagreed for an output of 0.7.
    /// </summary>
    [Theory]
    [InlineData(0.7f, 1)]
    [InlineData(0.3f, 0)]
    public void One_unit_non_sigmoid_output_gets_the_same_class_from_Evaluator_and_Predict(float bias, int expected)
    {
        OneUnitLinear network = WithBias(bias);
        float[] input = new float[OneUnitLinear.InputLength];
        Assert.Equal(expected, network.Predict(input));

        var data = new Dataset(new[] { input }, new[] { expected });
        Assert.Equal(1.0, Evaluator.Evaluate(network, data).Accuracy);

        var wrong = new Dataset(new[] { input }, new[] { 1 - expected });
        Assert.Equal(0.0, Evaluator.Evaluate(network, wrong).Accuracy);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Non_finite_output_has_no_class(float bias)
    {
        OneUnitLinear network = WithBias(bias);
        float[] input = new float[OneUnitLinear.InputLength];
        var output = new float[OneUnitLinear.OutputLength];
        network.Forward(input, output);
        Assert.Equal(-1, OneUnitLinear.ClassOf(output));

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => network.Predict(input));
        Assert.Contains(bias.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);

        // Evaluator counts it wrong for every label rather than answering class 0.
        Assert.Equal(0.0, Evaluator.Evaluate(network, new Dataset(new[] { input }, new[] { 0 })).Accuracy);
        Assert.Equal(0.0, Evaluator.Evaluate(network, new Dataset(new[] { input }, new[] { 1 })).Accuracy);
    }

    [Fact]
    public void Class_count_and_loss_follow_the_output_layer()
    {
        Assert.Equal(2, OneUnitLinear.ClassCount);
        Assert.Equal(LossKind.None, OneUnitLinear.Loss);
        Assert.True(float.IsNaN(OneUnitLinear.LossOf(new float[1], 1)));
        Assert.Equal(10, LeNet5.ClassCount);

        var probabilities = new float[10];
        probabilities[3] = 0.25f;
        Assert.Equal(-MathF.Log(0.25f), LeNet5.LossOf(probabilities, 3));
    }

    /// <summary>A single sigmoid has two classes: label 2 used to be scored as if it were 0, −log(1 − p).</summary>
    [Theory]
    [InlineData(2)]
    [InlineData(-1)]
    public void Binary_loss_of_a_label_other_than_0_or_1_is_NaN(int label)
    {
        float[] output = { 0.25f };
        Assert.Equal(-MathF.Log(0.75f), WideNet.LossOf(output, 0), 6);
        Assert.Equal(-MathF.Log(0.25f), WideNet.LossOf(output, 1), 6);
        Assert.True(float.IsNaN(WideNet.LossOf(output, label)));
    }

    private static OneUnitLinear WithBias(float bias)
    {
        var network = new OneUnitLinear();
        network.Parameters[OneUnitLinear.Fc1.BiasOffset] = bias;
        return network;
    }
}
