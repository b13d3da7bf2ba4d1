using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using LeNet.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LeNet.Generator.Tests;

/// <summary>
/// For every LENET diagnostic a partial type can carry: code that uses the network (Forward, Predict, ClassOf, LossOf,
/// Summary and every nested layer class) compiles, and that diagnostic is the only one in the build. LENET001, 008,
/// 009 and 019 are left out on purpose: a type that is not partial (or generic, or in a non-partial type) cannot be
/// given members, so the compiler's own errors about them stay.
/// </summary>
public sealed class OnlyItsDiagnosticTests
{
    /// <summary>Declaration attributes (and, for LENET007, a first partial declaration), the diagnostic, the nested classes.</summary>
    public static TheoryData<string, string, string[]> Declarations() => new()
    {
        { "[Network][Input(4, 4)][Conv(6, kernel: 5)][Dense(10)]", "LENET002", new[] { "Conv1", "Fc2" } },
        { "[Network][Conv(6, 5)][Dense(10)]", "LENET003", new[] { "Conv1", "Fc2" } },
        { "[Network][Input(32, 32)][Conv(0, 5)][MaxPool(2)][Dense(10)]", "LENET004", new[] { "Conv1", "Pool1", "Fc2" } },
        { "[Network][Input(32, 32)][Conv(6, kernel: 3, padding: 3)][Dense(10)]", "LENET005", new[] { "Conv1", "Fc2" } },
        { "[Network][Input(32, 32)][Dense(10, Activation = Activation.Softmax)][Dense(2)]", "LENET006", new[] { "Fc1", "Fc2" } },
        { "[Network][Input(8, 8)][Dense(4)] internal partial class Bad { }\n[Dense(5)]", "LENET007", new[] { "Fc1" } },
        { "[Network][Input(32, 32)][Conv(6, 4, stride: 3)][Dense(10)]", "LENET010", new[] { "Conv1", "Fc2" } },
        { "[Network][Input(200, 200)][Conv(1, 1)][Dense(2)]", "LENET011", new[] { "Conv1", "Fc2" } },
        { "[Network][Input(8, 8)][Input(8, 8)][Dense(4)]", "LENET012", new[] { "Fc1" } },
        { "[Network][Input(32, 32)][Dense(10)][MaxPool(2)]", "LENET013", new[] { "Fc1", "Pool1" } },
        { "[Network][Input(32, 32)][Conv(6, 5, padding: -1)][Dense(10)]", "LENET014", new[] { "Conv1", "Fc2" } },
        { "[Network][Input(32, 32)]", "LENET015", Array.Empty<string>() },
        { "[Network][Input(8, 8)][Conv(2, 3)][Dense(10, Activation = (Activation)9)]", "LENET016", new[] { "Conv1", "Fc2" } },
        { "[Network][Input(50000, 50000)][Dense(10)]", "LENET017", new[] { "Fc1" } },
        { "[Network(Unroll = (KernelUnroll)7)][Input(4, 4)][Conv(2, 3)][Dense(10)]", "LENET018", new[] { "Conv1", "Fc2" } },
    };

    [Theory]
    [MemberData(nameof(Declarations))]
    public async Task CodeUsingTheNetworkCompilesWithOnlyTheDiagnostic(string attributes, string expectedId, string[] layerClasses)
    {
        string uses = string.Concat(layerClasses.Select(c =>
            $"        sum += Bad.{c}.InputLength + Bad.{c}.OutputLength + Bad.{c}.OutputOffset + Bad.{c}.WeightOffset + Bad.{c}.ParameterCount;\n"));
        string probe = $$"""
            using System;

            namespace Demo;

            internal static class Probe
            {
                public static int Use(Bad network, float[] input, float[] output, float[] workspace)
                {
                    network.Forward(input, output, workspace);
                    int sum = network.Predict(input) + Bad.ClassOf(output) + (int)Bad.LossOf(output, 0) + Bad.Summary.Length + Bad.ClassCount;
            {{uses}}
                    return sum;
                }
            }
            """;
        GeneratorRun run = TestCompiler.Generate(TestCompiler.Compile($"using LeNet;\nnamespace Demo;\n{attributes}\ninternal partial class Bad {{ }}\n", probe));
        Assert.Single(run.GeneratedSources);

        ImmutableArray<Diagnostic> diagnostics = await TestCompiler.AllDiagnosticsAsync(run);
        Assert.True(diagnostics.Length > 0 && diagnostics.All(d => d.Id == expectedId), $"Expected only {expectedId}:\n{TestCompiler.Describe(diagnostics)}");
    }
}
