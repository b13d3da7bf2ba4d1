using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using LeNet.Sample.Data;
using LeNet.Tests.Shared;
using Xunit;

namespace LeNet.Sample.Tests;

/// <summary>
/// <c>download</c> against mirrors on 127.0.0.1 serving gzip files these tests make from the shared MNIST (a slice of
/// it, so the checksums are the tests' own, passed with --mirror and --md5): a corrupted file, a cut-off one resumed.
/// </summary>
public sealed class DownloadCommandTests
{
    private static readonly string[] Names = [.. Mnist.FileNames];

    [Fact]
    public void The_defaults_are_the_public_mirrors_and_the_published_checksums()
    {
        Assert.Equal("f68b3c2dcbeaaa9fbdd348bbdeb94873", MnistSources.Default.Checksums["train-images-idx3-ubyte.gz"]);
        Assert.Equal("d53e105ee54ea40749a09fcbcd1e9432", MnistSources.Default.Checksums["train-labels-idx1-ubyte.gz"]);
        Assert.Equal("9fb629c4189551a2d022fa330f9573f3", MnistSources.Default.Checksums["t10k-images-idx3-ubyte.gz"]);
        Assert.Equal("ec29112dd5afa0611ce80d1b7f02629c", MnistSources.Default.Checksums["t10k-labels-idx1-ubyte.gz"]);
        Assert.Equal(2, MnistSources.Default.Mirrors.Count);
        Assert.All(MnistSources.Default.Mirrors, m => Assert.EndsWith("/mnist/", m.AbsoluteUri, StringComparison.Ordinal));
    }

    [MnistFact]
    public void A_corrupted_file_is_removed_and_fetched_from_the_next_mirror_and_a_cut_off_one_is_resumed()
    {
        Dictionary<string, byte[]> files = MakeFiles();
        using var server = new MirrorServer();
        foreach ((string name, byte[] content) in files)
        {
            MirrorServer.Fault fault = name switch
            {
                "train-labels-idx1-ubyte.gz" => MirrorServer.Fault.Corrupted,
                "t10k-images-idx3-ubyte.gz" => MirrorServer.Fault.CutOffHalfWay,
                _ => MirrorServer.Fault.None,
            };
            server.Add("a", name, content, fault);
            server.Add("b", name, content);
        }

        using var folder = new TempDirectory();
        SampleResult result = SampleProcess.Run(["download", "--to", folder.Path, "--mirror", server.Mirror("a"), "--mirror", server.Mirror("b"), .. Checksums(files)]);
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach ((string name, byte[] content) in files)
        {
            Assert.Equal(content, File.ReadAllBytes(Path.Combine(folder.Path, name)));
        }

        Assert.Empty(Directory.GetFiles(folder.Path, "*.part"));
        Assert.Contains($"train-labels-idx1-ubyte.gz: {server.Mirror("a")}train-labels-idx1-ubyte.gz gave a corrupted file (MD5 ", result.Output, StringComparison.Ordinal);
        Assert.Contains("removed it.", result.Output, StringComparison.Ordinal);

        // The cut-off file was resumed from the next mirror with a Range request for exactly the missing bytes.
        int half = files["t10k-images-idx3-ubyte.gz"].Length / 2;
        Assert.Contains($"/b/t10k-images-idx3-ubyte.gz bytes={half}-", server.Requests);
        Assert.Contains($"t10k-images-idx3-ubyte.gz: downloaded from {server.Mirror("b")}t10k-images-idx3-ubyte.gz (resumed at byte {half:N0})", result.Output, StringComparison.Ordinal);

        // What was downloaded loads as MNIST.
        Assert.Equal(500, Mnist.Load(folder.Path, MnistSplit.Test).Count);

        // A second run finds everything verified and fetches nothing.
        int requests = server.Requests.Count;
        SampleResult again = SampleProcess.Run(["download", "--to", folder.Path, "--mirror", server.Mirror("a"), .. Checksums(files)]);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(requests, server.Requests.Count);
        Assert.Equal(4, again.Output.Split('\n').Count(l => l.Contains("already there, MD5", StringComparison.Ordinal)));
    }

