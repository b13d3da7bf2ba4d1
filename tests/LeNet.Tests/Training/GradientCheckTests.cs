using System;
using System.Collections.Generic;
using LeNet.Tests.Reference;
using Xunit;
using Xunit.Abstractions;
using LeNet.Sample;

namespace LeNet.Tests.Training;

/// <summary>
/// The generated backward pass against central differences of a double-precision reference forward pass:
/// (L(θ+h) − L(θ−h)) / 2h for about 20 coordinates of every weight and bias tensor.
/// </summary>
public sealed class GradientCheckTests(ITestOutputHelper output)
{
    private const double Step = 1e-5;

    private static readonly ReferenceNetwork LeNet5Reference = ReferenceNetwork.LeNet5(channels: 1);

    private static readonly ReferenceNetwork MixedReference = new(2, 11, 11,
        new RefConv(3, 3, 2, 1, Activation.Tanh), new RefPool(false, 2, 1),
        new RefConv(4, 2, 1, 1, Activation.Sigmoid), new RefPool(true, 2, 2),
        new RefDense(5, Activation.Tanh), new RefDense(3, Activation.Softmax));

    private static readonly ReferenceNetwork BinaryReference = new(1, 6, 6,
        new RefConv(2, 3, Activation: Activation.ReLU), new RefPool(true, 2, 2),
        new RefDense(4, Activation.Sigmoid), new RefDense(1, Activation.Sigmoid));

    private static readonly ReferenceNetwork DenseOnlyReference = new(1, 1, 7,
        new RefDense(6, Activation.Tanh), new RefDense(4, Activation.ReLU), new RefDense(3));

    private static readonly ReferenceNetwork RowUnrolledReference = new(3, 9, 9,
        new RefConv(4, 3, 1, 2, Activation.ReLU), new RefPool(true, 3, 2), new RefConv(2, 3, 2), new RefDense(4, Activation.Softmax));

    private static readonly ReferenceNetwork VectorWindowReference = new(2, 13, 14,
        new RefConv(3, 3, Activation: Activation.Tanh), new RefConv(4, 3, Activation: Activation.Sigmoid), new RefDense(3, Activation.Softmax));

    private static readonly ReferenceNetwork VectorRowReference = new(1, 12, 14,
        new RefConv(6, 3, 1, 1, Activation.Tanh), new RefConv(8, 5, Activation: Activation.Tanh), new RefDense(4, Activation.Softmax));

    private static readonly ReferenceNetwork VectorNoneReference = new(3, 10, 11,
        new RefConv(5, 2, Activation: Activation.Tanh), new RefConv(3, 3, Activation: Activation.Sigmoid), new RefDense(3, Activation.Softmax));

    [Fact]
    public void LeNet5_cross_entropy_gradients_match_finite_differences() =>
        CheckLabelLoss<LeNet5>(LeNet5Reference, label: 3, seed: 1);

    [Fact]
    public void Padding_stride_average_pool_tanh_sigmoid_gradients_match_finite_differences() =>
        CheckLabelLoss<GradMixed>(MixedReference, label: 2, seed: 2);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Sigmoid_binary_cross_entropy_gradients_match_finite_differences(int label) =>
        CheckLabelLoss<GradBinary>(BinaryReference, label, seed: 3 + label);

    [Fact]
    public void Dense_only_arbitrary_output_gradient_matches_finite_differences() =>
        CheckOutputGradient<GradDenseOnly>(DenseOnlyReference, seed: 5);

    [Fact]
    public void Row_unrolled_softmax_with_passed_in_gradient_matches_finite_differences() =>
        CheckOutputGradient<GradRowUnrolled>(RowUnrolledReference, seed: 6);

    /// <summary>
    /// The vector backward on gradients without zeros, each row ending in a partial vector block, at each unroll depth.
    /// Every parameter is checked, not a sample: a lane counted twice or dropped shows up on every tap.
    /// </summary>
    [Fact]
    public void Vector_conv_backward_window_matches_finite_differences() =>
        CheckLabelLoss<GradVectorWindow>(VectorWindowReference, label: 1, seed: 9, everyWeight: true);

    [Fact]
    public void Vector_conv_backward_row_matches_finite_differences() =>
        CheckLabelLoss<GradVectorRow>(VectorRowReference, label: 2, seed: 10, everyWeight: true);

    [Fact]
    public void Vector_conv_backward_none_matches_finite_differences() =>
        CheckLabelLoss<GradVectorNone>(VectorNoneReference, label: 0, seed: 11, everyWeight: true);

    [Fact]
    public void Backward_adds_to_gradients_rather_than_overwriting()
    {
        var (network, input) = RandomNetwork<GradMixed>(seed: 7);
        var once = new float[GradMixed.ParameterCount];
        var twice = new float[GradMixed.ParameterCount];
        var workspace = new float[GradMixed.TrainingWorkspaceLength];
        network.Backward(input, 1, once, workspace);
        network.Backward(input, 1, twice, workspace);
        network.Backward(input, 1, twice, workspace);
        for (int i = 0; i < once.Length; i++)
        {
            Assert.Equal(2 * once[i], twice[i], 5);
        }
    }

