using System;
using System.IO;
using System.Runtime.Versioning;
using LeNet.Runtime.Tests.Infrastructure;
using Xunit;

namespace LeNet.Runtime.Tests;

/// <summary><see cref="Checkpoint.EnsureWritable"/>: the check a tool runs on its save path before it trains.</summary>
public sealed class EnsureWritableTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_new_file_in_an_existing_folder_is_fine_and_nothing_is_created()
    {
        string path = _dir.File("model.ckpt");

        Assert.Equal(Path.GetFullPath(path), Checkpoint.EnsureWritable(path));

        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void An_existing_checkpoint_is_fine_and_left_as_it_is()
    {
        string path = _dir.File("model.ckpt");
        Checkpoint.Save(path, new CheckpointData { Fingerprint = 1, Parameters = [1f] });
        byte[] before = File.ReadAllBytes(path);

        Checkpoint.EnsureWritable(path);

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void A_missing_folder_is_named()
    {
        string path = Path.Combine(_dir.Path, "missing", "model.ckpt");

        var e = Assert.Throws<DirectoryNotFoundException>(() => Checkpoint.EnsureWritable(path));

        Assert.Contains($"'{path}'", e.Message);
        Assert.Contains(Path.Combine(_dir.Path, "missing"), e.Message);
    }

    [Fact]
    public void A_folder_is_refused()
    {
        string folder = Directory.CreateDirectory(_dir.File("model.ckpt")).FullName;

        var e = Assert.Throws<IOException>(() => Checkpoint.EnsureWritable(folder));

        Assert.Contains($"'{folder}'", e.Message);
        Assert.Contains("folder", e.Message);
    }

    [Fact]
    public void An_empty_path_is_an_ArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Checkpoint.EnsureWritable(""));
        Assert.Throws<ArgumentException>(() => Checkpoint.EnsureWritable(_dir.Path + Path.DirectorySeparatorChar));
    }

    [LinuxFact]
    [SupportedOSPlatform("linux")]
    public void A_read_only_file_is_refused()
    {
        string path = _dir.File("frozen.ckpt");
        File.WriteAllBytes(path, [1]);
        File.SetUnixFileMode(path, UnixFileMode.UserRead);

        var e = Assert.Throws<UnauthorizedAccessException>(() => Checkpoint.EnsureWritable(path));

        Assert.Contains("read-only (mode 400)", e.Message);
    }

    [LinuxFact]
    public void A_fifo_is_refused()
    {
        string fifo = UnixFiles.Fifo(_dir.File("model.ckpt"));

        var e = Assert.Throws<IOException>(() => Checkpoint.EnsureWritable(fifo));

        Assert.Contains("FIFO", e.Message);
    }

    [LinuxFact]
    public void A_folder_that_takes_no_files_is_refused_with_the_users_path()
    {
        var e = Assert.ThrowsAny<Exception>(() => Checkpoint.EnsureWritable("/proc/lenet-model.ckpt"));

        Assert.True(e is IOException or UnauthorizedAccessException, e.ToString());
        Assert.Contains("'/proc/lenet-model.ckpt'", e.Message);
    }

    [LinuxFact]
    public void A_link_resolves_to_its_target()
    {
        string target = _dir.File("real.ckpt");
        File.WriteAllBytes(target, [1]);
        string link = _dir.File("link.ckpt");
        File.CreateSymbolicLink(link, target);

        Assert.Equal(target, Checkpoint.EnsureWritable(link));
    }
}