    [MnistFact]
    public void A_download_cut_off_on_the_only_mirror_is_kept_and_resumed_by_the_next_run()
    {
        Dictionary<string, byte[]> files = MakeFiles();
        using var folder = new TempDirectory();
        string name = "train-images-idx3-ubyte.gz";
        int half = files[name].Length / 2;
        using (var cutting = new MirrorServer())
        {
            foreach ((string file, byte[] content) in files)
            {
                cutting.Add("a", file, content, file == name ? MirrorServer.Fault.CutOffHalfWay : MirrorServer.Fault.None);
            }

            SampleResult first = SampleProcess.Run(["download", "--to", folder.Path, "--mirror", cutting.Mirror("a"), .. Checksums(files)]);
            Assert.Equal(1, first.ExitCode);
            Assert.Contains($"{name}: {cutting.Mirror("a")}{name} failed after {half:N0} bytes", first.Output, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(folder.Path, name)));
            Assert.Equal(half, new FileInfo(Path.Combine(folder.Path, name + ".part")).Length);
        }

        using var whole = new MirrorServer();
        foreach ((string file, byte[] content) in files)
        {
            whole.Add("a", file, content);
        }

        SampleResult second = SampleProcess.Run(["download", "--to", folder.Path, "--mirror", whole.Mirror("a"), .. Checksums(files)]);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal([$"/a/{name} bytes={half}-"], whole.Requests.ToArray());
        Assert.Equal(files[name], File.ReadAllBytes(Path.Combine(folder.Path, name)));
    }

    [MnistFact]
    public void A_file_corrupted_on_every_mirror_is_reported_and_nothing_is_left_under_its_name()
    {
        Dictionary<string, byte[]> files = MakeFiles();
        using var server = new MirrorServer();
        foreach ((string file, byte[] content) in files)
        {
            server.Add("a", file, content, file == "t10k-labels-idx1-ubyte.gz" ? MirrorServer.Fault.Corrupted : MirrorServer.Fault.None);
        }

        using var folder = new TempDirectory();

        // A stale, wrong file already under the name is removed too.
        File.WriteAllText(Path.Combine(folder.Path, "t10k-labels-idx1-ubyte.gz"), "stale");
        SampleResult result = SampleProcess.Run(["download", "--to", folder.Path, "--mirror", server.Mirror("a"), .. Checksums(files)]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("t10k-labels-idx1-ubyte.gz: the file in", result.Output, StringComparison.Ordinal);
        Assert.Contains("t10k-labels-idx1-ubyte.gz: could not be downloaded from any of 1 mirror(s).", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder.Path, "t10k-labels-idx1-ubyte.gz")));
        Assert.False(File.Exists(Path.Combine(folder.Path, "t10k-labels-idx1-ubyte.gz.part")));
        Assert.True(File.Exists(Path.Combine(folder.Path, "t10k-images-idx3-ubyte.gz")));
    }

    [Fact]
    public void Bad_mirror_and_checksum_options_are_refused()
    {
        SampleResult mirror = SampleProcess.Run(["download", "--to", Path.GetTempPath(), "--mirror", "ftp://example/"]);
        Assert.Equal(2, mirror.ExitCode);
        Assert.Contains("Option --mirror expects an http or https address, got 'ftp://example/'.", mirror.Error, StringComparison.Ordinal);
        SampleResult md5 = SampleProcess.Run(["download", "--to", Path.GetTempPath(), "--md5", "train.gz=123"]);
        Assert.Equal(2, md5.ExitCode);
        Assert.Contains("Option --md5 expects NAME=HEX", md5.Error, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Checksums(Dictionary<string, byte[]> files) =>
        files.SelectMany(f => new[] { "--md5", $"{f.Key}={Convert.ToHexStringLower(MD5.HashData(f.Value))}" });

    /// <summary>The first 2,000 training and 500 test records of the shared MNIST, as new IDX files, gzip-compressed.</summary>
    private static Dictionary<string, byte[]> MakeFiles()
    {
        string directory = Mnist.DefaultDirectory();
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach ((MnistSplit split, int count) in new[] { (MnistSplit.Train, 2000), (MnistSplit.Test, 500) })
        {
            IdxImages images = IdxReader.ReadImages(Path.Combine(directory, Mnist.ImagesFileName(split)));
            byte[] labels = IdxReader.ReadLabels(Path.Combine(directory, Mnist.LabelsFileName(split)));
            files[Mnist.ImagesFileName(split)] = Gzip(Idx(IdxReader.ImageMagic, [count, 28, 28], images.Pixels.AsSpan(0, count * 28 * 28)));
            files[Mnist.LabelsFileName(split)] = Gzip(Idx(IdxReader.LabelMagic, [count], labels.AsSpan(0, count)));
        }

        return files;
    }

    private static byte[] Idx(int magic, int[] dimensions, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[4 + (4 * dimensions.Length) + payload.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dimensions.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dimensions[i]);
        }

        payload.CopyTo(bytes.AsSpan(4 + (4 * dimensions.Length)));
        return bytes;
    }

    private static byte[] Gzip(byte[] raw)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(raw);
        }

        return output.ToArray();
    }
}
