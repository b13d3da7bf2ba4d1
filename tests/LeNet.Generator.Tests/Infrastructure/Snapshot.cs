using System;
using System.IO;
using System.Text.RegularExpressions;
using Xunit;

namespace LeNet.Generator.Tests.Infrastructure;

/// <summary>
/// Compares generated text with a checked-in baseline under Snapshots/. With LENET_UPDATE_SNAPSHOTS=1 it rewrites the
/// baseline in the source tree instead and fails, so an update is never mistaken for a pass.
/// </summary>
internal static partial class Snapshot
{
    public const string UpdateVariable = "LENET_UPDATE_SNAPSHOTS";

    private const string SolutionFile = "LeNetGen.sln";
    private const string ProjectFolder = "tests/LeNet.Generator.Tests";

    /// <summary>The version changes with every build of the generator; a baseline must not.</summary>
    public static string Scrub(string generated) =>
        GeneratedCodeVersion().Replace(TestCompiler.NormalizeLineEndings(generated), "GeneratedCode(\"LeNet.Generator\", \"<version>\")");

    public static void Match(string fileName, string generated)
    {
        string actual = Scrub(generated);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            string target = Path.Combine(FindSolutionDirectory(), ProjectFolder, "Snapshots", fileName);
            File.WriteAllText(target, actual);
            Assert.Fail($"Updated the baseline {fileName}; review the diff and rerun without {UpdateVariable}=1.");
        }

        string baseline = Path.Combine(AppContext.BaseDirectory, "Snapshots", fileName);
        if (!File.Exists(baseline))
        {
            Assert.Fail($"No baseline Snapshots/{fileName}; run the tests once with {UpdateVariable}=1 to create it.");
        }

        string expected = TestCompiler.NormalizeLineEndings(File.ReadAllText(baseline));
        if (expected != actual)
        {
            Assert.Fail($"Generated text differs from Snapshots/{fileName} {FirstDifference(expected, actual)}\n" +
                $"If the change is intended, rerun with {UpdateVariable}=1 and review the diff.");
        }
    }

    private static string FirstDifference(string expected, string actual)
    {
        string[] expectedLines = expected.Split('\n');
        string[] actualLines = actual.Split('\n');
        for (int i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            string? want = i < expectedLines.Length ? expectedLines[i] : null;
            string? got = i < actualLines.Length ? actualLines[i] : null;
            if (want != got)
            {
                return $"at line {i + 1}:\n  expected: {want ?? "<end of file>"}\n  actual:   {got ?? "<end of file>"}";
            }
        }

        return "(no line differs)";
    }

    internal static string FindSolutionDirectory()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No {SolutionFile} above {AppContext.BaseDirectory}; cannot update baselines.");
    }

    [GeneratedRegex("GeneratedCode\\(\"LeNet\\.Generator\", \"[^\"]*\"\\)")]
    private static partial Regex GeneratedCodeVersion();
}
