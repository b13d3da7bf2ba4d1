using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using LeNet.Generator.Diagnostics;
using LeNet.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LeNet.Generator.Tests;

/// <summary>
/// Keeps docs/diagnostics true: every page's failing example, compiled with the generator and the analyzer, reports the
/// page's ID on the line that says so, and the page's fix compiles without any diagnostic at all.
/// </summary>
public sealed class DocumentationExampleTests
{
    private const string FenceOpen = "```csharp\n";
    private const string FenceClose = "```";

    // The baked-weights diagnostics need a .weights AdditionalFiles item, which a page's code block cannot carry;
    // BakedWeightsTests reports each of them on the Weights argument. Their pages are still checked for message and index.
    private static readonly HashSet<string> NeedAWeightsFile = new(StringComparer.Ordinal) { "LENET021", "LENET022", "LENET023", "LENET024", "LENET025" };

    public static TheoryData<string> DiagnosticIds()
    {
        var ids = new TheoryData<string>();
        foreach (string id in Descriptors.ById.Keys.Where(id => !NeedAWeightsFile.Contains(id)).OrderBy(id => id, StringComparer.Ordinal))
        {
            ids.Add(id);
        }

        return ids;
    }

    [Theory]
    [MemberData(nameof(DiagnosticIds))]
    public async Task The_example_of_each_diagnostic_page_reports_its_id_on_the_marked_line(string id)
    {
        string example = CodeBlockUnder(ReadPage(id), "## Example", id);
        int markedLine = MarkedLine(example, id);

        ImmutableArray<Diagnostic> diagnostics = await DiagnosticsOfAsync(example);

        Diagnostic[] reported = diagnostics.Where(d => d.Id == id).ToArray();
        Assert.True(reported.Length > 0, $"docs/diagnostics/{id}.md: its example does not report {id}; it reports:\n{TestCompiler.Describe(diagnostics)}");
        Assert.Contains(reported, d => d.Location.GetLineSpan().StartLinePosition.Line == markedLine);
    }

    [Theory]
    [MemberData(nameof(DiagnosticIds))]
    public async Task The_fix_of_each_diagnostic_page_compiles_clean(string id)
    {
        string fix = CodeBlockUnder(ReadPage(id), "## Fix", id);

        ImmutableArray<Diagnostic> diagnostics = await DiagnosticsOfAsync(fix);

        Assert.True(diagnostics.IsEmpty, $"docs/diagnostics/{id}.md: its fix still reports:\n{TestCompiler.Describe(diagnostics)}");
    }

    [Fact]
    public void Every_diagnostic_page_is_listed_in_the_index_with_its_title_and_severity()
    {
        string index = ReadDocument("docs", "diagnostics", "README.md");
        foreach (DiagnosticDescriptor descriptor in Descriptors.ById.Values)
        {
            string row = $"| [{descriptor.Id}]({descriptor.Id}.md) | {descriptor.DefaultSeverity} | {descriptor.Title} |";
            Assert.Contains(row, index);
        }
    }

    [Fact]
    public void Every_diagnostic_page_quotes_its_message()
    {
        foreach (DiagnosticDescriptor descriptor in Descriptors.ById.Values)
        {
            string page = ReadPage(descriptor.Id);
            Assert.Contains($"**Message:** `{descriptor.MessageFormat}`", page);
            Assert.Contains($"**Severity:** {descriptor.DefaultSeverity}", page);
        }
    }

    [Fact]
    public void CodeBlockUnder_finds_the_first_block_after_the_heading_and_refuses_a_page_without()
    {
        string page = "# T\n\n```csharp\nbefore\n```\n\n## Example\n\ntext\n\n```csharp\nwanted\n```\n\n```csharp\nlater\n```\n";

        Assert.Equal("wanted\n", CodeBlockUnder(page, "## Example", "T"));
        Assert.Throws<InvalidOperationException>(() => CodeBlockUnder(page, "## Fix", "T"));
    }

    /// <summary>The generator's output compilation: compiler warnings and errors plus the analyzer's findings.</summary>
    private static async Task<ImmutableArray<Diagnostic>> DiagnosticsOfAsync(string source)
    {
        GeneratorRun run = TestCompiler.Generate(source);
        return await TestCompiler.AllDiagnosticsAsync(run);
    }

    /// <summary>The zero-based line of the example that carries the <c>// ID</c> comment.</summary>
    private static int MarkedLine(string example, string id)
    {
        string[] lines = example.Split('\n');
        int[] marked = Enumerable.Range(0, lines.Length).Where(i => lines[i].Contains("// " + id, StringComparison.Ordinal)).ToArray();
        Assert.True(marked.Length == 1, $"docs/diagnostics/{id}.md: its example must mark exactly one line with '// {id}', found {marked.Length}");
        return marked[0];
    }

    internal static string CodeBlockUnder(string page, string heading, string pageName)
    {
        int section = page.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        int open = section < 0 ? -1 : page.IndexOf(FenceOpen, section, StringComparison.Ordinal);
        int close = open < 0 ? -1 : page.IndexOf(FenceClose, open + FenceOpen.Length, StringComparison.Ordinal);
        if (close < 0)
        {
            throw new InvalidOperationException($"{pageName}: expected a ```csharp block under '{heading}', found none.");
        }

        return page.Substring(open + FenceOpen.Length, close - open - FenceOpen.Length);
    }

    private static string ReadPage(string id) => ReadDocument("docs", "diagnostics", id + ".md");

    private static string ReadDocument(params string[] relativePath)
    {
        string path = Path.Combine(new[] { RepositoryRoot() }.Concat(relativePath).ToArray());
        return TestCompiler.NormalizeLineEndings(File.ReadAllText(path));
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
