using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace LeNet.Sample.Data;

/// <summary>
/// Where the sample looks for MNIST: the folder given with --data (only there, when given), else
/// <c>$LENET_MNIST_DIR</c>, the user's cache folder (where <c>download</c> puts it), then <c>../shared/data/mnist</c>
/// beside the repository.
/// </summary>
internal static class DataLocator
{
    /// <summary>The folder <c>download</c> fills by default: <c>$XDG_CACHE_HOME/lenetgen/mnist</c>, else <c>~/.cache/lenetgen/mnist</c> (Local AppData on Windows).</summary>
    public static string CacheDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "LeNetGen", "mnist");
        }

        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string cache = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "lenetgen", "mnist");
    }

    /// <summary>The folders to try, in order, each with why it is on the list.</summary>
    public static IReadOnlyList<(string Directory, string Reason)> Candidates(string? dataOption)
    {
        if (dataOption is not null)
        {
            return [(Path.GetFullPath(dataOption), "--data")];
        }

        var candidates = new List<(string, string)>();
        string? variable = Environment.GetEnvironmentVariable(Mnist.DirectoryVariable);
        if (!string.IsNullOrWhiteSpace(variable))
        {
            candidates.Add((Path.GetFullPath(variable), "$" + Mnist.DirectoryVariable));
        }

        candidates.Add((CacheDirectory(), "the user cache folder"));
        if (SharedDirectory() is { } shared)
        {
            candidates.Add((shared, "../shared/data/mnist beside the repository"));
        }

        return candidates;
    }

    /// <summary>The first candidate that holds all four files, or null.</summary>
    public static string? Find(string? dataOption)
    {
        foreach ((string directory, _) in Candidates(dataOption))
        {
            if (Mnist.IsAvailable(directory))
            {
                return directory;
            }
        }

        return null;
    }

    /// <summary>Where it looked, what is needed and how to get it.</summary>
    public static string NotFoundMessage(string? dataOption)
    {
        var text = new StringBuilder("MNIST data not found. Looked in:\n");
        foreach ((string directory, string reason) in Candidates(dataOption))
        {
            text.Append("  ").Append(directory).Append(" (").Append(reason).Append(")\n");
        }

        text.Append("Each needs the four files ").Append(string.Join(", ", Mnist.FileNames)).Append(".\n");
        string target = dataOption ?? CacheDirectory();
        text.Append("Run 'LeNet.Sample download").Append(dataOption is null ? "" : $" --to {dataOption}")
            .Append("' to fetch them (about 11 MB) into ").Append(Path.GetFullPath(target))
            .Append(", or 'LeNet.Sample train --download").Append(dataOption is null ? "" : $" --data {dataOption}")
            .Append("' to fetch and train in one go.");
        return text.ToString();
    }

    /// <summary><c>../shared/data/mnist</c> next to the folder holding LeNetGen.sln above the program, or null outside a clone.</summary>
    private static string? SharedDirectory()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (DirectoryInfo? directory = new(Path.GetFullPath(start)); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "LeNetGen.sln")))
                {
                    return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "data", "mnist"));
                }
            }
        }

        return null;
    }
}
