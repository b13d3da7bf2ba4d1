using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading.Tasks;
using LeNet.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;
using Xunit;

namespace LeNet.Generator.Tests;

/// <summary>
/// A declaration with errors still gets every public member, each throwing, so user code that calls them compiles
/// and the build shows our diagnostic alone instead of a pile of missing-member errors.
/// </summary>
public sealed class ErrorSurfaceTests
{
    /// <summary>Calls every member of <c>Demo.Bad</c> and records what each one throws.</summary>
    private const string Probe = """
        using System;
        using System.Collections.Generic;
        using LeNet;

        namespace Demo;

        internal static class Probe
        {
            public static string[] CallEveryMember()
            {
                var results = new List<string>();
                void Call(string member, Action action)
                {
                    try
                    {
                        action();
                        results.Add(member + ": returned");
                    }
                    catch (Exception exception)
                    {
                        results.Add(member + ": " + exception.GetType().Name + ": " + exception.Message);
                    }
                }

                var network = new Bad();
                Call("InputLength", () => _ = Bad.InputLength);
                Call("OutputLength", () => _ = Bad.OutputLength);
                Call("ParameterCount", () => _ = Bad.ParameterCount);
                Call("WorkspaceLength", () => _ = Bad.WorkspaceLength);
                Call("Summary", () => _ = Bad.Summary);
                Call("Parameters", () => _ = network.Parameters.Length);
                Call("Forward", () => network.Forward(new float[1], new float[1]));
                Call("Forward with workspace", () => network.Forward(new float[1], new float[1], new float[1]));
                Call("Predict", () => _ = network.Predict(new float[1]));
                Call("Create", () => Create<Bad>());
                Call("InputLength through INetwork", () => _ = InputLengthOf<Bad>());
                return results.ToArray();
            }

            private static T Create<T>() where T : INetwork<T> => T.Create();

            private static int InputLengthOf<T>() where T : INetwork<T> => T.InputLength;
        }
        """;

    public static TheoryData<string, string> BrokenDeclarations() => new()
    {
        { "[Network][Input(4, 4)][Conv(6, kernel: 5)]", "LENET002" },
        { "[Network][Conv(6, 5)][Dense(10)]", "LENET003" },
        { "[Network][Input(32, 32)]", "LENET015" },
        { "[Network][Input(50000, 50000)][Dense(10)]", "LENET017" },
        { "[Network(Unroll = (KernelUnroll)7)][Input(4, 4)][Dense(10)]", "LENET018" },
        { "[Network][Input(32, 32)][Dense(10, Activation = Activation.Softmax)][Dense(2)]", "LENET006" },
        // Half-typed: the compiler reports the argument; we add nothing, and the generated file adds no errors.
        { "[Network][Input(32, 32)][Conv(6, kernel: \"5\")][Dense(10)]", "CS1503" },
    };

    [Theory]
    [MemberData(nameof(BrokenDeclarations))]
    public async Task Calls_into_a_broken_network_compile_and_every_member_throws(string attributes, string expectedId)
    {
        GeneratorRun run = TestCompiler.Generate(TestCompiler.Compile($"using LeNet;\nnamespace Demo;\n{attributes}\ninternal partial class Bad {{ }}\n", Probe));
        (string hintName, string generated) = Assert.Single(run.GeneratedSources);
        Assert.Equal("Demo.Bad.LeNet.g.cs", hintName);
        Assert.Contains("InvalidOperationException", generated, StringComparison.Ordinal);

        ImmutableArray<Diagnostic> diagnostics = await TestCompiler.AllDiagnosticsAsync(run);
        Assert.True(diagnostics.Length == 1 && diagnostics[0].Id == expectedId, $"Expected only {expectedId}:\n{TestCompiler.Describe(diagnostics)}");
        Assert.Equal("Source0.cs", diagnostics[0].Location.SourceTree?.FilePath);

        if (expectedId.StartsWith("LENET", StringComparison.Ordinal))
        {
            Assert.All(CallEveryMember(run.Output), result => Assert.Matches("^[^:]+: InvalidOperationException: .*LENET", result));
        }
    }

    /// <summary>Emits the compilation, loads it into a context of its own and runs <c>Probe.CallEveryMember</c>.</summary>
    private static string[] CallEveryMember(Compilation output)
    {
        using var image = new MemoryStream();
        EmitResult emitted = output.Emit(image);
        Assert.True(emitted.Success, TestCompiler.Describe(emitted.Diagnostics));

        var context = new AssemblyLoadContext("ErrorSurface", isCollectible: true);
        try
        {
            image.Position = 0;
            Assembly assembly = context.LoadFromStream(image);
            MethodInfo? call = assembly.GetType("Demo.Probe")?.GetMethod("CallEveryMember", BindingFlags.Public | BindingFlags.Static);
            Assert.NotNull(call);
            string[] results = Assert.IsType<string[]>(call.Invoke(null, null));
            Assert.Equal(11, results.Length);
            return results;
        }
        finally
        {
            context.Unload();
        }
    }
}
