using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using LeNet.Generator.Emitting;
using LeNet.Generator.Model;
using LeNet.Generator.Shapes;
using LeNet.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace LeNet.Generator.Tests;

/// <summary>
/// The generated files themselves: compared with the baselines under Snapshots/, compiled together with code that
/// uses every public member, and emitted under a culture that writes decimal commas.
/// </summary>
public sealed class GeneratedOutputTests(ITestOutputHelper output)
{
    public static TheoryData<string> SnapshotNetworks() => new() { "LeNet5", "LeNet5Rgb", "PaddedStrided", "BatchNormNet" };

    [Theory]
    [MemberData(nameof(SnapshotNetworks))]
    public void Generated_source_matches_the_baseline(string network)
    {
        GeneratorRun run = TestCompiler.Generate(Source(network));
        (string hintName, string text) = Assert.Single(run.GeneratedSources);
        Assert.Equal($"Demo.{network}.LeNet.g.cs", hintName);
        Snapshot.Match(hintName + ".txt", text);
    }

    [Theory]
    [MemberData(nameof(SnapshotNetworks))]
    public async Task Output_compiles_without_errors_or_warnings(string network)
    {
        GeneratorRun run = TestCompiler.Generate(TestCompiler.Compile(Source(network), Consumer($"Demo.{network}")));
        ImmutableArray<Diagnostic> diagnostics = await TestCompiler.AllDiagnosticsAsync(run);
        Assert.True(diagnostics.IsEmpty, TestCompiler.Describe(diagnostics));
    }

    /// <summary>
    /// The baseline of the parsed LeNet-5 also comes out of a spec built by hand, so the parser reads the declaration
    /// into exactly that spec and the emitter needs nothing but the spec.
    /// </summary>
    [Fact]
    public void Hand_built_spec_emits_the_LeNet5_baseline()
    {
        NetworkSpec spec = new(
            "Demo",
            "LeNet5",
            EquatableArray<ContainingType>.Empty,
            IsPartial: true,
            IsGeneric: false,
            UnsupportedKind: "",
            HasParameterlessConstructor: true,
            HasUnreadableAttribute: false,
            KernelUnroll.Window,
            new EquatableArray<LayerSpec>(new LayerSpec[]
            {
                new InputSpec(Height: 32, Width: 32, Channels: 1),
                new ConvSpec(Filters: 6, Kernel: 5, Stride: 1, Padding: 0, Activation.ReLU),
                new PoolSpec(LayerType.MaxPool, Size: 2, Stride: 2),
                new ConvSpec(Filters: 16, Kernel: 5, Stride: 1, Padding: 0, Activation.ReLU),
                new PoolSpec(LayerType.MaxPool, Size: 2, Stride: 2),
                new DenseSpec(Units: 120, Activation.ReLU),
                new DenseSpec(Units: 84, Activation.ReLU),
                new DenseSpec(Units: 10, Activation.Softmax),
            }),
            StrayLayerCount: 0);

        GeneratorRun run = TestCompiler.Generate(Source("LeNet5"));
        object? parsed = Assert.Single(run.Result.TrackedSteps[TrackingNames.Parse].SelectMany(step => step.Outputs)).Value;
        Assert.Equal(spec, parsed);

        CheckedNetwork network = ShapeChecker.Check(spec, CancellationToken.None);
        Snapshot.Match("Demo.LeNet5.LeNet.g.cs.txt", NetworkEmitter.Emit(network, "0.0.0.0", CancellationToken.None));
    }

    /// <summary>A user namespace ending in .System, holding types named like the ones generated code uses.</summary>
    [Fact]
    public async Task Network_in_a_namespace_ending_in_System_compiles()
    {
        string collisions = """
            namespace Demo.System
            {
                internal static class Math { }
                internal static class MathF { }
                internal static class Numerics { }
                internal static class Runtime { }
                internal sealed class Span<T> { }
                internal sealed class ArgumentException { }
                internal sealed class InvalidOperationException { }
                internal static class LeNet { }
            }
            """;
        GeneratorRun run = TestCompiler.Generate(TestCompiler.Compile(
            Networks.LeNet5(ns: "Demo.System"), Networks.PaddedStridedAvgPool.Replace("namespace Demo;", "namespace Demo.System;"), collisions,
            Consumer("Demo.System.LeNet5"), Consumer("Demo.System.PaddedStrided", "PaddedStridedConsumer")));

        Assert.Equal(new[] { "Demo.System.LeNet5.LeNet.g.cs", "Demo.System.PaddedStrided.LeNet.g.cs" }, run.GeneratedSources.Keys.Order(StringComparer.Ordinal));
        ImmutableArray<Diagnostic> diagnostics = await TestCompiler.AllDiagnosticsAsync(run);
        Assert.True(diagnostics.IsEmpty, TestCompiler.Describe(diagnostics));
    }

