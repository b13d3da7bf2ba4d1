using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LeNet.Sample.Cli;

/// <summary>
/// The type of a file (regular, device, FIFO, ...), which .NET does not expose: <c>FileInfo</c> reports a device
/// node as a normal file. Read on Linux with <c>statx</c>, whose buffer layout is the same on every architecture.
/// </summary>
internal static partial class FileKind
{
    public const int Regular = 0x8000;
    private const int TypeMask = 0xF000;
    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;

    /// <summary>The S_IFMT bits of <paramref name="path"/> (links followed), or null where they cannot be read.</summary>
    public static int? Of(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var buffer = new byte[256];
        try
        {
            return Statx(AtCurrentDirectory, path, 0, StatxType, buffer) == 0
                ? BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(StatxModeOffset)) & TypeMask
                : null;
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    public static string Describe(int kind) => kind switch
    {
        0x1000 => "FIFO",
        0x2000 => "character device",
        0x4000 => "folder",
        0x6000 => "block device",
        0xC000 => "socket",
        _ => "special file",
    };

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryDescriptor, string path, int flags, uint mask, [Out] byte[] buffer);
}
