using System;
using System.Buffers.Binary;
using System.Text;
using LeNet.Generator.Weights;
using Xunit;

namespace LeNet.Generator.Tests;

/// <summary>The generator's reader of weights files (for baking) accepts exactly the documented format.</summary>
public class WeightsFileTests
{
    [Fact]
    public void A_valid_file_gives_its_fingerprint_count_and_parameter_bits()
    {
        float[] parameters = [1.5f, -0f, float.Epsilon, -3.25e-7f, 42f];
        WeightsFile file = WeightsFile.Parse(Build(0x0123456789ABCDEFUL, parameters));

        Assert.Equal(WeightsFileProblem.None, file.Problem);
        Assert.Equal(0x0123456789ABCDEFUL, file.Fingerprint);
        Assert.Equal(parameters.Length, file.ParameterCount);
        for (int i = 0; i < parameters.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(parameters[i]), file.ParameterBits[i]);
        }
    }

    [Fact]
    public void Another_magic_is_a_header_problem_naming_what_was_found()
    {
        byte[] bytes = Build(1, [1f, 2f]);
        Encoding.ASCII.GetBytes("LENETCKP").CopyTo(bytes, 0);

        WeightsFile file = WeightsFile.Parse(bytes);

        Assert.Equal((WeightsFileProblem.Header, "magic 'LENETWTS' (a weights file)", "'LENETCKP'"), (file.Problem, file.Expected, file.Found));
    }

    [Fact]
    public void Another_version_is_a_header_problem()
    {
        byte[] bytes = Build(1, [1f]);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 2);

        WeightsFile file = WeightsFile.Parse(bytes);

        Assert.Equal((WeightsFileProblem.Header, "format version 1", "version 2"), (file.Problem, file.Expected, file.Found));
    }

    [Fact]
    public void Every_truncation_is_a_header_problem()
    {
        byte[] bytes = Build(7, [1f, 2f, 3f]);
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.Equal(WeightsFileProblem.Header, WeightsFile.Parse(bytes.AsSpan(0, length)).Problem);
        }

        Assert.Equal("44 bytes for 3 parameters", WeightsFile.Parse(bytes.AsSpan(0, 40)).Expected);
    }

    [Fact]
    public void A_flipped_bit_anywhere_before_the_checksum_is_a_checksum_problem_or_a_header_problem()
    {
        byte[] good = Build(7, [1f, 2f, 3f]);
        for (int i = 0; i < good.Length - 8; i++)
        {
            byte[] bad = (byte[])good.Clone();
            bad[i] ^= 0x10;
            WeightsFileProblem problem = WeightsFile.Parse(bad).Problem;
            Assert.True(problem != WeightsFileProblem.None, $"byte {i} flipped went unnoticed");
            Assert.True(i < WeightsFile.HeaderLength || problem == WeightsFileProblem.Checksum, $"byte {i}: {problem}");
        }
    }

    /// <summary>The documented layout, written independently of the generator with System.IO.Hashing.</summary>
    internal static byte[] Build(ulong fingerprint, float[] parameters)
    {
        byte[] bytes = new byte[24 + (4 * parameters.Length) + 8];
        Encoding.ASCII.GetBytes("LENETWTS").CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(12), fingerprint);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), parameters.Length);
        for (int i = 0; i < parameters.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(24 + (4 * i)), parameters[i]);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), System.IO.Hashing.XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)));
        return bytes;
    }
}
