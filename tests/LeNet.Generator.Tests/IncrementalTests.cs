using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using LeNet.Generator.Model;
using LeNet.Generator.Tests.Infrastructure;
using LeNet.Generator.Weights;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace LeNet.Generator.Tests;

/// <summary>
/// The pipeline caches: a second run on an equal compilation, or after an edit elsewhere, does no new work past the
/// parse, and its models hold no Roslyn objects that would keep old compilations alive. The steps checked are every
/// constant of <see cref="TrackingNames"/>, found by reflection, on the sample's LeNet5 with its weights file, so every
/// step (baking included) has outputs and a step added to the generator is checked without editing this file.
/// </summary>
public sealed class IncrementalTests
{
    private static readonly string[] PipelineSteps = ConstantsOf(typeof(TrackingNames)).ToArray();

    [Fact]
    public void Every_tracking_name_is_a_step_the_pipeline_runs_and_every_step_of_ours_is_named()
    {
        GeneratorRun run = TestCompiler.Generate(TestCompiler.Compile(BakedLeNet5), TestCompiler.CreateDriver(Networks.SampleWeightsPath));

        Assert.True(PipelineSteps.Length >= 6, $"Only {PipelineSteps.Length} tracking names found: {string.Join(", ", PipelineSteps)}.");
        Assert.Empty(PipelineSteps.Except(run.Result.TrackedSteps.Keys));
        // Roslyn tracks some of its own steps too (inputs, outputs, the inner steps of ForAttributeWithMetadataName);
        // every tracked step whose outputs are the generator's own models must be named in TrackingNames.
        string[] ours = run.Result.TrackedSteps
            .Where(pair => pair.Value.SelectMany(step => step.Outputs).Any(output => IsGeneratorModel(output.Value.GetType())))
            .Select(pair => pair.Key)
            .ToArray();
        Assert.Equal(PipelineSteps.Order(StringComparer.Ordinal), ours.Order(StringComparer.Ordinal));
    }

    /// <summary>The sample's LeNet5 as it ships, weights argument included.</summary>
    private static string BakedLeNet5 => Networks.LeNet5(channels: 1, keepWeights: true);

