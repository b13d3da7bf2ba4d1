using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using LeNet.Generator.Diagnostics;
using LeNet.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace LeNet.Generator.Tests;

/// <summary>
/// [Network(Weights = "...")]: the named AdditionalFiles item is checked against the network (a diagnostic on the
/// Weights argument naming both sides for each mismatch) and baked in as TrainedParameters, bit for bit, with the
/// file read once and kept cached across unrelated edits.
/// </summary>
public sealed partial class BakedWeightsTests : IDisposable
{
    private const int ParameterCount = 38;

    private const string Source = """
        using LeNet;

        namespace Demo;

        [Network(Weights = "tiny.weights")]
        [Input(height: 4, width: 4)]
        [Conv(filters: 2, kernel: 3, Activation = Activation.ReLU)]
        [Dense(2, Activation = Activation.Softmax)]
        public partial class Tiny { }

        /// <summary>Uses the baked members.</summary>
        public static class Use
        {
            /// <summary>Reads two baked values.</summary>
            public static float First() => Tiny.CreateTrained().Parameters[0] + Tiny.TrainedParameters[1];
        }
        """;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lenet-bake-" + Guid.NewGuid().ToString("N")[..12]);

    public BakedWeightsTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_matching_file_is_baked_bit_for_bit_with_no_diagnostic()
    {
        float[] parameters = Parameters();
        string path = Write("tiny.weights", WeightsFileTests.Build(Fingerprint(), parameters));

        GeneratorRun run = Generate(Source, path);

        string baked = run.GeneratedSources["Demo.Tiny.Weights.g.cs"];
        int[] literals = LiteralPattern().Matches(baked[baked.IndexOf("new uint[]", StringComparison.Ordinal)..])
            .Select(m => unchecked((int)uint.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture))).ToArray();
        Assert.Equal(parameters.Select(BitConverter.SingleToInt32Bits), literals);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Empty(await Analyze(run.Output, path));
    }

    [Fact]
    public async Task A_missing_file_is_an_error_on_the_argument_naming_what_the_project_has()
    {
        string other = Write("other.weights", WeightsFileTests.Build(Fingerprint(), Parameters()));

        GeneratorRun run = Generate(Source, other);
        Diagnostic diagnostic = Assert.Single(await Analyze(run.Output, other));

        AssertOnWeightsArgument(diagnostic, "LENET021", "Tiny: Weights = \"tiny.weights\" must name one AdditionalFiles item ending in .weights; found none among other.weights");
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public async Task A_checkpoint_instead_of_a_weights_file_is_an_error_naming_both_magics()
    {
        byte[] bytes = WeightsFileTests.Build(Fingerprint(), Parameters());
        "LENETCKP"u8.CopyTo(bytes);
        string path = Write("tiny.weights", bytes);

        Diagnostic diagnostic = Assert.Single(await Analyze(Generate(Source, path).Output, path));

        AssertOnWeightsArgument(diagnostic, "LENET022", "Tiny: 'tiny.weights' is not a weights file: expected magic 'LENETWTS' (a weights file), found 'LENETCKP'");
    }

    [Fact]
    public async Task Weights_of_another_architecture_are_an_error_naming_both_fingerprints()
    {
        string path = Write("tiny.weights", WeightsFileTests.Build(0x1234UL, Parameters()));

        Diagnostic diagnostic = Assert.Single(await Analyze(Generate(Source, path).Output, path));

        AssertOnWeightsArgument(diagnostic, "LENET023",
            $"Tiny: 'tiny.weights' holds weights of architecture 0x0000000000001234; Tiny is architecture 0x{Fingerprint():X16}");
    }

    [Fact]
    public async Task Weights_of_another_size_are_an_error_naming_both_counts()
    {
        string path = Write("tiny.weights", WeightsFileTests.Build(Fingerprint(), new float[ParameterCount + 1]));

        Diagnostic diagnostic = Assert.Single(await Analyze(Generate(Source, path).Output, path));

        AssertOnWeightsArgument(diagnostic, "LENET024", "Tiny: 'tiny.weights' holds 39 parameters; Tiny has 38");
    }

    [Fact]
    public async Task A_corrupted_file_is_an_error_naming_both_checksums()
    {
        byte[] bytes = WeightsFileTests.Build(Fingerprint(), Parameters());
        bytes[30] ^= 1;
        string path = Write("tiny.weights", bytes);
        ulong stored = BitConverter.ToUInt64(bytes, bytes.Length - 8);
        ulong computed = System.IO.Hashing.XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8));

        GeneratorRun run = Generate(Source, path);
        Diagnostic diagnostic = Assert.Single(await Analyze(run.Output, path));

        AssertOnWeightsArgument(diagnostic, "LENET025", $"Tiny: 'tiny.weights' is corrupted: its stored checksum is 0x{stored:X16}, its bytes hash to 0x{computed:X16}");

        // Code that uses the baked members compiles; they throw, naming the diagnostic.
        Assert.Contains("LENET025", run.GeneratedSources["Demo.Tiny.Weights.g.cs"], StringComparison.Ordinal);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    /// <summary>
    /// For each baked-weights diagnostic: code that uses every member of the network (Forward, Predict, ClassOf, LossOf,
    /// Summary, each nested layer class, TrainedParameters and CreateTrained) compiles, and that diagnostic is the only
    /// one in the build (the same promise OnlyItsDiagnosticTests checks for the declaration's diagnostics).
    /// </summary>
    [Theory]
    [InlineData("LENET021")]
    [InlineData("LENET022")]
    [InlineData("LENET023")]
    [InlineData("LENET024")]
    [InlineData("LENET025")]
    public async Task Code_using_every_member_compiles_with_only_the_weights_diagnostic(string expectedId)
    {
        byte[] bytes = expectedId switch
        {
            "LENET023" => WeightsFileTests.Build(0x1234UL, Parameters()),
            "LENET024" => WeightsFileTests.Build(Fingerprint(), new float[ParameterCount + 1]),
            _ => WeightsFileTests.Build(Fingerprint(), Parameters()),
        };
        if (expectedId == "LENET022")
        {
            "LENETCKP"u8.CopyTo(bytes);
        }
        else if (expectedId == "LENET025")
        {
            bytes[30] ^= 1;
        }

        string path = Write(expectedId == "LENET021" ? "other.weights" : "tiny.weights", bytes);
        const string Probe = """
            namespace Demo.Usage;

            internal static class Probe
            {
                public static float Use(float[] input, float[] output, float[] workspace)
                {
                    var network = Demo.Tiny.CreateTrained();
                    network.Forward(input, output, workspace);
                    float sum = network.Predict(input) + Demo.Tiny.ClassOf(output) + Demo.Tiny.LossOf(output, 0) + Demo.Tiny.Summary.Length;
                    sum += Demo.Tiny.Conv1.OutputLength + Demo.Tiny.Conv1.WeightOffset + Demo.Tiny.Fc2.OutputLength + Demo.Tiny.Fc2.ParameterCount;
                    return sum + Demo.Tiny.TrainedParameters[0];
                }
            }
            """;

        GeneratorRun run = Generate(new[] { Source, Probe }, path);
        ImmutableArray<Diagnostic> analyzer = await Analyze(run.Output, path);
        Diagnostic[] all = run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Concat(analyzer).ToArray();

        Assert.True(all.Length > 0 && all.All(d => d.Id == expectedId), $"Expected only {expectedId}:\n{TestCompiler.Describe(all)}");
    }

    [Fact]
    public void An_unrelated_edit_does_not_read_the_weights_again()
    {
        string path = Write("tiny.weights", WeightsFileTests.Build(Fingerprint(), Parameters()));
        CSharpCompilation compilation = TestCompiler.Compile(Source);
        GeneratorDriver driver = Driver(path).RunGenerators(compilation);

        GeneratorDriver second = driver.RunGenerators(compilation.AddSyntaxTrees(TestCompiler.Parse("namespace Demo; internal sealed class Unrelated { }", 1)));

        GeneratorRunResult result = Assert.Single(second.GetRunResult().Results);
        IncrementalGeneratorRunStep read = Assert.Single(result.TrackedSteps[TrackingNames.ReadWeights]);
        Assert.All(read.Outputs, output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        IncrementalGeneratorRunStep bake = Assert.Single(result.TrackedSteps[TrackingNames.BakeWeights]);
        Assert.All(bake.Outputs, output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
    }

    private static void AssertOnWeightsArgument(Diagnostic diagnostic, string id, string message)
    {
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(message, diagnostic.GetMessage(CultureInfo.InvariantCulture));
        Assert.Equal("Weights = \"tiny.weights\"", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.True(Descriptors.ById.ContainsKey(id));
    }

    private static float[] Parameters()
    {
        // Negative zero, a subnormal and a value with no short decimal form: the literals must still give these bits.
        float[] values = Enumerable.Range(0, ParameterCount).Select(i => (float)Math.Sin(i + 1) / 3).ToArray();
        values[2] = -0f;
        values[3] = float.Epsilon;
        values[4] = 0.1f + 0.2f;
        return values;
    }

    /// <summary>The network's fingerprint, read from its generated constant.</summary>
    private static ulong Fingerprint()
    {
        GeneratorRun run = TestCompiler.Generate(Source.Replace("(Weights = \"tiny.weights\")", "", StringComparison.Ordinal).Replace("Tiny.CreateTrained().Parameters[0] + Tiny.TrainedParameters[1]", "0", StringComparison.Ordinal));
        Match match = FingerprintPattern().Match(run.GeneratedSources["Demo.Tiny.LeNet.g.cs"]);
        Assert.True(match.Success);
        return ulong.Parse(match.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static GeneratorDriver Driver(params string[] additionalFiles) => TestCompiler.CreateDriver(additionalFiles);

    private static GeneratorRun Generate(string source, params string[] additionalFiles) => Generate(new[] { source }, additionalFiles);

    private static GeneratorRun Generate(string[] sources, params string[] additionalFiles)
    {
        CSharpCompilation compilation = TestCompiler.Compile(sources);
        GeneratorDriver driver = Driver(additionalFiles).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);
        Assert.Null(result.Exception);
        Assert.Empty(diagnostics);
        return new GeneratorRun(compilation, output, driver, result);
    }

    private static async Task<ImmutableArray<Diagnostic>> Analyze(Compilation compilation, params string[] additionalFiles)
    {
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(additionalFiles.Select(path => (AdditionalText)new BinaryAdditionalText(path)).ToImmutableArray()),
            (exception, _, _) => exceptions.Add(exception), concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        ImmutableArray<Diagnostic> diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        Assert.Empty(exceptions);
        return diagnostics;
    }

    [GeneratedRegex(@"0x([0-9A-F]{8}),")]
    private static partial Regex LiteralPattern();

    [GeneratedRegex(@"Fingerprint = 0x([0-9A-F]{16})UL")]
    private static partial Regex FingerprintPattern();
}
