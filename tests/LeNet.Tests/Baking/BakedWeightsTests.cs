using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Xunit;

namespace LeNet.Tests.Baking;

/// <summary>
/// A network with its weights baked in at compile time computes bit for bit what the same architecture computes with
/// the same weights file loaded at run time.
/// </summary>
public class BakedWeightsTests
{
    private static readonly string WeightsPath = Path.Combine(AppContext.BaseDirectory, "Baking", "narrow.weights");

    [Fact]
    public void The_baked_parameters_are_the_files_bit_for_bit()
    {
        float[] fromFile = LoadFromFile(out ulong fingerprint);

        Assert.Equal(BakedNarrowNet.Fingerprint, fingerprint);
        Assert.Equal(Bits(fromFile), Bits(BakedNarrowNet.TrainedParameters.ToArray()));
        Assert.Equal(Bits(fromFile), Bits(BakedNarrowNet.CreateTrained().Parameters.ToArray()));
    }

    [Fact]
    public void The_baked_network_predicts_bit_identically_to_the_same_weights_loaded_from_the_file()
    {
        BakedNarrowNet baked = BakedNarrowNet.CreateTrained();
        // The runtime's own loader (WeightsExtensions.LoadWeights) reads the file the generator baked.
        var loaded = new NarrowNet();
        loaded.LoadWeights(WeightsPath);
        Assert.Equal(Bits(BakedNarrowNet.TrainedParameters.ToArray()), Bits(loaded.Parameters.ToArray()));

        var random = new Random(4);
        float[] input = new float[NarrowNet.InputLength];
        float[] bakedOutput = new float[NarrowNet.OutputLength], loadedOutput = new float[NarrowNet.OutputLength];
        for (int trial = 0; trial < 50; trial++)
        {
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = (float)((random.NextDouble() * 2) - 1);
            }

            baked.Forward(input, bakedOutput);
            loaded.Forward(input, loadedOutput);
            Assert.Equal(Bits(loadedOutput), Bits(bakedOutput));
            Assert.Equal(loaded.Predict(input), baked.Predict(input));
        }
    }

    [Fact]
    public void Each_trained_network_owns_its_parameters()
    {
        BakedNarrowNet first = BakedNarrowNet.CreateTrained();
        float before = BakedNarrowNet.TrainedParameters[0];

        first.Parameters[0] += 1;

        Assert.Equal(before, BakedNarrowNet.TrainedParameters[0]);
        Assert.Equal(before, BakedNarrowNet.CreateTrained().Parameters[0]);
    }

    /// <summary>TrainedParameters is read-only data in the assembly: every read is the same memory and allocates nothing.</summary>
    [Fact]
    public void The_baked_parameters_are_read_in_place_without_allocating()
    {
        _ = BakedNarrowNet.TrainedParameters.Length;
        long before = GC.GetAllocatedBytesForCurrentThread();
        ReadOnlySpan<float> first = BakedNarrowNet.TrainedParameters;
        ReadOnlySpan<float> second = BakedNarrowNet.TrainedParameters;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(Unsafe.AreSame(ref MemoryMarshal.GetReference(first), ref MemoryMarshal.GetReference(second)), "Two reads gave two copies.");
    }

    /// <summary>The parameters of the weights file (docs/weights-format.md), read independently of the generator.</summary>
    private static float[] LoadFromFile(out ulong fingerprint)
    {
        byte[] bytes = File.ReadAllBytes(WeightsPath);
        Assert.Equal("LENETWTS"u8.ToArray(), bytes[..8]);
        fingerprint = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(12));
        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(20));
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(24 + (4 * i)));
        }

        return values;
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
