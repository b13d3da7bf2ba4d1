using System;
using System.IO;
using Xunit;
using LeNet.Sample;

namespace LeNet.Tests;

/// <summary>The README shows generated output; these keep it true.</summary>
public sealed class DocumentationTests
{
    [Fact]
    public void Readme_shows_the_generated_summary_of_the_three_channel_LeNet5()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).Replace("\r\n", "\n");
        Assert.Contains(LeNet5Rgb.Summary.TrimEnd('\n'), readme);
    }

    [Fact]
    public void Every_diagnostic_has_a_documentation_page()
    {
        string root = RepositoryRoot();
        string releases = File.ReadAllText(Path.Combine(root, "src", "LeNet.Generator", "AnalyzerReleases.Unshipped.md"));
        int pages = 0;
        foreach (string line in releases.Split('\n'))
        {
            if (line.StartsWith("LENET", StringComparison.Ordinal))
            {
                string id = line.Split('|')[0].Trim();
                Assert.True(File.Exists(Path.Combine(root, "docs", "diagnostics", id + ".md")), $"docs/diagnostics/{id}.md is missing");
                pages++;
            }
        }

        Assert.True(pages >= 19, $"only {pages} diagnostics listed in AnalyzerReleases.Unshipped.md");
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LeNetGen.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("LeNetGen.sln not found above " + AppContext.BaseDirectory);
    }
}