    /// <summary>The generated part repeats each container's keyword; the output must compile for every kind of container.</summary>
    [Theory]
    [InlineData("partial class Outer", "Outer")]
    [InlineData("static partial class Outer", "Outer")]
    [InlineData("partial struct Outer", "Outer")]
    [InlineData("partial record Outer", "Outer")]
    [InlineData("partial record struct Outer", "Outer")]
    [InlineData("partial interface IOuter", "IOuter")]
    public async Task Network_nested_in_any_partial_container_compiles(string container, string containerName)
    {
        GeneratorRun run = TestCompiler.Generate($$"""
            using LeNet;

            namespace Demo;

            {{container}}
            {
                internal partial class Middle
                {
                    [Network]
                    [Input(4, 4)]
                    [Dense(2)]
                    internal partial class Net { }

                    internal static int Use() => Net.InputLength + new Net().Parameters.Length;
                }
            }
            """);

        Assert.Equal($"Demo.{containerName}.Middle.Net.LeNet.g.cs", Assert.Single(run.GeneratedSources).Key);
        ImmutableArray<Diagnostic> diagnostics = await TestCompiler.AllDiagnosticsAsync(run);
        Assert.True(diagnostics.IsEmpty, TestCompiler.Describe(diagnostics));
    }

    [Theory]
    [MemberData(nameof(SnapshotNetworks))]
    public void German_culture_emits_the_same_text_as_invariant(string network)
    {
        var german = new CultureInfo("de-DE");
        Assert.Equal(",", german.NumberFormat.NumberDecimalSeparator);

        string invariant = WithCulture(CultureInfo.InvariantCulture, () => Assert.Single(TestCompiler.Generate(Source(network)).GeneratedSources).Value);
        string underGerman = WithCulture(german, () => Assert.Single(TestCompiler.Generate(Source(network)).GeneratedSources).Value);
        Assert.Equal(invariant, underGerman);

        // The driver might run the emitter on another thread; calling it directly pins the culture for certain.
        CheckedNetwork checkedNetwork = ShapeChecker.Check(ParsedSpec(network), CancellationToken.None);
        Assert.Equal(
            WithCulture(CultureInfo.InvariantCulture, () => NetworkEmitter.Emit(checkedNetwork, "1.0", CancellationToken.None)),
            WithCulture(german, () => NetworkEmitter.Emit(checkedNetwork, "1.0", CancellationToken.None)));
    }

    /// <summary>
    /// Issue 6's readability promise for LeNet-5: no line of 160 characters or more anywhere in the generated file
    /// (surface, batched members, kernels and their doc comments). Its line count, longest line and lines with
    /// <c>global::</c> are printed, for the record.
    /// </summary>
    [Theory]
    [MemberData(nameof(SnapshotNetworks))]
    public void Generated_file_has_no_line_of_160_characters(string network)
    {
        string[] lines = Assert.Single(TestCompiler.Generate(Source(network)).GeneratedSources).Value.Split('\n');
        string longest = lines.MaxBy(line => line.Length)!;
        output.WriteLine($"{network}: {lines.Length} lines, longest {longest.Length} characters, {lines.Count(line => line.Contains("global::", StringComparison.Ordinal))} with global::");
        output.WriteLine(longest);

        Assert.True(longest.Length < 160, $"A line of {longest.Length} characters: {longest}");
    }

    /// <summary>The kernels live in the generator's own namespace with ordinary usings: no <c>global::</c> inside their classes.</summary>
    [Theory]
    [MemberData(nameof(SnapshotNetworks))]
    public void Kernel_classes_have_no_global_qualifier(string network)
    {
        string[] lines = Assert.Single(TestCompiler.Generate(Source(network)).GeneratedSources).Value.Split('\n');

        string[] qualified = KernelClassLines(lines).Where(line => line.Contains("global::", StringComparison.Ordinal)).ToArray();
        Assert.True(qualified.Length == 0, "global:: inside a kernel class:\n" + string.Join("\n", qualified));
    }

