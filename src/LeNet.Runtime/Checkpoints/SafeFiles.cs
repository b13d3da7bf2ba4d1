using System;
using System.Globalization;
using System.IO;

namespace LeNet;

/// <summary>
/// The one place where the runtime opens files it reads and replaces files it writes: checkpoints, weights and IDX
/// files. Reading refuses anything but a regular file before opening it (a FIFO would block, a device never ends);
/// writing goes through a temporary file and an atomic rename, refuses targets it must not replace, keeps the mode of
/// the file it replaces, and cleans up the temporaries of earlier saves that were killed.
/// </summary>
internal static class SafeFiles
{
    private const string TemporarySuffix = ".tmp";
    private const int GuidLength = 32;

    /// <summary>
    /// Opens <paramref name="path"/> for reading after checking that it is a regular file (links are followed).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file should be, for messages: "Checkpoint", "IDX file".</param>
    /// <param name="refuse">Builds the caller's exception for a path that is not a regular file.</param>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="path"/>, or a folder on the way is missing.</exception>
    public static FileStream OpenForReading(string path, string what, Func<string, Exception> refuse)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        FileKind kind = NativeFiles.Kind(path, followLinks: true);
        if (kind == FileKind.Missing)
        {
            throw NotFound(path, what);
        }

        if (kind != FileKind.Regular)
        {
            throw refuse($"not a regular file: it is {NativeFiles.Describe(kind)}");
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw NotFound(path, what, e);
        }
    }

    /// <summary>
    /// Checks that <see cref="WriteAtomically"/> could save to <paramref name="path"/> now, without touching any file
    /// there: the path names a file, its folder exists and takes new files, and what is at the path (after links) is
    /// missing or a writable regular file.
    /// </summary>
    /// <returns>The file that a save would replace: <paramref name="path"/> made absolute, links resolved.</returns>
    public static string EnsureWritable(string path, string what)
    {
        string target = CheckTarget(path, what, out _);
        string folder = Path.GetDirectoryName(target)!;
        string probe = TemporaryPath(folder, Path.GetFileName(target));
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed(path, what, e, probe);
        }

        return target;
    }

    /// <summary>
    /// Writes <paramref name="contents"/> to <paramref name="path"/> so that the path holds either its old contents or the
    /// complete new ones, whatever happens: a temporary file in the same folder, flushed to disk, renamed over the
    /// target, then the folder flushed so the new name survives a power loss.
    /// </summary>
    public static void WriteAtomically(string path, string what, ReadOnlySpan<byte> contents)
    {
        string target = CheckTarget(path, what, out UnixFileMode? mode);
        string folder = Path.GetDirectoryName(target)!;
        string name = Path.GetFileName(target);
        string temporary = TemporaryPath(folder, name);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                if (mode is UnixFileMode keep && !OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(stream.SafeFileHandle, keep);
                }

                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw Failed(path, what, e, temporary);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }

        NativeFiles.SyncFolder(folder);
        RemoveStaleTemporaries(folder, name);
    }

    /// <summary>
    /// Deletes the temporaries that saves of <paramref name="name"/> left in <paramref name="folder"/> when they were killed.
    /// A save holds its temporary open with an exclusive lock until the rename, so one that is still being written (by
    /// another thread or process) cannot be locked here and is left alone.
    /// </summary>
    internal static void RemoveStaleTemporaries(string folder, string name)
    {
        try
        {
            foreach (string file in Directory.EnumerateFiles(folder, "." + name + ".*" + TemporarySuffix))
            {
                if (!IsTemporaryOf(Path.GetFileName(file), name))
                {
                    continue;
                }

                try
                {
                    using (new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose))
                    {
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Locked by a save in progress, or not ours to delete.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the save itself succeeded.
        }
    }

    /// <summary>True for exactly the names <see cref="TemporaryPath"/> makes for <paramref name="name"/>: ".name.&lt;32 hex&gt;.tmp".</summary>
    internal static bool IsTemporaryOf(string fileName, string name)
    {
        int length = 1 + name.Length + 1 + GuidLength + TemporarySuffix.Length;
        if (fileName.Length != length || fileName[0] != '.' || !fileName.AsSpan(1).StartsWith(name, StringComparison.Ordinal)
            || fileName[1 + name.Length] != '.' || !fileName.EndsWith(TemporarySuffix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (char c in fileName.AsSpan(2 + name.Length, GuidLength))
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string TemporaryPath(string folder, string name) =>
        Path.Combine(folder, $".{name}.{Guid.NewGuid():N}{TemporarySuffix}");

    /// <summary>The checks shared by saving and <see cref="EnsureWritable"/>; returns the file to replace and its mode.</summary>
    private static string CheckTarget(string path, string what, out UnixFileMode? mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        mode = null;
        string fullPath = Path.GetFullPath(path);
        if (Path.GetFileName(fullPath).Length == 0)
        {
            throw new ArgumentException($"Expected a file path for the {what}, got the folder '{path}'.", nameof(path));
        }

        // A link is followed on purpose: the file it points to is replaced and the link keeps pointing to it.
        string target = fullPath;
        if (NativeFiles.Kind(fullPath, followLinks: false) == FileKind.SymbolicLink)
        {
            try
            {
                target = File.ResolveLinkTarget(fullPath, returnFinalTarget: true)?.FullName ?? fullPath;
            }
            catch (IOException e)
            {
                throw new IOException($"Cannot save {what} '{path}': its symbolic link cannot be followed: {e.Message}", e);
            }
        }

        string folder = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Cannot save {what} '{path}': the folder '{folder}' does not exist.");
        }

        FileKind kind = NativeFiles.Kind(target, followLinks: true);
        if (kind == FileKind.Missing)
        {
            return target;
        }

        if (kind != FileKind.Regular)
        {
            throw new IOException($"Cannot save {what} '{path}': not a regular file: it is {NativeFiles.Describe(kind)}. "
                + "Saving replaces the file, so the path must be a regular file, a link to one, or a new name.");
        }

        if (OperatingSystem.IsWindows())
        {
            if ((File.GetAttributes(target) & FileAttributes.ReadOnly) != 0)
            {
                throw new UnauthorizedAccessException($"Cannot save {what} '{path}': the file is read-only.");
            }
        }
        else
        {
            UnixFileMode existing = File.GetUnixFileMode(target);
            if ((existing & UnixFileMode.UserWrite) == 0)
            {
                string octal = Convert.ToString((int)existing, 8).PadLeft(3, '0');
                throw new UnauthorizedAccessException($"Cannot save {what} '{path}': the file is read-only (mode {octal}); make it writable or save elsewhere.");
            }

            mode = existing;
        }

        return target;
    }

    private static Exception Failed(string path, string what, Exception error, string temporary)
    {
        string reason = error.Message.Replace(temporary, "a new file in its folder", StringComparison.Ordinal).TrimEnd('.');
        string message = $"Cannot save {what} '{path}': {reason}.";
        return error is UnauthorizedAccessException ? new UnauthorizedAccessException(message, error) : new IOException(message, error);
    }

    private static FileNotFoundException NotFound(string path, string what, Exception? inner = null)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        string detail = folder is not null && !Directory.Exists(folder) ? $" (its folder '{folder}' does not exist either)" : "";
        return new FileNotFoundException(string.Create(CultureInfo.InvariantCulture, $"{what} '{path}' does not exist{detail}."), path, inner);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original exception is the one worth reporting; the next save removes it.
        }
    }
}
