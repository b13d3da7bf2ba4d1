using System;
using LeNet;
using LeNet.Training;
using Xunit;

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
    public void OneUnitNonSigmoidOutputGetsTheSameClassFromEvaluatorAndPredict(float bias, int expected)
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
    public void NonFiniteOutputHasNoClass(float bias)
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
    public void ClassCountAndLossFollowTheOutputLayer()
    {
        Assert.Equal(2, OneUnitLinear.ClassCount);
        Assert.Equal(LossKind.None, OneUnitLinear.Loss);
        Assert.True(float.IsNaN(OneUnitLinear.LossOf(new float[1], 1)));
        Assert.Equal(10, LeNet5.ClassCount);

        var probabilities = new float[10];
        probabilities[3] = 0.25f;
        Assert.Equal(-MathF.Log(0.25f), LeNet5.LossOf(probabilities, 3));
    }

    private static OneUnitLinear WithBias(float bias)
    {
        var network = new OneUnitLinear();
        network.Parameters[OneUnitLinear.Fc1.BiasOffset] = bias;
        return network;
    }
}