    /// <summary>The lines of every kernel class: from each <c>file static class</c> line to the end of its namespace block.</summary>
    private static string[] KernelClassLines(string[] lines)
    {
        var inside = new List<string>();
        bool inKernels = false;
        foreach (string line in lines)
        {
            inKernels = line.Contains("file static class", StringComparison.Ordinal) || (inKernels && line != "}");
            if (inKernels)
            {
                inside.Add(line);
            }
        }

        Assert.True(inside.Count > 0, "No kernel class (a file static class) in the generated file.");
        return inside.ToArray();
    }

    /// <summary>LENET011 promises that Forward(input, output) is left out and the rest works with a caller's workspace.</summary>
    [Fact]
    public async Task Network_too_large_for_the_stack_compiles()
    {
        GeneratorRun run = TestCompiler.Generate(TestCompiler.Compile(
            """
            using LeNet;

            namespace Demo;

            [Network]
            [Input(256, 256)]
            [Conv(1, 1)]
            partial class Big { }
            """,
            Consumer("Demo.Big")));

        ImmutableArray<Diagnostic> diagnostics = await TestCompiler.AllDiagnosticsAsync(run);
        Assert.Equal("LENET011", Assert.Single(diagnostics).Id);
    }

    /// <summary>
    /// 2^29 floats are 2^31 bytes: the checker warns LENET011 in 64-bit arithmetic, so the emitter must not decide
    /// otherwise by overflowing 32 bits and putting the activations on the stack.
    /// </summary>
    [Fact]
    public void Workspace_past_two_gigabytes_is_not_put_on_the_stack()
    {
        GeneratorRun run = TestCompiler.Generate("""
            using LeNet;

            [Network]
            [Input(16384, 16384)]
            [Conv(2, 1)]
            partial class Huge { }
            """);

        string generated = Assert.Single(run.GeneratedSources).Value;
        Assert.DoesNotContain("InlineArray", generated, StringComparison.Ordinal);
        Assert.Contains("NotSupportedException", generated, StringComparison.Ordinal);
    }

    internal static string Source(string network) => network switch
    {
        "LeNet5" => Networks.LeNet5(channels: 1, typeName: "LeNet5"),
        "LeNet5Rgb" => Networks.LeNet5(channels: 3, typeName: "LeNet5Rgb"),
        "PaddedStrided" => Networks.PaddedStridedAvgPool,
        "BatchNormNet" => Networks.BatchNorm,
        _ => throw new ArgumentOutOfRangeException(nameof(network), network, "No such test network."),
    };

    private static NetworkSpec ParsedSpec(string network)
    {
        GeneratorRun run = TestCompiler.Generate(Source(network));
        return Assert.IsType<NetworkSpec>(Assert.Single(run.Result.TrackedSteps[TrackingNames.Parse].SelectMany(step => step.Outputs)).Value);
    }

    /// <summary>Code that touches every public member of a generated network, through the type and through INetwork.</summary>
    private static string Consumer(string networkType, string className = "Consumer") => $$"""
        namespace Demo.Usage
        {
            internal static class {{className}}
            {
                public static int UseDirectly()
                {
                    var network = new global::{{networkType}}();
                    var input = new float[global::{{networkType}}.InputLength];
                    var output = new float[global::{{networkType}}.OutputLength];
                    network.Forward(input, output, new float[global::{{networkType}}.WorkspaceLength]);
                    return network.Predict(input) + network.Parameters.Length + global::{{networkType}}.ParameterCount
                        + global::{{networkType}}.Summary.Length + UseThroughInterface<global::{{networkType}}>();
                }

                private static int UseThroughInterface<TNetwork>() where TNetwork : global::LeNet.INetwork<TNetwork>
                {
                    TNetwork network = TNetwork.Create();
                    var input = new float[TNetwork.InputLength];
                    network.Forward(input, new float[TNetwork.OutputLength]);
                    return TNetwork.ParameterCount + TNetwork.WorkspaceLength + TNetwork.Summary.Length + network.Predict(input);
                }
            }
        }
        """;

    private static T WithCulture<T>(CultureInfo culture, Func<T> action)
    {
        CultureInfo saved = CultureInfo.CurrentCulture, savedUI = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
            return action();
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
            CultureInfo.CurrentUICulture = savedUI;
        }
    }
}
