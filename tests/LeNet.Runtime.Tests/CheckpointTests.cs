using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace LeNet.Runtime.Tests;

public sealed class CheckpointTests : IDisposable
{
    private const ulong Fingerprint = 0x0123_4567_89AB_CDEFUL;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Parameters that include the awkward finite floats (-0, subnormals, the extremes); NaN and infinities are refused.</summary>
    private static CheckpointData Sample(int parameterCount = 37, string optimizer = "Adam-β")
    {
        var random = new Random(1234);
        float[] parameters = Enumerable.Range(0, parameterCount).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        if (parameterCount >= 5)
        {
            parameters[0] = BitConverter.Int32BitsToSingle(0x0000_1234); // a subnormal with a payload
            parameters[1] = -0f;
            parameters[2] = float.Epsilon;
            parameters[3] = float.MinValue;
            parameters[4] = float.MaxValue;
        }
        return new CheckpointData
        {
            Fingerprint = Fingerprint,
            Parameters = parameters,
            OptimizerName = optimizer,
            Step = 123_456_789_012L,
            Epoch = 7,
            OptimizerState =
            [
                Enumerable.Range(0, parameterCount).Select(i => i * 0.25f).ToArray(),
                [],
                Enumerable.Range(0, parameterCount).Select(i => -i / 3f).ToArray(),
            ],
        };
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    private string SaveSample(string name = "model.ckpt", CheckpointData? data = null)
    {
        string path = _dir.File(name);
        Checkpoint.Save(path, data ?? Sample());
        return path;
    }

    [Fact]
    public void Round_trip_is_bit_identical()
    {
        CheckpointData saved = Sample();
        string path = SaveSample(data: saved);

        CheckpointData loaded = Checkpoint.Load(path, Fingerprint, saved.Parameters.Length);

        Assert.Equal(saved.Fingerprint, loaded.Fingerprint);
        Assert.Equal(Bits(saved.Parameters), Bits(loaded.Parameters));
        Assert.Equal("Adam-β", loaded.OptimizerName);
        Assert.Equal(123_456_789_012L, loaded.Step);
        Assert.Equal(7, loaded.Epoch);
        Assert.Equal(3, loaded.OptimizerState.Length);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Bits(saved.OptimizerState[i]), Bits(loaded.OptimizerState[i]));
        }