    [Fact]
    public void Rerun_on_a_cloned_compilation_is_cached_or_unchanged()
    {
        CSharpCompilation compilation = TestCompiler.Compile(BakedLeNet5);
        GeneratorRun first = TestCompiler.Generate(compilation, TestCompiler.CreateDriver(Networks.SampleWeightsPath));

        GeneratorRun second = TestCompiler.Generate(compilation.Clone(), first.Driver);

        AssertEveryOutput(second.Result, _ => true, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        Assert.Equal(first.GeneratedSources, second.GeneratedSources);
    }

    [Fact]
    public void Unrelated_edits_keep_the_pipeline_cached_or_unchanged()
    {
        CSharpCompilation compilation = TestCompiler.Compile(BakedLeNet5);
        GeneratorRun first = TestCompiler.Generate(compilation, TestCompiler.CreateDriver(Networks.SampleWeightsPath));

        // A new class in its own file, then a new method on the network itself (its file changes, its layers do not).
        CSharpCompilation withClass = compilation.AddSyntaxTrees(TestCompiler.Parse("namespace Demo; internal sealed class Unrelated { public int M() => 1; }", 1));
        GeneratorRun second = TestCompiler.Generate(withClass, first.Driver);
        AssertEveryOutput(second.Result, _ => true, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);

        SyntaxTree networkTree = withClass.SyntaxTrees.First();
        string withMethod = networkTree.ToString().Replace("public partial class LeNet5 { }", "public partial class LeNet5 { internal int Extra() => 2; }", StringComparison.Ordinal);
        Assert.NotEqual(networkTree.ToString(), withMethod);
        GeneratorRun third = TestCompiler.Generate(withClass.ReplaceSyntaxTree(networkTree, TestCompiler.Parse(withMethod)), second.Driver);
        AssertEveryOutput(third.Result, _ => true, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Changing_a_kernel_modifies_that_network_only()
    {
        string other = Networks.LeNet5(channels: 3, typeName: "Other");
        CSharpCompilation compilation = TestCompiler.Compile(BakedLeNet5, other);
        GeneratorRun first = TestCompiler.Generate(compilation, TestCompiler.CreateDriver(Networks.SampleWeightsPath));

        SyntaxTree networkTree = compilation.SyntaxTrees.First();
        string edited = networkTree.ToString().Replace("[Conv(filters: 16, kernel: 5,", "[Conv(filters: 16, kernel: 3,", StringComparison.Ordinal);
        Assert.NotEqual(networkTree.ToString(), edited);
        GeneratorRun second = TestCompiler.Generate(compilation.ReplaceSyntaxTree(networkTree, TestCompiler.Parse(edited)), first.Driver);

        // LeNet5's own outputs are new (its baked weights now fail to match: another architecture); all else is as before.
        AssertEveryOutput(second.Result, value => NameOf(value) == "LeNet5", IncrementalStepRunReason.Modified);
        AssertEveryOutput(second.Result, value => NameOf(value) != "LeNet5", IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        Assert.Contains(second.Result.TrackedSteps[TrackingNames.Check].SelectMany(step => step.Outputs), output => NameOf(output.Value) == "Other");
        Assert.Contains(second.Result.TrackedSteps[TrackingNames.BakeWeights].SelectMany(step => step.Outputs), output => NameOf(output.Value) == "LeNet5");
        Assert.Contains("public const int Kernel = 3, Stride = 1, Padding = 0;", second.GeneratedSources["Demo.LeNet5.LeNet.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Tracked_outputs_hold_no_Roslyn_objects()
    {
        CSharpCompilation compilation = TestCompiler.Compile(
            BakedLeNet5,
            // Also a network with problems, whose model carries them as plain values.
            "using LeNet; namespace Demo; [Network][Input(4, 4)][Conv(6, kernel: 5)] partial class Broken { }");
        GeneratorRun run = TestCompiler.Generate(compilation, TestCompiler.CreateDriver(Networks.SampleWeightsPath));

        var found = new List<string>();
        int outputs = 0;
        foreach (string stepName in PipelineSteps)
        {
            foreach (IncrementalGeneratorRunStep step in run.Result.TrackedSteps[stepName])
            {
                foreach ((object value, IncrementalStepRunReason _) in step.Outputs)
                {
                    found.AddRange(RoslynObjectFinder.Find(value, $"{stepName}[{outputs++}]"));
                }
            }
        }

        Assert.True(outputs >= 6, $"Only {outputs} tracked outputs; the walk would prove little.");
        Assert.True(found.Count == 0, "Pipeline models hold Roslyn objects:\n" + string.Join("\n", found));
    }

    /// <summary>
    /// Roslyn keeps a node table per step, generic over the step's value: a struct of ours there needs its own copy of
    /// that code, which a fresh compiler process JIT-compiles before the first build can emit (docs/generator-time.md).
    /// </summary>
    [Fact]
    public void Every_tracked_step_passes_classes_not_structs()
    {
        GeneratorRun run = TestCompiler.Generate(TestCompiler.Compile(BakedLeNet5), TestCompiler.CreateDriver(Networks.SampleWeightsPath));

        string[] structs = PipelineSteps
            .SelectMany(stepName => run.Result.TrackedSteps[stepName].SelectMany(step => step.Outputs).Select(output => (stepName, Type: output.Value.GetType())))
            .Where(pair => pair.Type.IsValueType)
            .Select(pair => $"{pair.stepName}: {pair.Type}")
            .Distinct()
            .ToArray();

        Assert.True(structs.Length == 0, "Pipeline steps pass structs:\n" + string.Join("\n", structs));
    }

    /// <summary>
    /// Every output of every pipeline step that <paramref name="select"/> picks has one of the reasons; every step has
    /// outputs, and at least one is picked.
    /// </summary>
    private static void AssertEveryOutput(GeneratorRunResult result, Func<object, bool> select, params IncrementalStepRunReason[] reasons)
    {
        int pickedCount = 0;
        foreach (string stepName in PipelineSteps)
        {
            Assert.True(result.TrackedSteps.TryGetValue(stepName, out var steps), $"No tracked step named {stepName}.");
            Assert.True(steps.SelectMany(step => step.Outputs).Any(), $"Step {stepName} has no output to check.");
            var picked = steps.SelectMany(step => step.Outputs).Where(output => select(output.Value)).ToList();
            pickedCount += picked.Count;
            foreach ((object value, IncrementalStepRunReason reason) in picked)
            {
                Assert.True(reasons.Contains(reason), $"Step {stepName} output for {NameOf(value)} was {reason}, expected {string.Join(" or ", reasons)}.");
            }
        }

        Assert.True(pickedCount > 0, "No output was picked.");
    }

    /// <summary>A type of the generator's assembly, or a generic type (a tuple of a Combine) over one.</summary>
    private static bool IsGeneratorModel(Type type) =>
        type.Assembly == typeof(LeNetGenerator).Assembly || (type.IsGenericType && type.GetGenericArguments().Any(IsGeneratorModel));

    /// <summary>The values of a type's string constants.</summary>
    private static IEnumerable<string> ConstantsOf(Type type) => type
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.IsLiteral && field.FieldType == typeof(string))
        .Select(field => (string)field.GetRawConstantValue()!);

    private static string? NameOf(object value) => value switch
    {
        NetworkSpec spec => spec.TypeName,
        CheckedNetwork network => network.Spec.TypeName,
        BakedWeights baked => baked.Spec.TypeName,
        _ => null,
    };
}
