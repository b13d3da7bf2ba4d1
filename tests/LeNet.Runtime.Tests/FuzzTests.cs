using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LeNet.Runtime.Tests.Infrastructure;
using LeNet.Training;
using Xunit;
using Xunit.Abstractions;

namespace LeNet.Runtime.Tests;

/// <summary>
/// Seeded fuzzing of every reader: <see cref="Mutator.Cases"/> mutated or truncated files per target (5,000 by default,
/// LENET_FUZZ_CASES=100000 for a long run). Each case must either load (only an unchanged valid file may) or be refused
/// with the reader's documented exception, allocate a bounded amount, and leave the network and trainer as they were.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int FileEvery = 20;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// Runs <paramref name="attempt"/> on every mutation and checks what it threw and allocated. One case in
    /// <see cref="FileEvery"/> goes through a file at <paramref name="path"/> (the attempt gets null); the others read
    /// the same bytes from memory, which exercises the same parser many times faster.
    /// </summary>
    private void Fuzz(string target, int seed, IReadOnlyList<byte[]> seeds, string path, Func<byte[], byte[]?> prepare, Action<byte[]?> attempt, Action<byte[]> accepted, string messagePrefix)
    {
        var random = new Random(seed);
        int cases = Mutator.Cases, refused = 0, loaded = 0;
        long maxAllocated = 0;
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < cases; i++)
        {
            byte[] original = seeds[random.Next(seeds.Count)];
            byte[] bytes = prepare(Mutator.Mutate(original, random)) ?? Mutator.Mutate(original, random);
            bool viaFile = i % FileEvery == 0;
            if (viaFile)
            {
                File.WriteAllBytes(path, bytes);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            Exception? error = null;
            try
            {
                attempt(viaFile ? null : bytes);
            }
            catch (Exception e)
            {
                error = e;
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            maxAllocated = Math.Max(maxAllocated, allocated);
            Assert.True(allocated < (4L << 20) + (16L * bytes.Length), $"{target} case {i}: {allocated:N0} bytes allocated for a {bytes.Length}-byte file");
            if (error is null)
            {
                loaded++;
                accepted(bytes);
                continue;
            }

            Assert.True(error is InvalidDataException, $"{target} case {i}: {error.GetType().Name}: {error}");
            Assert.StartsWith(messagePrefix, error.Message);
            refused++;
            string reason = Reason(error.Message[messagePrefix.Length..]);
            reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
        }

        output.WriteLine($"{target}: {cases} cases, {refused} refused, {loaded} loaded, at most {maxAllocated:N0} bytes allocated per case");
        foreach ((string reason, int count) in reasons.OrderByDescending(pair => pair.Value).Take(12))
        {
            output.WriteLine($"  {count,6}  {reason}");
        }
    }

    /// <summary>The kind of refusal, without the numbers: "truncated", "checksum mismatch", ...</summary>
    private static string Reason(string message)
    {
        string text = message.TrimStart();
        int end = text.IndexOfAny([':', ',', '(']);
        string head = end > 0 ? text[..end] : text;
        return new string(head.Where(c => !char.IsAsciiDigit(c)).ToArray()).Trim();
    }

    [Fact]
    public void Idx_reader_refuses_mutated_files_with_its_documented_exception()
    {
        byte[] images = IdxFiles.Images(3, 4, 5, IdxFiles.Pattern);
        byte[] labels = IdxFiles.Labels(1, 2, 3, 4, 5, 6, 7, 8, 9);
        byte[][] seeds = [images, IdxFiles.Gzip(images), labels, IdxFiles.Gzip(labels)];
        string path = _dir.File("fuzz.idx");
        var random = new Random(11);

        // Half the gzip cases mutate the IDX inside a valid gzip stream, to reach the header checks behind the gzip.
        byte[]? Prepare(byte[] mutated) => random.Next(4) == 0 ? IdxFiles.Gzip(Mutator.Mutate(random.Next(2) == 0 ? images : labels, random)) : mutated;

        Fuzz("IDX images", 1, seeds, path, Prepare, bytes => _ = bytes is null ? IdxReader.ReadImages(path) : IdxReader.ReadImages(new MemoryStream(bytes), path),
            bytes => CheckAcceptedIdx(bytes, images: true), $"IDX file '{path}':");
        Fuzz("IDX labels", 2, seeds, path, Prepare, bytes => _ = bytes is null ? IdxReader.ReadLabels(path) : IdxReader.ReadLabels(new MemoryStream(bytes), path),
            bytes => CheckAcceptedIdx(bytes, images: false), $"IDX file '{path}':");
    }

    /// <summary>An accepted file decodes to a header and exactly as many bytes as it announces.</summary>
    private static void CheckAcceptedIdx(byte[] bytes, bool images)
    {
        byte[] raw = bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B ? Gunzip(bytes) : bytes;
        int magic = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(raw);
        Assert.Equal(images ? IdxReader.ImageMagic : IdxReader.LabelMagic, magic);
        int count = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(4));
        long expected = images
            ? 16 + ((long)count * System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(8)) * System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(12)))
            : 8 + count;
        Assert.Equal(expected, raw.Length);
    }

    private static byte[] Gunzip(byte[] bytes)
    {
        using var input = new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    [Fact]
    public void Checkpoint_loader_refuses_mutated_files_and_changes_nothing()
    {
        var network = new SmallNet();
        Initializer.Initialize(network, seed: 1);
        var source = new Trainer<SmallNet>(network, new Adam(), new TrainingOptions { Threads = 1, BatchSize = 16 });
        source.TrainEpoch(SmallData.Make(64, seed: 1));
        string original = _dir.File("original.ckpt");
        source.SaveCheckpoint(original);
        byte[] valid = File.ReadAllBytes(original);
        byte[] weightsSeed = Weights.Serialize(SmallNet.Fingerprint, network.Parameters);

        var target = new Trainer<SmallNet>(new SmallNet(), new Adam(), new TrainingOptions { Threads = 1, BatchSize = 16 });
        target.Network.Parameters.Fill(0.25f);
        string path = _dir.File("fuzz.ckpt");

        void Load(byte[]? bytes)
        {
            if (bytes is null)
            {
                target.LoadCheckpoint(path);
            }
            else
            {
                target.Restore(Checkpoint.Read(new MemoryStream(bytes), SmallNet.Fingerprint, SmallNet.ParameterCount, path), path);
            }
        }

        Fuzz("checkpoint", 3, [valid, valid, valid, weightsSeed], path, _ => null, Load, bytes =>
        {
            Assert.Equal(valid, bytes);
            target = new Trainer<SmallNet>(new SmallNet(), new Adam(), new TrainingOptions { Threads = 1, BatchSize = 16 });
            target.Network.Parameters.Fill(0.25f);
        }, $"Checkpoint '{path}':");

        Assert.All(target.Network.Parameters.ToArray(), p => Assert.Equal(0.25f, p));
        Assert.Equal(0, target.Optimizer.Step);
        Assert.Equal(0, target.CompletedEpochs);
        Assert.Empty(target.Optimizer.State.ToArray());
    }

    [Fact]
    public void Weights_loader_refuses_mutated_files_and_changes_nothing()
    {
        var trained = new SmallNet();
        Initializer.Initialize(trained, seed: 2);
        byte[] valid = Weights.Serialize(SmallNet.Fingerprint, trained.Parameters);
        var target = new SmallNet();
        target.Parameters.Fill(0.5f);
        string path = _dir.File("fuzz.weights");

        Fuzz("weights", 4, [valid], path, _ => null, bytes =>
        {
            if (bytes is null)
            {
                target.LoadWeights(path);
            }
            else
            {
                target.LoadWeights(new MemoryStream(bytes), path);
            }
        }, bytes =>
        {
            Assert.Equal(valid, bytes);
            target.Parameters.Fill(0.5f);
        }, $"Weights '{path}':");

        Assert.All(target.Parameters.ToArray(), p => Assert.Equal(0.5f, p));
    }

    [Fact]
    public void Onnx_importer_refuses_mutated_models_and_changes_nothing()
    {
        var trained = new SmallNet();
        Initializer.Initialize(trained, seed: 3);
        using var export = new MemoryStream();
        LeNet.Onnx.OnnxExporter.Export(trained, export);
        byte[] valid = export.ToArray();
        var target = new SmallNet();
        target.Parameters.Fill(0.5f);
        string path = _dir.File("fuzz.onnx");

        // ONNX has no checksum: a mutation inside a float of an initializer is a valid model with another weight. What
        // must hold is that a refusal changes nothing and an accepted model loads finite weights, all of them at once.
        Fuzz("ONNX", 5, [valid], path, _ => null, bytes =>
        {
            Assert.All(target.Parameters.ToArray(), p => Assert.Equal(0.5f, p));
            if (bytes is null)
            {
                using FileStream file = File.OpenRead(path);
                LeNet.Onnx.OnnxImporter.LoadWeights(target, file);
            }
            else
            {
                LeNet.Onnx.OnnxImporter.LoadWeights(target, new MemoryStream(bytes));
            }
        }, _ =>
        {
            Assert.All(target.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
            target.Parameters.Fill(0.5f);
        }, string.Empty);

        Assert.All(target.Parameters.ToArray(), p => Assert.Equal(0.5f, p));
    }
}
