using System;
using System.IO;

namespace LeNet.Sample;

/// <summary>
/// Where this repository keeps MNIST: the folder named by <see cref="Variable"/> (<c>LENET_MNIST_DIR</c>) when it is
/// set, otherwise <c>../shared/data/mnist</c> beside the repository. This is the sample's and the tests' convention,
/// not the library's: <see cref="Mnist.Load"/> takes any folder.
/// </summary>
/// <remarks>The test projects compile this file too, so the sample and the data tests look in the same place.</remarks>
internal static class MnistDirectory
{
    /// <summary>The environment variable that names the folder holding the MNIST files.</summary>
    public const string Variable = "LENET_MNIST_DIR";

    /// <summary>
    /// The folder where MNIST is expected: the value of <see cref="Variable"/> when it is set; otherwise
    /// <c>../shared/data/mnist</c> beside the repository, found by walking up from <see cref="AppContext.BaseDirectory"/>
    /// to the folder holding <c>LeNetGen.sln</c>; when there is none, <c>../shared/data/mnist</c> relative to the
    /// current directory. Always a full path; it may not exist.
    /// </summary>
    public static string Default() =>
        Default(Environment.GetEnvironmentVariable(Variable), AppContext.BaseDirectory, Directory.GetCurrentDirectory());

    /// <summary>The logic of <see cref="Default()"/>, with its inputs passed in (for tests).</summary>
    public static string Default(string? variable, string baseDirectory, string currentDirectory)
    {
        if (!string.IsNullOrWhiteSpace(variable))
        {
            return Path.GetFullPath(variable, currentDirectory);
        }

        for (DirectoryInfo? directory = new(Path.GetFullPath(baseDirectory)); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LeNetGen.sln")))
            {
                return Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "data", "mnist"));
            }
        }
        return Path.GetFullPath(Path.Combine("..", "shared", "data", "mnist"), currentDirectory);
    }

    /// <summary>
    /// <see cref="Mnist.MissingDataMessage"/> for <paramref name="directory"/> followed by how to provide the data here:
    /// why that folder was searched and the two ways to point the sample and the tests at the files.
    /// </summary>
    /// <param name="directory">The folder that was searched.</param>
    public static string MissingDataMessage(string directory) =>
        MissingDataMessage(directory, Environment.GetEnvironmentVariable(Variable));

    /// <summary>The logic of <see cref="MissingDataMessage(string)"/>, with the variable's value passed in (for tests).</summary>
    public static string MissingDataMessage(string directory, string? variable)
    {
        string fullPath = Path.GetFullPath(directory);
        string why = !string.IsNullOrWhiteSpace(variable) && SamePath(fullPath, Path.GetFullPath(variable))
            ? $"That folder is named by {Variable}.\n"
            : string.IsNullOrWhiteSpace(variable) && SamePath(fullPath, Default(null, AppContext.BaseDirectory, Directory.GetCurrentDirectory()))
                ? $"{Variable} is not set, so that folder is ../shared/data/mnist beside the repository.\n"
                : "";
        return Mnist.MissingDataMessage(directory) + "\n" + why
            + $"Provide the files by setting the {Variable} environment variable to a folder that holds them, or by placing them in "
            + "../shared/data/mnist (the folder shared/data/mnist next to the repository folder that holds LeNetGen.sln).";
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(a), Path.TrimEndingDirectorySeparator(b),
            OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
