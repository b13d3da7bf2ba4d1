using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using LeNet.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LeNet.Generator.Tests;

/// <summary>
/// Any legal C# name gets a network that compiles: hint names unique ignoring case and free of '@', keywords written
/// back with their '@', networks named like the generator's private helpers, and no network taking another down.
/// </summary>
public sealed class NamingTests
{
    private static string Net(string typeName, string layers = "[Conv(2, 3)][MaxPool(2)][Dense(3)]") => $$"""
        [Network]
        [Input(8, 8)]
        {{layers}}
        public partial class {{typeName}} { }
        """;

    /// <summary>Generates, then fails on any warning or error of the build or the analyzer; returns the hint names.</summary>
    private static async Task<string[]> AssertCompilesCleanlyAsync(params string[] sources)
    {
        GeneratorRun run = TestCompiler.Generate(sources);
        ImmutableArray<Diagnostic> diagnostics = await TestCompiler.AllDiagnosticsAsync(run);
        Assert.True(diagnostics.IsEmpty, TestCompiler.Describe(diagnostics));
        return run.GeneratedSources.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public async Task CaseTwinsInOneNamespaceGetHintNamesUniqueIgnoringCase()
    {
        string[] hints = await AssertCompilesCleanlyAsync($"using LeNet;\nnamespace Demo;\n{Net("CaseNet")}\n{Net("CASENET")}\n{Net("Other")}\n");

        Assert.Equal(new[] { "Demo.CASENET.1.LeNet.g.cs", "Demo.CaseNet.2.LeNet.g.cs", "Demo.Other.LeNet.g.cs" }, hints);
        Assert.Equal(hints.Length, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public async Task ANamespaceAndAContainerThatDifferOnlyInCaseGetDistinctHintNames()
    {
        string[] hints = await AssertCompilesCleanlyAsync(
            $"using LeNet;\nnamespace A.b {{\n{Net("C")}\n}}\nnamespace A {{\ninternal partial class B {{\n{Net("C")}\n}}\n}}\n");

        Assert.Equal(new[] { "A.B.C.2.LeNet.g.cs", "A.b.C.1.LeNet.g.cs" }, hints);
    }

    [Theory]
    [InlineData("namespace @event.@namespace;", "@class", "event.namespace.class.LeNet.g.cs")]
    [InlineData("namespace Demo;", "@record", "Demo.record.LeNet.g.cs")]
    [InlineData("namespace Demo;", "@var", "Demo.var.LeNet.g.cs")]
    [InlineData("namespace @global.@int;", "@partial", "global.int.partial.LeNet.g.cs")]
    [InlineData("", "@static", "static.LeNet.g.cs")]
    public async Task KeywordNamesKeepTheirAtSignInCodeAndLoseItInTheHintName(string ns, string typeName, string hint)
    {
        string[] hints = await AssertCompilesCleanlyAsync($"using LeNet;\n{ns}\n{Net(typeName)}\n");

        Assert.Equal(hint, Assert.Single(hints));
    }

    [Theory]
    [InlineData("Réseau", "Demo.Réseau.LeNet.g.cs")]
    [InlineData("网络", "Demo.网络.LeNet.g.cs")]
    [InlineData("Cafe\u0301", "Demo.Cafe_.LeNet.g.cs")] // a combining mark is legal in an identifier, not in a hint name
    [InlineData("Net\u200D", "Demo.Net.LeNet.g.cs")] // a formatting character (zero-width joiner) is not part of the name
    [InlineData("A\u203FB", "Demo.A_B.LeNet.g.cs")] // and a connecting character other than '_'
    [InlineData("\\u0041Escaped", "Demo.AEscaped.LeNet.g.cs")] // a Unicode escape names the plain letter
    public async Task UnicodeNamesCompileWithAValidHintName(string typeName, string hint)
    {
        string[] hints = await AssertCompilesCleanlyAsync($"using LeNet;\nnamespace Demo;\n{Net(typeName)}\n");

        Assert.Equal(hint, Assert.Single(hints));
    }

    [Fact]
    public async Task NamesThatSanitiseAlikeStillGetDistinctHintNames()
    {
        // Both become Demo.A_B: they are twins like case twins, ranked by their exact names.
        string[] hints = await AssertCompilesCleanlyAsync($"using LeNet;\nnamespace Demo;\n{Net("A_B")}\n{Net("A\u203FB")}\n");

        Assert.Equal(2, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(hints, h => Assert.StartsWith("Demo.A_B.", h, StringComparison.Ordinal));
    }

    [Fact]
    public async Task NestedKeywordNamedTypesCompile()
    {
        string[] hints = await AssertCompilesCleanlyAsync($$"""
            using LeNet;
            namespace @event.@namespace;
            internal partial class @class
            {
                internal partial struct @struct
                {
                    {{Net("@this")}}
                }
            }
            """);

        Assert.Equal("event.namespace.class.struct.this.LeNet.g.cs", Assert.Single(hints));
    }

    [Theory]
    [InlineData("Workspace")] // the private stack buffer's usual name
    [InlineData("StackWorkspace")] // the name it takes instead when the network is called Workspace
    [InlineData("DeclarationError")] // the throwing surface's private constant: only with an error
    [InlineData("Net")] // the kernel class's alias for the network
    [InlineData("LeNet")] // the runtime's namespace, written global:: in the surface
    [InlineData("System")]
    [InlineData("Conv2")] // a layer class name this network does not have
    public async Task NetworksNamedLikePrivateHelpersCompile(string typeName)
    {
        await AssertCompilesCleanlyAsync($"using LeNet;\nnamespace Demo;\n{Net(typeName)}\n");
    }

    [Fact]
    public async Task ANetworkWithErrorsNamedDeclarationErrorHasOnlyItsDiagnostic()
    {
        GeneratorRun run = TestCompiler.Generate($"using LeNet;\nnamespace Demo;\n{Net("DeclarationError", "[Conv(0, 3)][Dense(3)]")}\n");
        ImmutableArray<Diagnostic> diagnostics = await TestCompiler.AllDiagnosticsAsync(run);

        Assert.True(diagnostics.Length > 0 && diagnostics.All(d => d.Id == "LENET004"), TestCompiler.Describe(diagnostics));
    }

    [Fact]
    public async Task EveryNetworkOfAProjectWithHostileNamesIsGenerated()
    {
        // Before: the case twins made AddSource throw, Roslyn reported CS8785 and dropped every file, Plain's too.
        string[] hints = await AssertCompilesCleanlyAsync(
            $"using LeNet;\nnamespace Demo;\n{Net("Plain")}\n{Net("CaseNet")}\n{Net("CASENET")}\n",
            $"using LeNet;\nnamespace @event.@namespace;\n{Net("@class")}\n");

        Assert.Equal(4, hints.Length);
        Assert.Contains("Demo.Plain.LeNet.g.cs", hints);
    }

    [Fact]
    public void HintNamesStayUniqueForManyRandomTwins()
    {
        // Many spellings of one name ignoring case, plus sanitised look-alikes: every hint name distinct ignoring case.
        var random = new Random(1234);
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (names.Count < 40)
        {
            char[] letters = "casenet".Select(c => random.Next(2) == 0 ? char.ToUpperInvariant(c) : c).ToArray();
            names.Add(new string(letters) + (random.Next(4) == 0 ? "\u0301" : string.Empty));
        }

        string source = "using LeNet;\nnamespace Demo;\n" + string.Concat(names.Select(n => Net(n, "[Dense(2)]") + "\n"));
        GeneratorRun run = TestCompiler.Generate(source);

        Assert.Equal(names.Count, run.GeneratedSources.Count);
        Assert.Equal(names.Count, run.GeneratedSources.Keys.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Theory]
    [InlineData(32768, 32768, 1)] // workspace 2^30 floats: training needs 2^31
    [InlineData(46340, 46340, 1)] // workspace 2,147,395,600 floats, just under 2^31
    [InlineData(40000, 40000, 1)]
    public async Task TrainingWorkspacesPastIntRangeAreLenet017NotAnOverflowInGeneratedCode(int height, int width, int filters)
    {
        string source = $"using LeNet;\nnamespace Demo;\n[Network][Input({height}, {width})][Conv({filters}, 1)] public partial class Big {{ }}\n";
        GeneratorRun run = TestCompiler.Generate(source);
        ImmutableArray<Diagnostic> diagnostics = await TestCompiler.AllDiagnosticsAsync(run);

        Diagnostic only = Assert.Single(diagnostics);
        Assert.Equal("LENET017", only.Id);
        Assert.Equal("CONV1: the training workspace (twice the workspace) does not fit in a 32-bit count", only.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AWorkspaceJustUnderHalfOfIntRangeStillCompiles()
    {
        // 32767^2 = 1,073,676,289 floats: twice that is 2,147,352,578, inside int range.
        GeneratorRun run = TestCompiler.Generate("using LeNet;\nnamespace Demo;\n[Network][Input(32767, 32767)][Conv(1, 1)] public partial class Big { }\n");
        ImmutableArray<Diagnostic> diagnostics = await TestCompiler.AllDiagnosticsAsync(run);

        Assert.Equal("LENET011", Assert.Single(diagnostics).Id);
        Assert.Contains("TrainingWorkspaceLength = 2 * WorkspaceLength", run.GeneratedSources.Values.Single(), StringComparison.Ordinal);
    }
}