    [Fact]
    public void Backward_rejects_bad_labels_and_lengths()
    {
        var (network, input) = RandomNetwork<LeNet5>(seed: 8);
        var gradients = new float[LeNet5.ParameterCount];
        var workspace = new float[LeNet5.TrainingWorkspaceLength];
        Assert.Throws<ArgumentOutOfRangeException>(() => network.Backward(input, 10, gradients, workspace));
        Assert.Throws<ArgumentOutOfRangeException>(() => network.Backward(input, -1, gradients, workspace));
        var error = Assert.Throws<ArgumentException>(() => network.Backward(input, 1, new float[5], workspace));
        Assert.Contains("61706", error.Message);
        Assert.Contains("got 5", error.Message);
        error = Assert.Throws<ArgumentException>(() => network.Backward(input, 1, gradients, new float[LeNet5.WorkspaceLength]));
        Assert.Contains("workspace", error.Message);
        Assert.Throws<InvalidOperationException>(() => new GradDenseOnly().Backward(new float[7], 0, new float[GradDenseOnly.ParameterCount], new float[GradDenseOnly.TrainingWorkspaceLength]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradBinary().Backward(new float[36], 2, new float[GradBinary.ParameterCount], new float[GradBinary.TrainingWorkspaceLength]));
    }

    internal void CheckLabelLoss<TNet>(ReferenceNetwork reference, int label, int seed, bool everyWeight = false)
        where TNet : class, INetwork<TNet>
    {
        var (network, input) = RandomNetwork<TNet>(seed);
        var gradients = new float[TNet.ParameterCount];
        float loss = network.Backward(input, label, gradients, new float[TNet.TrainingWorkspaceLength]);

        Func<double[], double> lossOf = TNet.Loss == LossKind.CrossEntropy
            ? y => -Math.Log(y[label])
            : y => -Math.Log(label == 1 ? y[0] : 1 - y[0]);
        double[] parameters = ReferenceNetwork.ToDouble(network.Parameters);
        double[] x = ReferenceNetwork.ToDouble(input);
        Assert.Equal(lossOf(Output(reference, parameters, x)), loss, 4);
        CompareWithFiniteDifferences<TNet>(gradients, parameters, p => lossOf(Output(reference, p, x)), seed, everyWeight);
    }

    /// <summary>Loss = Σ c_i y_i with distinct random c, so each output's gradient path is exercised separately.</summary>
    private void CheckOutputGradient<TNet>(ReferenceNetwork reference, int seed)
        where TNet : class, INetwork<TNet>
    {
        var (network, input) = RandomNetwork<TNet>(seed);
        var random = new Random(seed + 100);
        var weights = new float[TNet.OutputLength];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var gradients = new float[TNet.ParameterCount];
        network.Backward(input, weights, gradients, new float[TNet.TrainingWorkspaceLength]);
        double[] x = ReferenceNetwork.ToDouble(input);
        double Loss(double[] p)
        {
            double[] y = Output(reference, p, x);
            double sum = 0;
            for (int i = 0; i < y.Length; i++)
            {
                sum += weights[i] * y[i];
            }

            return sum;
        }

        CompareWithFiniteDifferences<TNet>(gradients, ReferenceNetwork.ToDouble(network.Parameters), Loss, seed);
    }

    internal void CompareWithFiniteDifferences<TNet>(float[] gradients, double[] parameters, Func<double[], double> loss, int seed, bool everyWeight = false)
        where TNet : class, INetwork<TNet>
    {
        var random = new Random(seed + 200);
        var failures = new List<string>();
        int checkedCount = 0;
        foreach (LayerInfo layer in TNet.Layers)
        {
            foreach ((int offset, int length, string tensor) in new[] { (layer.WeightOffset, layer.WeightLength, "W"), (layer.BiasOffset, layer.BiasLength, "b") })
            {
                int samples = everyWeight ? length : Math.Min(20, length);
                for (int n = 0; n < samples; n++)
                {
                    int index = offset + (length <= samples ? n : random.Next(length));
                    double saved = parameters[index];
                    parameters[index] = saved + Step;
                    double plus = loss(parameters);
                    parameters[index] = saved - Step;
                    double minus = loss(parameters);
                    parameters[index] = saved;
                    double numeric = (plus - minus) / (2 * Step);
                    double analytic = gradients[index];
                    checkedCount++;
                    if (Math.Abs(analytic - numeric) > 2e-6 + (2e-3 * Math.Max(Math.Abs(numeric), Math.Abs(analytic))))
                    {
                        failures.Add($"{layer.Name}.{tensor}[{index - offset}]: backward {analytic:G6}, finite difference {numeric:G6}");
                    }
                }
            }
        }

        output.WriteLine($"{checkedCount} coordinates checked, {failures.Count} off");
        Assert.True(checkedCount > 0);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures.GetRange(0, Math.Min(5, failures.Count))));
    }

    internal static (TNet Network, float[] Input) RandomNetwork<TNet>(int seed)
        where TNet : class, INetwork<TNet>
    {
        var random = new Random(seed);
        TNet network = TNet.Create();
        Span<float> parameters = network.Parameters;
        foreach (LayerInfo layer in TNet.Layers)
        {
            double scale = Math.Sqrt(3.0 / Math.Max(1, layer.FanIn));
            for (int i = 0; i < layer.WeightLength; i++)
            {
                parameters[layer.WeightOffset + i] = (float)(((random.NextDouble() * 2) - 1) * scale);
            }

            for (int i = 0; i < layer.BiasLength; i++)
            {
                parameters[layer.BiasOffset + i] = (float)(((random.NextDouble() * 2) - 1) * 0.1);
            }
        }

        var input = new float[TNet.InputLength];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (float)random.NextDouble();
        }

        return (network, input);
    }

    private static double[] Output(ReferenceNetwork reference, double[] parameters, double[] input) => reference.Run(parameters, input)[^1];
}
