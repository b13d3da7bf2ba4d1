using System;

namespace LeNet.Sample.Models;

/// <summary>
/// A look inside LeNet-5's first convolution: its six learned 5x5 filters and the six 28x28 feature maps they make
/// of one input. One filter is applied at every position (parameter sharing), so each map shows where its pattern is.
/// </summary>
internal static class Conv1View
{
    public const int Filters = LeNet5.Conv1.OutC;
    public const int Kernel = LeNet5.Conv1.Kernel;
    public const int MapSide = LeNet5.Conv1.OutH;

    /// <summary>The weights of filter <paramref name="filter"/>, row-major 5x5 (one input channel).</summary>
    public static ReadOnlySpan<float> Filter(LeNet5 network, int filter) =>
        network.Parameters.Slice(LeNet5.Conv1.WeightOffset + (filter * Kernel * Kernel), Kernel * Kernel);

    /// <summary>Runs the network on <paramref name="input"/>; returns the output and CONV1's activations (after ReLU), (6, 28, 28).</summary>
    public static (float[] Output, float[] FeatureMaps) Run(LeNet5 network, ReadOnlySpan<float> input)
    {
        var workspace = new float[LeNet5.WorkspaceLength];
        var output = new float[LeNet5.OutputLength];
        network.Forward(input, output, workspace);
        return (output, workspace.AsSpan(LeNet5.Conv1.OutputOffset, LeNet5.Conv1.OutputLength).ToArray());
    }
}
