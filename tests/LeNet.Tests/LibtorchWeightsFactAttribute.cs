using System;
using System.IO;
using Xunit;

namespace LeNet.Tests;

/// <summary>
/// A fact about the LeNet-5 that libtorch trained, kept in shared/data/libtorch-lenet5 beside the repository (not in it).
/// Skipped with a message saying where to put it when it is missing, except under CI=true, where it runs and fails.
/// </summary>
public sealed class LibtorchWeightsFactAttribute : FactAttribute
{
    /// <summary>Skips the test when the fixture is missing, unless running on CI.</summary>
    public LibtorchWeightsFactAttribute()
    {
        bool available = File.Exists(Path.Combine(Directory, "params.bin"));
        bool onCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        Skip = available || onCi
            ? null
            : $"The libtorch LeNet-5 is not at {Directory}: put the shared/ folder (data/libtorch-lenet5 with params.txt, params.bin, inputs.bin, outputs.bin) beside the repository.";
    }

    /// <summary>shared/data/libtorch-lenet5 in the nearest folder above the test binaries that has one.</summary>
    public static string Directory
    {
        get
        {
            for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, "shared", "data", "libtorch-lenet5");
                if (System.IO.Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            return Path.GetFullPath(Path.Combine("..", "shared", "data", "libtorch-lenet5"));
        }
    }
}
