using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using LeNet.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace LeNet.Generator.Tests;

/// <summary>
/// <c>[SkipLocalsInit]</c> on the generated per-image kernels exactly when the user's compilation allows unsafe code (the
/// attribute is error CS0227 otherwise): both ways the output compiles cleanly, and a network whose kernels skip the
/// zeroing of their stack buffers computes the same bits as one whose kernels do not, even on a stack full of garbage.
/// </summary>
public sealed class SkipLocalsInitTests
{
    private const string Attribute = "[global::System.Runtime.CompilerServices.SkipLocalsInit]";
    private const string DriverType = "Demo.SkipLocalsInitDriver";

    [Theory]
    [InlineData("LeNet5", false)]
    [InlineData("LeNet5", true)]
    [InlineData("PaddedStrided", false)]
    [InlineData("PaddedStrided", true)]
    public async Task Kernels_skip_locals_init_exactly_when_unsafe_code_is_allowed(string network, bool allowUnsafe)
    {
        GeneratorRun run = TestCompiler.Generate(Compile(allowUnsafe, GeneratedOutputTests.Source(network)));

        string source = Assert.Single(run.GeneratedSources).Value;
        Assert.Equal(allowUnsafe ? 1 : 0, Occurrences(source, Attribute));
        ImmutableArray<Diagnostic> diagnostics = await TestCompiler.AllDiagnosticsAsync(run);
        Assert.True(diagnostics.IsEmpty, TestCompiler.Describe(diagnostics));
    }

    [Fact]
    public void Switching_unsafe_code_on_regenerates_and_an_unrelated_edit_after_it_does_not()
    {
        GeneratorRun safe = TestCompiler.Generate(Compile(false, GeneratedOutputTests.Source("LeNet5")));
        GeneratorRun @unsafe = TestCompiler.Generate(Compile(true, GeneratedOutputTests.Source("LeNet5")), safe.Driver);
        Assert.Contains(@unsafe.Result.TrackedSteps[TrackingNames.Settings].SelectMany(step => step.Outputs), output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(Attribute, Assert.Single(@unsafe.GeneratedSources).Value, StringComparison.Ordinal);

        CSharpCompilation edited = @unsafe.Input.AddSyntaxTrees(TestCompiler.Parse("namespace Demo; internal sealed class Unrelated { }", 1));
        GeneratorRun after = TestCompiler.Generate(edited, @unsafe.Driver);
        Assert.All(after.Result.TrackedSteps[TrackingNames.Settings].SelectMany(step => step.Outputs),
            output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
    }

    /// <summary>LeNet-5 (fused stack kernels) and the padded, strided network (stack copies for padding), both ways.</summary>
    [Theory]
    [InlineData("LeNet5", 1024, 10)]
    [InlineData("PaddedStrided", 450, 1)]
    public void Skipping_locals_init_changes_no_bit_of_Forward_on_a_dirty_stack(string network, int inputLength, int outputLength)
    {
        var random = new Random(inputLength);
        float[] input = Enumerable.Range(0, inputLength).Select(_ => (float)random.NextDouble()).ToArray();
        float[] zeroed = Run(allowUnsafe: false), skipped = Run(allowUnsafe: true);
        Assert.Equal(zeroed.Select(BitConverter.SingleToInt32Bits), skipped.Select(BitConverter.SingleToInt32Bits));

        float[] Run(bool allowUnsafe)
        {
            GeneratorRun run = TestCompiler.Generate(Compile(allowUnsafe, GeneratedOutputTests.Source(network), Driver($"Demo.{network}")));
            using LoadedAssembly loaded = LoadedAssembly.Emit(run.Output);
            var output = new float[outputLength];
            loaded.Invoke(DriverType, "Forward", input, output);
            return output;
        }
    }

    private static CSharpCompilation Compile(bool allowUnsafe, params string[] sources)
    {
        CSharpCompilation compilation = TestCompiler.Compile(sources);
        return compilation.WithOptions(compilation.Options.WithAllowUnsafe(allowUnsafe));
    }

    /// <summary>
    /// Forward with seeded parameters, called from under a frame that has filled the stack below it with NaN, so a
    /// stack buffer read before it is written would show.
    /// </summary>
    private static string Driver(string network) => $$"""
        namespace Demo
        {
            public static class SkipLocalsInitDriver
            {
                public static void Forward(float[] input, float[] output)
                {
                    var network = new global::{{network}}();
                    var random = new global::System.Random(5);
                    global::System.Span<float> parameters = network.Parameters;
                    for (int i = 0; i < parameters.Length; i++)
                    {
                        parameters[i] = (float)((random.NextDouble() * 0.4) - 0.2);
                    }

                    Dirty();
                    network.Forward(input, output);
                }

                [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
                private static void Dirty()
                {
                    global::System.Span<float> garbage = stackalloc float[32768];
                    garbage.Fill(float.NaN);
                    Keep(garbage);
                }

                [global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
                private static void Keep(global::System.Span<float> garbage) => garbage[garbage.Length - 1] += 1f;
            }
        }
        """;

    private static int Occurrences(string text, string value)
    {
        int count = 0;
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
