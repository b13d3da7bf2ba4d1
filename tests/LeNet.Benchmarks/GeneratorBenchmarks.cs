using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using BenchmarkDotNet.Attributes;
using LeNet.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace LeNet.Benchmarks;

/// <summary>
/// Generator time for the sample's two networks: a fresh driver run over a compilation of the sample's Networks.cs with
/// its weights file as an AdditionalFiles item, as the sample's build does (parse, check and emit both networks, bake
/// LeNet5's 61,706 parameters, and the driver's parse of the generated files). The JIT is warm here; a compiler process
/// that loads the generator for one build also pays for compiling it (docs/generator-time.md).
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _compilation = null!;
    private ImmutableArray<AdditionalText> _weights;

    [GlobalSetup]
    public void Setup()
    {
        using Stream stream = typeof(GeneratorBenchmarks).Assembly.GetManifestResourceStream("SampleNetworks.cs")
            ?? throw new InvalidOperationException("Expected the embedded resource SampleNetworks.cs, found none.");
        using var reader = new StreamReader(stream);
        string source = reader.ReadToEnd();
        string trusted = (string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")
            ?? throw new InvalidOperationException("Expected the host to list its trusted platform assemblies, found none.");
        MetadataReference[] references = trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(typeof(NetworkAttribute).Assembly.Location)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray();
        _compilation = CSharpCompilation.Create(
            "SampleNetworks",
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview)) },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        string weights = Path.Combine(Path.GetDirectoryName(typeof(GeneratorBenchmarks).Assembly.Location)!, "lenet5-mnist.weights");
        if (!File.Exists(weights))
        {
            throw new InvalidOperationException($"Expected the sample's weights file beside the benchmarks at {weights}, found none.");
        }

        _weights = ImmutableArray.Create<AdditionalText>(new FileAdditionalText(weights));
    }

    /// <summary>What a cold build pays: a new driver, so nothing is cached.</summary>
    [Benchmark]
    public int DriverRun()
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new[] { new LeNetGenerator().AsSourceGenerator() }, _weights).RunGenerators(_compilation);
        GeneratorDriverRunResult result = driver.GetRunResult();
        return result.GeneratedTrees.Sum(tree => tree.Length);
    }

    /// <summary>An AdditionalFiles item; the generator reads a weights file's bytes from its path, never its text.</summary>
    private sealed class FileAdditionalText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override SourceText? GetText(CancellationToken cancellationToken = default) => null;
    }
}
