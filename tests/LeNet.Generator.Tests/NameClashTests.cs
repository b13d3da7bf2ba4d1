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
/// LENET020: a network named like a public member or layer class the generator writes into it gets that one
/// diagnostic, on its identifier, and no pile of CS0542 errors from the generated file.
/// </summary>
public sealed class NameClashTests
{
    [Theory]
    [InlineData("Conv1", "[Conv(2, 3)][MaxPool(2)][Dense(3)]", "the nested class of one of its layers")]
    [InlineData("Pool1", "[Conv(2, 3)][MaxPool(2)][Dense(3)]", "the nested class of one of its layers")]
    [InlineData("Fc2", "[Conv(2, 3)][MaxPool(2)][Dense(3)]", "the nested class of one of its layers")]
    [InlineData("Pool1b", "[Conv(2, 3)][MaxPool(2)][MaxPool(1)][Dense(3)]", "the nested class of one of its layers")]
    [InlineData("Workspace", "", "")] // not a clash: the private buffer renames itself
    [InlineData("Summary", "[Dense(3)]", "a generated member")]
    [InlineData("Parameters", "[Dense(3)]", "a generated member")]
    [InlineData("Forward", "[Dense(3)]", "a generated member")]
    [InlineData("InputLength", "[Dense(3)]", "a generated member")]
    [InlineData("TrainingWorkspaceLength", "[Dense(3)]", "a generated member")]
    [InlineData("_parameters", "[Dense(3)]", "a generated member")]
    public async Task NetworkNamedLikeAGeneratedMemberIsReportedOnItsIdentifierAlone(string typeName, string layers, string what)
    {
        bool clash = what.Length > 0;
        string declaration = clash ? $"{{|LENET020:{typeName}|}}" : typeName;
        string markup = $"using LeNet;\nnamespace Demo;\n[Network]\n[Input(8, 8)]\n{(layers.Length > 0 ? layers : "[Dense(3)]")}\npublic partial class {declaration} {{ }}\n";
        (string source, IReadOnlyList<ExpectedSpan> expected) = Markup.Parse(markup);

        GeneratorRun run = TestCompiler.Generate(source);
        ImmutableArray<Diagnostic> diagnostics = await TestCompiler.AllDiagnosticsAsync(run);

        if (!clash)
        {
            Assert.True(diagnostics.IsEmpty, TestCompiler.Describe(diagnostics));
            return;
        }

        Diagnostic only = Assert.Single(diagnostics);
        Assert.Equal("LENET020", only.Id);
        Assert.Equal(expected.Single().Span, only.Location.SourceSpan);
        Assert.Equal("Source0.cs", only.Location.SourceTree?.FilePath);
        Assert.Equal(
            $"Network type '{typeName}' has the name of {what} '{typeName}' that LeNetGen generates inside it, which C# forbids (a member may not be named like its type); rename the type",
            only.GetMessage(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task EveryPartialDeclarationOfTheClashingTypeIsMarked()
    {
        (string source, IReadOnlyList<ExpectedSpan> expected) = Markup.Parse("""
            using LeNet;
            [Network]
            [Input(8, 8)]
            [Dense(3)]
            public partial class {|LENET020:Loss|} { }
            public partial class {|LENET020:Loss|} { }
            """);

        ImmutableArray<Diagnostic> diagnostics = await TestCompiler.AnalyzeAsync(TestCompiler.Generate(source).Output);

        Assert.Equal(expected.Select(e => e.Span), diagnostics.Select(d => d.Location.SourceSpan).OrderBy(s => s.Start));
        Assert.All(diagnostics, d => Assert.Equal("LENET020", d.Id));
    }

    [Fact]
    public async Task PragmaSuppressesLenet020()
    {
        const string declaration = "[Network]\n[Input(8, 8)]\n[Conv(2, 3)]\n[Dense(3)]\npublic partial class Conv1 { }";

        // Without the pragma the diagnostic is there, so its absence below is the pragma's doing.
        ImmutableArray<Diagnostic> plain = await TestCompiler.AnalyzeAsync(TestCompiler.Generate("using LeNet;\n" + declaration).Output);
        Assert.Equal("LENET020", Assert.Single(plain).Id);

        Compilation output = TestCompiler.Generate($"using LeNet;\n#pragma warning disable LENET020\n{declaration}\n#pragma warning restore LENET020\n").Output;
        Assert.Empty(await TestCompiler.AnalyzeAsync(output));
        Diagnostic hidden = Assert.Single(await TestCompiler.AnalyzeAsync(output, reportSuppressedDiagnostics: true));
        Assert.Equal("LENET020", hidden.Id);
        Assert.True(hidden.IsSuppressed);
    }

    [Fact]
    public async Task CodeUsingTheOtherMembersOfAClashingNetworkCompiles()
    {
        GeneratorRun run = TestCompiler.Generate(TestCompiler.Compile(
            "using LeNet;\nnamespace Demo;\n[Network][Input(8, 8)][Conv(2, 3)][Dense(3)] public partial class Fc2 { }\n",
            """
            namespace Demo;
            internal static class Probe
            {
                public static int Use(Fc2 network, float[] input, float[] output, float[] workspace)
                {
                    network.Forward(input, output, workspace);
                    return network.Predict(input) + Fc2.Conv1.OutputLength + Fc2.Summary.Length + Fc2.ClassCount;
                }
            }
            """));
        ImmutableArray<Diagnostic> diagnostics = await TestCompiler.AllDiagnosticsAsync(run);

        Assert.True(diagnostics.Length > 0 && diagnostics.All(d => d.Id == "LENET020"), TestCompiler.Describe(diagnostics));
    }
}
