using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace LeNet;

/// <summary>
/// The two things .NET does not expose about files: the type of a file (FIFO, device, ...) and fsync of a folder.
/// Linux only (statx(2), open(2), fsync(2) from libc); elsewhere the answers fall back to what System.IO can tell.
/// </summary>
internal static class NativeFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28;
    private const int StatxSize = 256;
    private const int NoSuchFile = 2;
    private const int NotADirectory = 20;

    private static bool s_nativeUnavailable = !OperatingSystem.IsLinux();

    /// <summary>What <paramref name="path"/> names; <paramref name="followLinks"/> decides whether a link or its target is described.</summary>
    public static FileKind Kind(string path, bool followLinks)
    {
        if (!Volatile.Read(ref s_nativeUnavailable))
        {
            try
            {
                var buffer = new byte[StatxSize];
                int result = statx(AtFdCwd, NullTerminated(path), followLinks ? 0 : AtSymlinkNoFollow, StatxType, buffer);
                if (result == 0)
                {
                    return FromMode(BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(ModeOffset)));
                }

                int error = Marshal.GetLastPInvokeError();
                if (error is NoSuchFile or NotADirectory)
                {
                    return FileKind.Missing;
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                Volatile.Write(ref s_nativeUnavailable, true);
            }
        }

        return ManagedKind(path, followLinks);
    }

    /// <summary>Flushes a folder's entries to disk, so a rename in it survives a power loss. Best effort: errors are ignored.</summary>
    public static void SyncFolder(string folder)
    {
        if (!OperatingSystem.IsLinux() || Volatile.Read(ref s_nativeUnavailable))
        {
            return;
        }

        try
        {
            int descriptor = open(NullTerminated(folder), 0);
            if (descriptor >= 0)
            {
                _ = fsync(descriptor);
                _ = close(descriptor);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref s_nativeUnavailable, true);
        }
    }

    /// <summary>A human description of a kind, for error messages: "a FIFO (named pipe)".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a folder",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        _ => kind.ToString(),
    };

    private static FileKind FromMode(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => FileKind.Regular,
        0x4000 => FileKind.Directory,
        0xA000 => FileKind.SymbolicLink,
        0x1000 => FileKind.Fifo,
        0x2000 => FileKind.CharacterDevice,
        0x6000 => FileKind.BlockDevice,
        _ => FileKind.Socket,
    };

    private static FileKind ManagedKind(string path, bool followLinks)
    {
        var info = new FileInfo(path);
        if (!followLinks && info.LinkTarget is not null)
        {
            return FileKind.SymbolicLink;
        }

        if (info.Exists)
        {
            return FileKind.Regular;
        }

        return Directory.Exists(path) ? FileKind.Directory : FileKind.Missing;
    }

    private static byte[] NullTerminated(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int directory, byte[] path, int flags, uint mask, byte[] result);

    [DllImport("libc", SetLastError = true)]
    private static extern int open(byte[] path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int descriptor);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int descriptor);
}
