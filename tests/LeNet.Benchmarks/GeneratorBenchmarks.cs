using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using LeNet.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LeNet.Benchmarks;

/// <summary>
/// Generator time for the sample's two networks: a fresh driver run over a compilation of the sample's Networks.cs,
/// as a cold build does (parse, check and emit both files), and the emit step alone.
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private CSharpCompilation _compilation = null!;

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
    }

    /// <summary>What a cold build pays: a new driver, so nothing is cached.</summary>
    [Benchmark]
    public int DriverRun()
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create(new LeNetGenerator()).RunGenerators(_compilation);
        GeneratorDriverRunResult result = driver.GetRunResult();
        return result.GeneratedTrees.Sum(tree => tree.Length);
    }
}
