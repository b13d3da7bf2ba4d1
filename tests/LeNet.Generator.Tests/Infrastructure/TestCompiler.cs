extern alias runtime;

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LeNet.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace LeNet.Generator.Tests.Infrastructure;

/// <summary>One generator run: the input and output compilations and what the driver recorded.</summary>
internal sealed record GeneratorRun(CSharpCompilation Input, Compilation Output, GeneratorDriver Driver, GeneratorRunResult Result)
{
    /// <summary>The generated files by hint name, line endings normalised.</summary>
    public IReadOnlyDictionary<string, string> GeneratedSources =>
        Result.GeneratedSources.ToDictionary(s => s.HintName, s => TestCompiler.NormalizeLineEndings(s.SourceText.ToString()), StringComparer.Ordinal);
}

/// <summary>
/// Compiles test sources against the test host's own framework plus LeNet.Runtime, and runs the generator and the
/// analyzer the way a build does, failing on any exception either of them throws.
/// </summary>
internal static class TestCompiler
{
    /// <summary>Latest language and full doc-comment checking, so the generated XML docs are validated too.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    // Every compilation derives from this one, so Roslyn binds the few hundred framework references only once.
    private static readonly Lazy<CSharpCompilation> Empty = new(() => CSharpCompilation.Create(
        "LeNet.Generator.TestInput",
        references: FrameworkReferences(),
        options: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)));

    public static CSharpCompilation Compile(params string[] sources) =>
        Empty.Value.AddSyntaxTrees(sources.Select((source, i) => Parse(source, i)));

    public static SyntaxTree Parse(string source, int index = 0) =>
        CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{index}.cs");

    /// <summary>A driver that tracks every step, given these AdditionalFiles items (weights files, read by path as the compiler passes them).</summary>
    public static GeneratorDriver CreateDriver(params string[] additionalFiles) => CSharpGeneratorDriver.Create(
        new[] { new LeNetGenerator().AsSourceGenerator() },
        additionalFiles.Select(path => (AdditionalText)new BinaryAdditionalText(path)),
        ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator on <paramref name="compilation"/> and fails if it threw or reported anything.</summary>
    public static GeneratorRun Generate(CSharpCompilation compilation, GeneratorDriver? driver = null)
    {
        driver = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> driverDiagnostics);
        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);
        Assert.Null(result.Exception);
        Assert.Empty(driverDiagnostics);
        Assert.Empty(result.Diagnostics);
        return new GeneratorRun(compilation, output, driver, result);
    }

    public static GeneratorRun Generate(params string[] sources) => Generate(Compile(sources));

    /// <summary>
    /// Runs <c>NetworkAnalyzer</c> on <paramref name="compilation"/> and returns its diagnostics, after failing on any
    /// exception it threw (reported through the callback, or as AD0001 if one slipped past).
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation, bool reportSuppressedDiagnostics = false)
    {
        var exceptions = new ConcurrentQueue<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, _, _) => exceptions.Enqueue(exception),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false,
            reportSuppressedDiagnostics: reportSuppressedDiagnostics);
        CompilationWithAnalyzers analysis = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new NetworkAnalyzer()), options);
        ImmutableArray<Diagnostic> diagnostics = await analysis.GetAnalyzerDiagnosticsAsync(CancellationToken.None);

        Assert.True(exceptions.IsEmpty, "NetworkAnalyzer threw:\n" + string.Join("\n\n", exceptions));
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics;
    }

    /// <summary>Compiler errors and warnings, plus the analyzer's findings, of a generator run's output compilation.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AllDiagnosticsAsync(GeneratorRun run)
    {
        ImmutableArray<Diagnostic> analyzer = await AnalyzeAsync(run.Output);
        return run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Concat(analyzer).ToImmutableArray();
    }

    public static string NormalizeLineEndings(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(d => d.ToString()));

    private static ImmutableArray<MetadataReference> FrameworkReferences()
    {
        string trustedAssemblies = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")
            ?? throw new InvalidOperationException("The test host lists no trusted platform assemblies.");
        IEnumerable<string> paths = trustedAssemblies.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(typeof(runtime::LeNet.NetworkAttribute).Assembly.Location);

        // The runtime assembly is usually among the trusted ones already; a second reference to it would be ambiguous.
        return paths.Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }
}
