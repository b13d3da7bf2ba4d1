using System;
using LeNet.Generator.Weights;
using Xunit;

namespace LeNet.Generator.Tests;

/// <summary>The generator's own XXH64 (it cannot load System.IO.Hashing) gives System.IO.Hashing's values.</summary>
public class XxHash64Tests
{
    [Fact]
    public void Matches_System_IO_Hashing_on_every_length_up_to_300_and_on_a_weights_sized_buffer()
    {
        var random = new Random(17);
        byte[] data = new byte[247_000];
        random.NextBytes(data);
        for (int length = 0; length <= 300; length++)
        {
            Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64(data.AsSpan(0, length)), XxHash64.Hash(data.AsSpan(0, length)));
        }

        Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64(data), XxHash64.Hash(data));
    }

    [Fact]
    public void Empty_input_gives_the_published_XXH64_value()
    {
        // XXH64 of no bytes with seed 0, as listed by the algorithm's reference implementation.
        Assert.Equal(0xEF46DB3751D8E999UL, XxHash64.Hash(ReadOnlySpan<byte>.Empty));
    }
}
