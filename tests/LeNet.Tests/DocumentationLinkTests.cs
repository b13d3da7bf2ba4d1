using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace LeNet.Tests;

/// <summary>Every relative link in README.md and docs/ leads to a file that exists, and the docs index lists every page.</summary>
public sealed partial class DocumentationLinkTests
{
    [Fact]
    public void Every_relative_link_in_the_documentation_leads_to_an_existing_file()
    {
        string root = RepositoryRoot();
        var broken = new List<string>();
        foreach (string page in MarkdownPages(root))
        {
            foreach (Match link in MarkdownLink().Matches(File.ReadAllText(page)))
            {
                string target = link.Groups["target"].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                string resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, target));
                if (!File.Exists(resolved) && !Directory.Exists(resolved))
                {
                    broken.Add($"{Path.GetRelativePath(root, page)}: {link.Value}");
                }
            }
        }

        Assert.True(broken.Count == 0, "broken links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void The_docs_index_links_every_page()
    {
        string docs = Path.Combine(RepositoryRoot(), "docs");
        string index = File.ReadAllText(Path.Combine(docs, "README.md"));
        string[] pages = Directory.GetFiles(docs, "*.md").Select(Path.GetFileName).Where(name => name != "README.md").ToArray()!;

        Assert.NotEmpty(pages);
        Assert.All(pages, page => Assert.Contains($"]({page})", index));
        Assert.Contains("](diagnostics/README.md)", index);
    }

    private static IEnumerable<string> MarkdownPages(string root) =>
        Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Append(Path.Combine(root, "README.md"));

    // [text](target) and ![alt](target); the target ends at whitespace or ')'.
    [GeneratedRegex(@"!?\[[^\]]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();

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
