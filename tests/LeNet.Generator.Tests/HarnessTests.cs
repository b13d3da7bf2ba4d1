using System.Collections.Generic;
using LeNet.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace LeNet.Generator.Tests;

/// <summary>The test helpers can fail: markup finds its spans, the Roslyn-object walk finds what it must, scrubbing keeps the rest.</summary>
public sealed class HarnessTests
{
    [Fact]
    public void Markup_yields_the_clean_source_and_each_span()
    {
        (string source, IReadOnlyList<ExpectedSpan> expected) = Markup.Parse("[Conv(filters: 6, {|LENET002:kernel: 9|})] {|LENET001:Net|}");

        Assert.Equal("[Conv(filters: 6, kernel: 9)] Net", source);
        Assert.Equal(new[] { new ExpectedSpan("LENET002", new TextSpan(18, 9)), new ExpectedSpan("LENET001", new TextSpan(30, 3)) }, expected);
        Assert.Equal("kernel: 9", source.Substring(18, 9));
    }

    [Theory]
    [InlineData("{|LENET002 kernel|}")]
    [InlineData("{|LENET002:kernel")]
    [InlineData("{|LENET002:{|LENET004:kernel|}|}")]
    public void Malformed_markup_is_rejected(string markup) => Assert.Throws<System.FormatException>(() => Markup.Parse(markup));

    [Fact]
    public void Finder_reports_Roslyn_objects_anywhere_in_the_graph()
    {
        SyntaxNode node = SyntaxFactory.IdentifierName("x");
        var graph = (Name: "spec", Items: new object[] { 1, "two", node }, Where: Location.None, Nested: new Holder(null));

        IReadOnlyList<string> found = RoslynObjectFinder.Find(graph, "graph");

        Assert.Equal(3, found.Count);
        Assert.Contains(found, f => f.StartsWith("graph.Item2[2]", System.StringComparison.Ordinal));
        Assert.Contains(found, f => f.StartsWith("graph.Item3", System.StringComparison.Ordinal));
        Assert.Contains(found, f => f.StartsWith("graph.Item4.<Symbol>", System.StringComparison.Ordinal));
    }

    [Fact]
    public void Finder_passes_plain_values()
    {
        var graph = (Name: "spec", Sizes: new[] { 1, 2 }, Nested: new Dictionary<string, string> { ["a"] = "b" });
        Assert.Empty(RoslynObjectFinder.Find(graph, "graph"));
    }

    [Fact]
    public void Scrub_replaces_only_the_generator_version()
    {
        string text = "[global::System.CodeDom.Compiler.GeneratedCode(\"LeNet.Generator\", \"1.2.3.4\")]\r\nclass C { }\r\n";
        Assert.Equal("[global::System.CodeDom.Compiler.GeneratedCode(\"LeNet.Generator\", \"<version>\")]\nclass C { }\n", Snapshot.Scrub(text));
    }

    /// <summary>A model that declares a symbol field, even when it holds nothing.</summary>
    private sealed record Holder(ISymbol? Symbol);
}
