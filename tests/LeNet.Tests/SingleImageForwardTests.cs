using System;
using System.Linq;
using LeNet.Sample;
using LeNet.Tests.Reference;
using Xunit;

namespace LeNet.Tests;

/// <summary>
/// Forward(input, output) runs the single-image inference pass (vectorised and fused kernels, weights repacked per
/// call); Forward(input, output, workspace) runs the ordinary layer kernels. These tests hold the two together.
/// </summary>
public class SingleImageForwardTests
{
    /// <summary>
    /// The networks whose every convolution has rows at least 8 wide, so the ordinary kernels take their vector
    /// (fused multiply-add) path too and the two passes must agree to the last bit. Narrower rows sum with separate
    /// multiplies and adds in the ordinary kernels; those networks are held to the reference instead.
    /// </summary>
    public static TheoryData<string> BitIdentical => new(nameof(LeNet5), nameof(LeNet5Rgb), nameof(LeNet5RowUnroll), nameof(LeNet5NoUnroll),
        nameof(ColumnVectorNet), nameof(PoolThreeNet), nameof(DenseNet));

    [Theory]
    [MemberData(nameof(BitIdentical))]
    public void Forward_without_a_workspace_has_the_bits_of_Forward_with_one(string name)
    {
        NetworkCase net = NetworkCases.Get(name);
        var random = new Random(5);
        for (int seed = 1; seed <= 3; seed++)
        {
            INetworkRunner network = net.CreateSeeded(seed);
            float[] input = net.RandomInput(random);
            var fast = new float[net.OutputLength];
            var ordinary = new float[net.OutputLength];
            network.Forward(input, fast);
            network.Forward(input, ordinary, new float[net.WorkspaceLength]);
            Assert.Equal(ordinary.Select(BitConverter.SingleToInt32Bits), fast.Select(BitConverter.SingleToInt32Bits));
        }
    }

    /// <summary>
    /// The repacked weights are built from Parameters on every call: changing only the weights of the layer that is
    /// repacked (the last convolution of each network that has one) changes the next output, which matches the reference
    /// with the new weights.
    /// </summary>
    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Changing_Parameters_between_two_calls_changes_the_output(string name)
    {
        NetworkCase net = NetworkCases.Get(name);
        INetworkRunner network = net.CreateSeeded(3);
        float[] input = net.RandomInput(new Random(4));
        var before = new float[net.OutputLength];
        var after = new float[net.OutputLength];
        network.Forward(input, before);

        // The last layer with weights that is a convolution, else the first layer with weights.
        RefShape layer = net.Reference.Layers.LastOrDefault(l => l.WeightLength > 0 && l.Layer is RefConv)
            ?? net.Reference.Layers.First(l => l.WeightLength > 0);
        Span<float> weights = network.Parameters.Slice(layer.WeightOffset, layer.WeightLength);
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = -weights[i] * 1.5f;
        }

        network.Forward(input, after);
        Assert.NotEqual(before, after);
        Tolerance.AssertClose($"{name}: output after {layer.ClassName}'s weights changed", after, net.Reference.Run(network.Parameters, input)[^1]);
    }
}
