using System;
using System.IO;
using System.Linq;
using System.Runtime.Versioning;
using LeNet.Runtime.Tests.Infrastructure;
using Xunit;

namespace LeNet.Runtime.Tests;

/// <summary>What <see cref="Checkpoint.Save"/> does with targets that are not plain files it may replace.</summary>
public sealed class SaveSafetyTests : IDisposable
{
    private const ulong Fingerprint = 0xABCDUL;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static CheckpointData Data(float value) => new() { Fingerprint = Fingerprint, Parameters = [value, value, value] };

    private float[] LoadParameters(string path) => Checkpoint.Load(path, Fingerprint, 3).Parameters;

    private string[] Temporaries() => Directory.GetFiles(_dir.Path, "*.tmp");

    [LinuxFact]
    public void Save_refuses_a_fifo_and_leaves_it_a_fifo()
    {
        string fifo = UnixFiles.Fifo(_dir.File("model.ckpt"));

        var e = Assert.Throws<IOException>(() => Checkpoint.Save(fifo, Data(1)));

        Assert.Contains($"'{fifo}'", e.Message);
        Assert.Contains("not a regular file", e.Message);
        Assert.Equal(FileAttributes.Normal, File.GetAttributes(fifo));
        Assert.Equal(0, new FileInfo(fifo).Length);
        Assert.Empty(Temporaries());
    }

    [LinuxFact(needsRoot: true)]
    public void Save_refuses_a_device_node_and_leaves_it_a_device()
    {
        string device = UnixFiles.NullDevice(_dir.File("null"));

        var e = Assert.Throws<IOException>(() => Checkpoint.Save(device, Data(1)));

        Assert.Contains($"'{device}'", e.Message);
        Assert.Contains("character device", e.Message);
        Assert.Equal(0, new FileInfo(device).Length);
        Assert.Empty(Temporaries());
    }

    [Fact]
    public void Save_refuses_a_folder_naming_it_and_leaves_nothing_behind()
    {
        string folder = Directory.CreateDirectory(_dir.File("model.ckpt")).FullName;

        var e = Assert.Throws<IOException>(() => Checkpoint.Save(folder, Data(1)));

        Assert.Contains($"'{folder}'", e.Message);
        Assert.Contains("folder", e.Message);
        Assert.Equal(new[] { folder }, Directory.GetFileSystemEntries(_dir.Path));
    }

    [LinuxFact]
    public void Save_through_a_symbolic_link_replaces_the_link_target_and_keeps_the_link()
    {
        string target = _dir.File("real.ckpt");
        Checkpoint.Save(target, Data(1));
        string link = _dir.File("link.ckpt");
        File.CreateSymbolicLink(link, target);

        Checkpoint.Save(link, Data(2));

        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal(new[] { 2f, 2f, 2f }, LoadParameters(target));
        Assert.Equal(new[] { 2f, 2f, 2f }, LoadParameters(link));
        Assert.Empty(Temporaries());
    }

    [LinuxFact]
    [SupportedOSPlatform("linux")]
    public void Save_keeps_the_mode_of_the_file_it_replaces()
    {
        string path = _dir.File("private.ckpt");
        Checkpoint.Save(path, Data(1));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Checkpoint.Save(path, Data(2));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(new[] { 2f, 2f, 2f }, LoadParameters(path));
    }

    [LinuxFact]
    [SupportedOSPlatform("linux")]
    public void Save_refuses_a_read_only_file_even_as_root()
    {
        string path = _dir.File("frozen.ckpt");
        Checkpoint.Save(path, Data(1));
        byte[] before = File.ReadAllBytes(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var e = Assert.Throws<UnauthorizedAccessException>(() => Checkpoint.Save(path, Data(2)));

        Assert.Contains($"'{path}'", e.Message);
        Assert.Contains("read-only", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Empty(Temporaries());
    }

    [LinuxFact]
    public void Save_errors_name_the_users_path_not_the_temporary()
    {
        // Nobody, not even root, may create files in /proc: the temporary file cannot be made.
        string path = "/proc/lenet-test-model.ckpt";

        Exception e = Assert.ThrowsAny<Exception>(() => Checkpoint.Save(path, Data(1)));

        Assert.True(e is IOException or UnauthorizedAccessException, e.ToString());
        Assert.Contains($"'{path}'", e.Message);
        Assert.DoesNotContain(".tmp", e.Message);
    }

    [Fact]
    public void Save_removes_stale_temporaries_of_the_same_target_only()
    {
        string path = _dir.File("model.ckpt");
        string stale1 = _dir.File($".model.ckpt.{Guid.NewGuid():N}.tmp");
        string stale2 = _dir.File($".model.ckpt.{Guid.NewGuid():N}.tmp");
        string otherTarget = _dir.File($".other.ckpt.{Guid.NewGuid():N}.tmp");
        string notOurs = _dir.File(".model.ckpt.backup.tmp");
        foreach (string file in new[] { stale1, stale2, otherTarget, notOurs })
        {
            File.WriteAllBytes(file, new byte[100]);
        }

        Checkpoint.Save(path, Data(1));

        Assert.False(File.Exists(stale1));
        Assert.False(File.Exists(stale2));
        Assert.True(File.Exists(otherTarget));
        Assert.True(File.Exists(notOurs));
        Assert.Equal(new[] { 1f, 1f, 1f }, LoadParameters(path));
    }

    [Fact]
    public void Save_keeps_a_temporary_that_another_save_is_still_writing()
    {
        string path = _dir.File("model.ckpt");
        string inProgress = _dir.File($".model.ckpt.{Guid.NewGuid():N}.tmp");

        // A live writer holds its temporary open exclusively, as Save itself does while it writes.
        using (var writer = new FileStream(inProgress, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            Checkpoint.Save(path, Data(1));
            Assert.True(File.Exists(inProgress));
        }

        Checkpoint.Save(path, Data(2));
        Assert.False(File.Exists(inProgress));
        Assert.Equal(new[] { path }, Directory.GetFiles(_dir.Path).Where(f => f != path).Prepend(path).ToArray());
    }
}
