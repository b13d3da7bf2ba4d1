using System;
using System.Linq;
using System.Reflection;
using LeNet.Tests.Reference;
using Xunit;

namespace LeNet.Tests;

/// <summary>Generated shapes and forward passes against the naive double-precision reference.</summary>
public class ForwardReferenceTests
{
    private const int Seeds = 3;

    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Shape_constants_match_the_reference(string name)
    {
        NetworkCase net = NetworkCases.Get(name);
        ReferenceNetwork reference = net.Reference;

        Assert.Equal(reference.InputLength, net.InputLength);
        Assert.Equal(reference.OutputLength, net.OutputLength);
        Assert.Equal(reference.ParameterCount, net.ParameterCount);
        Assert.Equal(reference.ParameterCount, net.Create().Parameters.Length);
        Assert.Equal(reference.InC, TypeConstant(net.Type, "InputChannels"));
        Assert.Equal(reference.InH, TypeConstant(net.Type, "InputHeight"));
        Assert.Equal(reference.InW, TypeConstant(net.Type, "InputWidth"));

        // One nested shape class per layer, no more.
        string[] expectedClasses = reference.Layers.Select(l => l.ClassName).Order(StringComparer.Ordinal).ToArray();
        string[] actualClasses = net.Type.GetNestedTypes(BindingFlags.Public).Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expectedClasses, actualClasses);

        foreach (RefShape layer in reference.Layers)
        {
            string c = layer.ClassName;
            Assert.Equal(
                (layer.InC, layer.InH, layer.InW, layer.OutC, layer.OutH, layer.OutW),
                (net.LayerConstant(c, "InC"), net.LayerConstant(c, "InH"), net.LayerConstant(c, "InW"), net.LayerConstant(c, "OutC"), net.LayerConstant(c, "OutH"), net.LayerConstant(c, "OutW")));
            Assert.Equal((layer.InputLength, layer.OutputLength), (net.LayerConstant(c, "InputLength"), net.LayerConstant(c, "OutputLength")));
            Assert.Equal(layer.WeightLength + layer.BiasLength + layer.StatisticsLength, net.LayerConstant(c, "ParameterCount"));
            if (layer.StatisticsLength > 0)
            {
                Assert.Equal((layer.StatisticsOffset, layer.StatisticsLength), (net.LayerConstant(c, "StatisticsOffset"), net.LayerConstant(c, "StatisticsLength")));
            }
            if (layer.WeightLength > 0)
            {
                Assert.Equal(
                    (layer.WeightOffset, layer.WeightLength, layer.BiasOffset, layer.BiasLength),
                    (net.LayerConstant(c, "WeightOffset"), net.LayerConstant(c, "WeightLength"), net.LayerConstant(c, "BiasOffset"), net.LayerConstant(c, "BiasLength")));
            }

            int outputOffset = net.LayerConstant(c, "OutputOffset");
            Assert.InRange(outputOffset, 0, net.WorkspaceLength - layer.OutputLength);
        }
    }

    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Forward_matches_the_reference(string name)
    {
        NetworkCase net = NetworkCases.Get(name);
        for (int seed = 1; seed <= Seeds; seed++)
        {
            INetworkRunner network = net.CreateSeeded(seed);
            float[] input = net.RandomInput(new Random(1000 + seed));
            double[][] expected = net.Reference.Run(network.Parameters, input);

            // Layer by layer first, so a failure names the first layer that goes wrong. A workspace full of garbage
            // must not leak into the result: every kernel overwrites and padding is cleared.
            var workspace = new float[net.WorkspaceLength + 3];
            workspace.AsSpan().Fill(float.NaN);
            var output = new float[net.OutputLength];
            network.Forward(input, output, workspace);
            for (int l = 0; l < net.Reference.Layers.Count; l++)
            {
                RefShape layer = net.Reference.Layers[l];
                int offset = net.LayerConstant(layer.ClassName, "OutputOffset");
                if (layer.Layer is RefConv && l + 1 < net.Reference.Layers.Count && net.Reference.Layers[l + 1].Layer is RefBatchNorm)
                {
                    // Inference folds the batch norm into the convolution's weights and writes only the batch norm's output.
                    Assert.All(workspace.AsSpan(offset, layer.OutputLength).ToArray(), value => Assert.True(float.IsNaN(value), $"{layer.ClassName} wrote its own output"));
                    continue;
                }

                Tolerance.AssertClose($"{name} seed {seed}: {layer.ClassName} activations", workspace.AsSpan(offset, layer.OutputLength), expected[l]);
            }

            Tolerance.AssertClose($"{name} seed {seed}: output with a caller workspace", output, expected[^1]);

            var stackOutput = new float[net.OutputLength];
            network.Forward(input, stackOutput);
            Tolerance.AssertClose($"{name} seed {seed}: output", stackOutput, expected[^1]);
        }
    }

    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Predict_agrees_with_forward(string name)
    {
        NetworkCase net = NetworkCases.Get(name);
        INetworkRunner network = net.CreateSeeded(7);
        var random = new Random(8);
        var output = new float[net.OutputLength];
        for (int i = 0; i < 20; i++)
        {
            float[] input = net.RandomInput(random);
            network.Forward(input, output);

            // One sigmoid unit predicts by threshold; otherwise the first largest output wins.
            int expected = output.Length == 1 ? (output[0] >= 0.5f ? 1 : 0) : Array.IndexOf(output, output.Max());
            Assert.Equal(expected, network.Predict(input));
        }
    }

    private static int TypeConstant(Type type, string name) =>
        (int)(type.GetField(name, BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() ?? throw new Xunit.Sdk.XunitException($"{type.Name}.{name} is missing."));
}
