using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Hashing;
using System.Linq;
using System.Text;
using LeNet.Runtime.Tests.Infrastructure;
using LeNet.Training;
using Xunit;

namespace LeNet.Runtime.Tests;

/// <summary>Weights-only files: layout, round trip, refusals that change nothing, and training that starts from one.</summary>
public sealed class WeightsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static SmallNet Initialized(int seed)
    {
        var network = new SmallNet();
        Initializer.Initialize(network, seed);
        return network;
    }

    private static void AssertRefusedAndUnchanged(SmallNet network, string path, string expected)
    {
        float[] before = network.Parameters.ToArray();

        var e = Assert.Throws<InvalidDataException>(() => network.LoadWeights(path));

        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void Round_trip_is_bit_identical()
    {
        SmallNet saved = Initialized(seed: 5);
        saved.Parameters[0] = -0f;
        saved.Parameters[1] = float.Epsilon;
        string path = _dir.File("small.weights");

        saved.SaveWeights(path);
        var loaded = new SmallNet();
        loaded.LoadWeights(path);

        Assert.Equal(saved.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits), loaded.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(new[] { path }, Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Layout_matches_the_documented_offsets()
    {
        SmallNet network = Initialized(seed: 6);
        string path = _dir.File("small.weights");
        network.SaveWeights(path);
        byte[] bytes = File.ReadAllBytes(path);

        Assert.Equal("LENETWTS", Encoding.ASCII.GetString(bytes, 0, 8));
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(SmallNet.Fingerprint, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(12)));
        Assert.Equal(SmallNet.ParameterCount, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(20)));
        for (int i = 0; i < SmallNet.ParameterCount; i++)
        {
            Assert.Equal(network.Parameters[i], BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(24 + (4 * i))));
        }

        Assert.Equal(24 + (4 * SmallNet.ParameterCount) + 8, bytes.Length);
        Assert.Equal(Weights.FileLength(SmallNet.ParameterCount), bytes.Length);
        Assert.Equal(XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)), BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8)));
        Assert.Equal(246_856, Weights.FileLength(61_706));
    }

    [Fact]
    public void The_header_is_the_checkpoints_with_its_own_magic()
    {
        SmallNet network = Initialized(seed: 6);
        var trainer = new Trainer<SmallNet>(network, new GradientDescent(), new TrainingOptions { Threads = 1 });
        string checkpoint = _dir.File("small.ckpt");
        string weights = _dir.File("small.weights");
        trainer.SaveCheckpoint(checkpoint);
        network.SaveWeights(weights);
        byte[] c = File.ReadAllBytes(checkpoint), w = File.ReadAllBytes(weights);

        Assert.Equal("LENETCKP", Encoding.ASCII.GetString(c, 0, 8));
        Assert.Equal("LENETWTS", Encoding.ASCII.GetString(w, 0, 8));
        // The same layout of version, fingerprint and count; each format keeps its own version number.
        Assert.Equal(Checkpoint.FormatVersion, BitConverter.ToInt32(c, 8));
        Assert.Equal(Weights.FormatVersion, BitConverter.ToInt32(w, 8));
        Assert.Equal(c.AsSpan(12, 12).ToArray(), w.AsSpan(12, 12).ToArray());
        // Plain gradient descent keeps no state buffers: the checkpoint's parameters start at 44 + its name's length.
        int parameters = 44 + Encoding.UTF8.GetByteCount(trainer.Optimizer.Name);
        Assert.Empty(trainer.Optimizer.State.ToArray());
        Assert.Equal(c.AsSpan(parameters, 4 * SmallNet.ParameterCount).ToArray(), w.AsSpan(24, 4 * SmallNet.ParameterCount).ToArray());
    }

    [Fact]
    public void Another_architecture_is_refused_and_nothing_changes()
    {
        string path = _dir.File("other.weights");
        var other = new OtherNet();
        Initializer.Initialize(other, seed: 1);
        other.SaveWeights(path);

        AssertRefusedAndUnchanged(Initialized(seed: 2), path, $"architecture fingerprint mismatch: expected 0x{SmallNet.Fingerprint:X16}, the file has 0x{OtherNet.Fingerprint:X16} (it was saved from a different network, with {OtherNet.ParameterCount} parameters instead of {SmallNet.ParameterCount})");
    }

    [Fact]
    public void Another_fingerprint_with_the_same_count_is_refused_naming_both()
    {
        string path = _dir.File("foreign.weights");
        Weights.Save(path, 0x1234UL, new float[SmallNet.ParameterCount]);

        AssertRefusedAndUnchanged(Initialized(seed: 2), path, $"architecture fingerprint mismatch: expected 0x{SmallNet.Fingerprint:X16}, the file has 0x0000000000001234");
    }

    [Fact]
    public void Truncation_at_every_cut_point_is_refused_and_nothing_changes()
    {
        string path = _dir.File("small.weights");
        Initialized(seed: 3).SaveWeights(path);
        byte[] bytes = File.ReadAllBytes(path);
        SmallNet network = Initialized(seed: 4);

        for (int length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(path, bytes[..length]);
            AssertRefusedAndUnchanged(network, path, "truncated");
        }
    }

    [Fact]
    public void A_flipped_bit_anywhere_is_refused_and_nothing_changes()
    {
        string path = _dir.File("small.weights");
        Initialized(seed: 3).SaveWeights(path);
        byte[] bytes = File.ReadAllBytes(path);
        SmallNet network = Initialized(seed: 4);
        var random = new Random(7);

        for (int i = 0; i < bytes.Length; i++)
        {
            byte[] corrupt = (byte[])bytes.Clone();
            corrupt[i] ^= (byte)(1 << random.Next(8));
            File.WriteAllBytes(path, corrupt);
            AssertRefusedAndUnchanged(network, path, "");
        }
    }

    [Fact]
    public void Trailing_bytes_are_refused()
    {
        string path = _dir.File("small.weights");
        Initialized(seed: 3).SaveWeights(path);
        File.AppendAllText(path, "!");

        AssertRefusedAndUnchanged(Initialized(seed: 1), path, "goes on");
    }

    [Fact]
    public void Non_finite_parameters_are_refused_on_save_and_on_load()
    {
        SmallNet network = Initialized(seed: 3);
        network.Parameters[9] = float.NaN;
        string path = _dir.File("nan.weights");

        var save = Assert.Throws<ArgumentException>(() => network.SaveWeights(path));
        Assert.Contains("parameter 9 is not finite", save.Message);
        Assert.False(File.Exists(path));

        // A file with a valid checksum but a NaN inside, as a buggy writer could make it.
        byte[] bytes = Weights.Serialize(SmallNet.Fingerprint, new float[SmallNet.ParameterCount]);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(24 + (4 * 9)), float.NaN);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)));
        File.WriteAllBytes(path, bytes);
        AssertRefusedAndUnchanged(Initialized(seed: 1), path, "parameter 9 is not finite");
    }

    [Fact]
    public void A_checkpoint_is_refused_by_Parse_with_a_hint_but_read_by_LoadWeights()
    {
        SmallNet network = Initialized(seed: 8);
        var trainer = new Trainer<SmallNet>(network, new Adam(), new TrainingOptions { Threads = 1 });
        trainer.TrainEpoch(SmallData.Make(64, seed: 1));
        string path = _dir.File("small.ckpt");
        trainer.SaveCheckpoint(path);

        var e = Assert.Throws<InvalidDataException>(() => Weights.Parse(File.ReadAllBytes(path), SmallNet.Fingerprint, SmallNet.ParameterCount));
        Assert.Contains("this is a checkpoint", e.Message);

        var loaded = new SmallNet();
        loaded.LoadWeights(path);
        Assert.Equal(network.Parameters.ToArray(), loaded.Parameters.ToArray());
    }

    [Fact]
    public void Stream_and_span_entry_points_agree_with_the_file()
    {
        SmallNet network = Initialized(seed: 9);
        using var stream = new MemoryStream();
        network.WriteWeights(stream);
        byte[] bytes = stream.ToArray();

        float[] parsed = Weights.Parse(bytes, SmallNet.Fingerprint, SmallNet.ParameterCount);
        var fromStream = new SmallNet();
        fromStream.LoadWeights(new MemoryStream(bytes), "memory");

        Assert.Equal(network.Parameters.ToArray(), parsed);
        Assert.Equal(network.Parameters.ToArray(), fromStream.Parameters.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => new SmallNet().LoadWeights(new MemoryStream(bytes[..^1]), "memory"));
        Assert.StartsWith("Weights 'memory': truncated", e.Message);
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("momentum")]
    [InlineData("rmsprop")]
    [InlineData("adam")]
    public void Training_starts_from_a_weights_file_with_any_optimizer(string optimizer)
    {
        // Weights trained with Adam, then training goes on with another optimizer, as from the same parameters in memory.
        Dataset data = SmallData.Make(256, seed: 3);
        var first = new Trainer<SmallNet>(Initialized(seed: 1), new Adam(), new TrainingOptions { Threads = 1, BatchSize = 32 });
        first.TrainEpoch(data);
        string path = _dir.File("start.weights");
        first.Network.SaveWeights(path);

        var fromFile = new SmallNet();
        fromFile.LoadWeights(path);
        var fromMemory = new SmallNet();
        first.Network.Parameters.CopyTo(fromMemory.Parameters);
        var options = new TrainingOptions { Threads = 1, BatchSize = 32, Seed = 4 };
        var a = new Trainer<SmallNet>(fromFile, Optimizer.Create(optimizer), options);
        var b = new Trainer<SmallNet>(fromMemory, Optimizer.Create(optimizer), options);
        double before = a.Evaluate(data).Loss;
        a.TrainEpoch(data);
        a.TrainEpoch(data);
        b.TrainEpoch(data);
        b.TrainEpoch(data);

        Assert.Equal(b.Network.Parameters.ToArray(), a.Network.Parameters.ToArray());
        Assert.True(a.Evaluate(data).Loss < before, $"{optimizer}: loss {a.Evaluate(data).Loss} after, {before} before");
    }

    [Fact]
    public void Weights_saves_go_through_the_checked_save()
    {
        string path = _dir.File("small.weights");
        Initialized(seed: 1).SaveWeights(path);
        string folder = Directory.CreateDirectory(_dir.File("folder.weights")).FullName;

        var e = Assert.Throws<IOException>(() => Initialized(seed: 2).SaveWeights(folder));

        Assert.Contains($"Cannot save weights '{folder}'", e.Message);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));
    }
}
