using System;
using System.IO;

namespace LeNet.Sample.Cli;

/// <summary>Checks, before any work starts, that an output path given on the command line can be written.</summary>
internal static class OutputPath
{
    /// <summary>
    /// Refuses an empty path, a missing or unwritable folder, a folder in place of the file, a target that is not a
    /// regular file (a device, a FIFO, a socket) and a read-only file, naming <paramref name="option"/> and the user's path.
    /// </summary>
    /// <exception cref="UsageException">The path cannot be written.</exception>
    public static void CheckWritableFile(string path, string option)
    {
        if (path.Length == 0 || string.IsNullOrWhiteSpace(path))
        {
            throw new UsageException($"Option {option} expects a file name, got an empty string.");
        }

        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new UsageException($"Option {option} expects a file, but '{path}' is a folder.");
        }

        string folder = Path.GetDirectoryName(full) ?? full;
        if (!Directory.Exists(folder))
        {
            throw new UsageException($"Option {option}: the folder '{folder}' of '{path}' does not exist.");
        }

        var info = new FileInfo(full);
        if (info.Exists)
        {
            // Links are followed: the file written is the one the link names.
            if (FileKind.Of(full) is { } kind && kind != FileKind.Regular)
            {
                throw new UsageException($"Option {option}: '{path}' exists and is not a regular file (it is a {FileKind.Describe(kind)}).");
            }

            if (IsReadOnly(info))
            {
                throw new UsageException($"Option {option}: '{path}' is read-only.");
            }
        }

        CheckFolderWritable(folder, option, path);
    }

    /// <summary>Creates <paramref name="directory"/> if needed and checks a file can be written in it.</summary>
    public static void CheckWritableFolder(string directory, string option)
    {
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new UsageException($"Option {option} expects a folder, got an empty string.");
        }

        if (File.Exists(directory))
        {
            throw new UsageException($"Option {option} expects a folder, but '{directory}' is a file.");
        }

        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Option {option}: cannot create the folder '{directory}': {error.Message}");
        }

        CheckFolderWritable(Path.GetFullPath(directory), option, directory);
    }

    private static void CheckFolderWritable(string folder, string option, string userPath)
    {
        // Only a real write answers "can I write here" (permissions, read-only mounts, ACLs); the probe is removed at once.
        string probe = Path.Combine(folder, $".lenet-write-check-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Option {option}: cannot write '{userPath}': the folder '{folder}' is not writable ({error.Message.Replace(probe, folder, StringComparison.Ordinal)}).");
        }
    }

    private static bool IsReadOnly(FileInfo info)
    {
        if (OperatingSystem.IsWindows())
        {
            return info.IsReadOnly;
        }

        // As root every file is writable to the OS; a file whose mode grants nobody write was still meant to be kept.
        const UnixFileMode anyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        return (info.UnixFileMode & anyWrite) == 0;
    }
}