        Assert.NotSame(saved.Parameters, loaded.Parameters);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));
    }

    [Fact]
    public void Round_trip_without_optimizer()
    {
        string path = SaveSample(data: new CheckpointData { Fingerprint = 7, Parameters = [1f, 2f, 3f] });

        CheckpointData loaded = Checkpoint.Load(path, 7, 3);

        Assert.Equal(new[] { 1f, 2f, 3f }, loaded.Parameters);
        Assert.Equal("", loaded.OptimizerName);
        Assert.Equal(0, loaded.Step);
        Assert.Empty(loaded.OptimizerState);
    }

    [Fact]
    public void Layout_matches_the_documented_offsets()
    {
        CheckpointData data = Sample(parameterCount: 5, optimizer: "Adam");
        byte[] bytes = File.ReadAllBytes(SaveSample(data: data));

        Assert.Equal("LENETCKP", Encoding.ASCII.GetString(bytes, 0, 8));
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(Fingerprint, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(12)));
        Assert.Equal(5, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(20)));
        Assert.Equal(4, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(24)));
        Assert.Equal("Adam", Encoding.UTF8.GetString(bytes, 28, 4));
        Assert.Equal(123_456_789_012L, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(32)));
        Assert.Equal(7, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(40)));
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(44)));
        Assert.Equal(5, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(48)));
        Assert.Equal(0.25f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(52 + 4)));

        // S = 44 + N + sum(4 + 4 L_i); file = S + 4 P + 4 (no training settings) + 4 (no weight average) + 8.
        int s = 44 + 4 + (4 + 20) + (4 + 0) + (4 + 20);
        Assert.Equal(s + 4 * 5 + 4 + 4 + 8, bytes.Length);
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(s + 4 * 5)));
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(s + 4 * 5 + 4)));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(s + 4)));
        Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)), BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8)));
    }

    [Fact]
    public void The_documented_LeNet5_Adam_example_has_the_documented_size()
    {
        var data = new CheckpointData
        {
            Fingerprint = 1,
            Parameters = new float[61_706],
            OptimizerName = "Adam",
            Step = 1,
            OptimizerState = [new float[61_706], new float[61_706]],
        };

        Assert.Equal(740_544, Checkpoint.Serialize(data).Length);
    }

    [Fact]
    public void Fingerprint_mismatch_names_both_values()
    {
        string path = SaveSample();

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, 0xFEEDUL, 37));

        Assert.Contains(path, e.Message);
        Assert.Contains("architecture fingerprint mismatch: expected 0x000000000000FEED, the checkpoint has 0x0123456789ABCDEF", e.Message);
    }

    [Fact]
    public void Parameter_count_mismatch_names_both_counts()
    {
        string path = SaveSample();

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, Fingerprint, 61_706));

        Assert.Contains(path, e.Message);
        Assert.Contains("parameter count mismatch: expected 61706, the checkpoint has 37", e.Message);
    }

    [Fact]
    public void Truncation_at_every_cut_point_is_refused()
    {
        byte[] bytes = File.ReadAllBytes(SaveSample(data: Sample(parameterCount: 6, optimizer: "SGD")));
        string path = _dir.File("cut.ckpt");

        for (int length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(path, bytes[..length]);
            var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, Fingerprint, 6));
            Assert.Contains(path, e.Message);
            Assert.True(e.Message.Contains("truncated", StringComparison.Ordinal), $"cut at {length}: {e.Message}");
        }
    }

    [Fact]
    public void Trailing_bytes_are_refused()
    {
        string path = SaveSample();
        File.AppendAllText(path, "xyz");

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, Fingerprint, 37));

        Assert.Contains("3 trailing bytes", e.Message);
    }

    [Fact]
    public void A_flipped_byte_anywhere_is_refused()
    {
        byte[] bytes = File.ReadAllBytes(SaveSample(data: Sample(parameterCount: 6)));
        string path = _dir.File("flipped.ckpt");

        for (int i = 0; i < bytes.Length; i++)
        {
            byte[] corrupt = (byte[])bytes.Clone();
            corrupt[i] ^= 0x10;
            File.WriteAllBytes(path, corrupt);
            var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, Fingerprint, 6));
            Assert.Contains(path, e.Message);
        }
    }

    [Fact]
    public void A_flipped_parameter_byte_fails_the_checksum()
    {
        string path = SaveSample();
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^20] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, Fingerprint, 37));

        Assert.Contains("checksum mismatch", e.Message);
        Assert.Contains("corrupted", e.Message);
    }

    [Fact]
    public void Bad_magic_is_refused()
    {
        string path = SaveSample();
        byte[] bytes = File.ReadAllBytes(path);
        "PK\u0003\u0004"u8.CopyTo(bytes);
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, Fingerprint, 37));

        Assert.Contains(path, e.Message);
        Assert.Contains("not a LeNet checkpoint: expected the magic 'LENETCKP', found 50 4B 03 04 54 43 4B 50", e.Message);
    }

    [Theory]
    [InlineData(4, "format version 4 is not supported: this build reads versions 1 to 3 (the file was written by a newer LeNet)")]
    [InlineData(0, "format version 0 is not supported: this build reads versions 1 to 3.")]
    public void Other_versions_are_refused(int version, string expected)
    {
        string path = SaveSample();
        byte[] bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), version);
        File.WriteAllBytes(path, bytes);

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, Fingerprint, 37));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void An_empty_file_is_refused_as_truncated()
    {
        string path = _dir.File("empty.ckpt");
        File.WriteAllBytes(path, []);

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, Fingerprint, 37));

        Assert.Contains("truncated: the file is 0 bytes long", e.Message);
    }

    [Fact]
    public void A_missing_file_is_a_FileNotFoundException()
    {
        Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(_dir.File("none.ckpt"), Fingerprint, 37));
    }

    [Fact]
    public void Save_replaces_an_existing_checkpoint()
    {
        string path = SaveSample();
        Checkpoint.Save(path, new CheckpointData { Fingerprint = Fingerprint, Parameters = [42f] });

        Assert.Equal(new[] { 42f }, Checkpoint.Load(path, Fingerprint, 1).Parameters);
        Assert.Equal(new[] { path }, Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Save_into_a_missing_folder_fails_and_leaves_nothing_behind()
    {
        string path = Path.Combine(_dir.Path, "missing", "model.ckpt");

        var e = Assert.Throws<DirectoryNotFoundException>(() => Checkpoint.Save(path, Sample()));

        Assert.Contains(Path.Combine(_dir.Path, "missing"), e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void Save_whose_rename_fails_removes_its_temporary_file()
    {
        // The target is a folder, so writing the temporary file works and the final rename fails.
        string target = Directory.CreateDirectory(_dir.File("model.ckpt")).FullName;

        Assert.ThrowsAny<Exception>(() => Checkpoint.Save(target, Sample()));

        Assert.Equal(new[] { target }, Directory.GetFileSystemEntries(_dir.Path));
        Assert.Empty(Directory.GetFileSystemEntries(target));
    }

    [Fact]
    public void Save_with_invalid_data_leaves_the_existing_checkpoint_untouched()
    {
        string path = SaveSample();
        byte[] before = File.ReadAllBytes(path);
        var invalid = new CheckpointData { Fingerprint = Fingerprint, Parameters = [1f], OptimizerState = [[1f], null!] };

        var e = Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, invalid));

        Assert.Contains("OptimizerState[1] is null", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Save_rejects_out_of_range_data()
    {
        string path = _dir.File("bad.ckpt");

        Assert.Contains("expected an optimizer step from 0 to 9007199254740992, found -1",
            Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, new CheckpointData { Fingerprint = 1, Parameters = [], Step = -1 })).Message);
        Assert.Contains("at most 256 UTF-8 bytes, got 300",
            Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, new CheckpointData { Fingerprint = 1, Parameters = [], OptimizerName = new string('x', 300) })).Message);
        Assert.False(File.Exists(path));
    }
}
