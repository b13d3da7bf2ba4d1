using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace LeNet.Runtime.Tests.Infrastructure;

/// <summary>Makes special files (FIFOs, device nodes) with the system's own tools, for the tests of non-regular paths.</summary>
internal static class UnixFiles
{
    /// <summary>Creates a FIFO at <paramref name="path"/> with mkfifo(1).</summary>
    public static string Fifo(string path)
    {
        Run("mkfifo", path);
        return path;
    }

    /// <summary>Creates a character device node like /dev/null (major 1, minor 3) at <paramref name="path"/>; needs root.</summary>
    public static string NullDevice(string path)
    {
        Run("mknod", path, "c", "1", "3");
        return path;
    }

    /// <summary>True when the process runs as root, so device nodes can be made and permission bits do not stop writes.</summary>
    public static bool IsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";

    private static void Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} failed: {error}");
        Assert.True(File.Exists(arguments[0]), $"{tool} did not create {arguments[0]}");
    }
}
