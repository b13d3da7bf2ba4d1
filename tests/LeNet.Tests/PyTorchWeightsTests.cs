using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using LeNet.Sample;
using Xunit;

namespace LeNet.Tests;

/// <summary>
/// docs/pytorch.md says a PyTorch state_dict of the same architecture, flattened tensor by tensor in named_parameters()
/// order, copies into <c>Parameters</c> as it is. These check that claim with the LeNet-5 libtorch trained
/// (../shared/data/libtorch-lenet5 beside the repository): same tensor order and sizes as our layer table, and the same
/// softmax outputs as libtorch's on 200 MNIST test images.
/// </summary>
public sealed class PyTorchWeightsTests
{
    private const int Images = 200;

    // libtorch and our kernels sum in different orders; softmax outputs agree far closer than this.
    private const float Tolerance = 1e-5f;

    [LibtorchWeightsFact]
    public void NamedParametersOrderMatchesTheGeneratedLayerTable()
    {
        string[] lines = File.ReadAllLines(Path.Combine(LibtorchWeightsFactAttribute.Directory, "params.txt"))
            .Where(line => line.Trim().Length > 0).ToArray();
        LayerInfo[] weighted = LeNet5.Layers.ToArray().Where(layer => layer.WeightLength > 0).ToArray();
        Assert.Equal(2 * weighted.Length, lines.Length);

        int offset = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            LayerInfo layer = weighted[i / 2];
            bool isWeight = i % 2 == 0;
            int expectedOffset = isWeight ? layer.WeightOffset : layer.BiasOffset;
            int expectedLength = isWeight ? layer.WeightLength : layer.BiasLength;
            int length = ElementCount(lines[i]);

            Assert.True(offset == expectedOffset && length == expectedLength,
                $"params.txt line {i + 1} '{lines[i]}' sits at {offset} with {length} values; {layer.Name}'s {(isWeight ? "weight" : "bias")} is at {expectedOffset} with {expectedLength}");
            offset += length;
        }

        Assert.Equal(LeNet5.ParameterCount, offset);
    }

    [LibtorchWeightsFact]
    public void TheFlatFileCopiedIntoParametersGivesLibtorchsOutputs()
    {
        float[] parameters = ReadFloats("params.bin", LeNet5.ParameterCount);
        float[] inputs = ReadFloats("inputs.bin", Images * LeNet5.InputLength);
        float[] expected = ReadFloats("outputs.bin", Images * LeNet5.OutputLength);
        var network = new LeNet5();
        parameters.CopyTo(network.Parameters);

        float[] output = new float[LeNet5.OutputLength];
        float worst = 0;
        int sameClass = 0;
        for (int image = 0; image < Images; image++)
        {
            network.Forward(inputs.AsSpan(image * LeNet5.InputLength, LeNet5.InputLength), output);
            ReadOnlySpan<float> reference = expected.AsSpan(image * LeNet5.OutputLength, LeNet5.OutputLength);
            for (int k = 0; k < LeNet5.OutputLength; k++)
            {
                worst = MathF.Max(worst, MathF.Abs(output[k] - reference[k]));
            }

            sameClass += LeNet5.ClassOf(output) == LeNet5.ClassOf(reference) ? 1 : 0;
        }

        Assert.True(worst <= Tolerance, $"largest difference from libtorch's softmax output: {worst} (allowed {Tolerance})");
        Assert.Equal(Images, sameClass);
    }

    /// <summary>"conv1.weight [6,1,5,5]" → 150.</summary>
    private static int ElementCount(string line)
    {
        int open = line.IndexOf('[', StringComparison.Ordinal);
        int close = line.IndexOf(']', StringComparison.Ordinal);
        Assert.True(open > 0 && close > open, $"params.txt: expected 'name [d1,d2,...]', got '{line}'");
        return line[(open + 1)..close].Split(',')
            .Select(d => int.Parse(d.Trim(), NumberStyles.None, CultureInfo.InvariantCulture))
            .Aggregate(1, (product, d) => product * d);
    }

    private static float[] ReadFloats(string file, int count)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(LibtorchWeightsFactAttribute.Directory, file));
        Assert.True(bytes.Length == count * sizeof(float), $"{file}: {bytes.Length} bytes, expected {count} little-endian float32 values");
        Assert.True(BitConverter.IsLittleEndian, "the fixture is little-endian float32");
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }
}
