using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using LeNet.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace LeNet.Generator.Tests;

/// <summary>
/// One test per LENET diagnostic: the markup marks the exact span each diagnostic must cover, and the messages are
/// the full text the user reads, in the order of the marks.
/// </summary>
public sealed class DiagnosticTests
{
    [Fact]
    public Task Non_partial_class_is_reported_on_its_identifier() => VerifyAsync("""
        using LeNet;

        [Network]
        [Input(32, 32)]
        [Dense(10)]
        class {|LENET001:Net|} { }
        """,
        "Network type 'Net' must be a partial class so LeNetGen can add the generated members");

    [Theory]
    [InlineData("static partial class", "static")]
    [InlineData("abstract partial class", "abstract")]
    [InlineData("partial record", "a record")]
    [InlineData("file partial class", "file-local, since the generated part lives in another file")]
    public Task Types_that_cannot_hold_the_members_are_reported_on_their_identifier(string declaration, string what) => VerifyAsync($$"""
        using LeNet;

        [Network]
        [Input(8, 8)]
        [Dense(2)]
        {{declaration}} {|LENET019:Net|} { }
        """,
        $"Network type 'Net' must be a non-static, non-abstract class, not {what}");

    [Fact]
    public Task Kernel_larger_than_input_is_reported_on_the_kernel() => VerifyAsync("""
        using LeNet;

        // LeNet-5 on unpadded 28x28 digits: the third convolution meets a 4x4 input.
        [Network]
        [Input(28, 28)]
        [Conv(filters: 6, kernel: 5)]
        [MaxPool(2)]
        [Conv(filters: 16, kernel: 5)]
        [MaxPool(2)]
        [Conv(filters: 120, {|LENET002:kernel: 5|})]
        [Dense(10)]
        partial class Net { }
        """,
        "CONV3: kernel 5 does not fit the 4x4 input");

    [Fact]
    public Task Kernel_larger_than_padded_input_names_the_padding() => VerifyAsync("""
        using LeNet;

        [Network]
        [Input(2, 2)]
        [Conv(4, {|LENET002:kernel: 7|}, padding: 2)]
        partial class Net { }
        """,
        "CONV1: kernel 7 does not fit the 6x6 input (2x2 padded by 2)");

    [Fact]
    public Task Pool_window_larger_than_input_is_reported_on_the_size() => VerifyAsync("""
        using LeNet;

        [Network]
        [Input(3, 5)]
        [Conv(4, 3)]
        [MaxPool({|LENET002:2|})]
        partial class Net { }
        """,
        "POOL1: size 2 does not fit the 1x3 input");

    [Fact]
    public Task Missing_input_is_reported_on_the_network_attribute() => VerifyAsync("""
        using LeNet;

        [{|LENET003:Network|}]
        [Conv(6, 5)]
        [Dense(10)]
        partial class Net { }
        """,
        "Network 'Net' must declare [Input(height, width, channels)] as its first layer attribute");

    [Fact]
    public Task Non_positive_sizes_are_reported_on_each_argument() => VerifyAsync("""
        using LeNet;

        [Network]
        [Input({|LENET004:height: 0|}, width: 32)]
        [Conv({|LENET004:filters: 0|}, kernel: 5)]
        [MaxPool(size: 2, {|LENET004:stride: 0|})]
        [Dense({|LENET004:-3|})]
        partial class Net { }
        """,
        "Input: height must be positive, got 0",
        "CONV1: filters must be positive, got 0",
        "POOL1: stride must be positive, got 0",
        "FC2: units must be positive, got -3");

    [Fact]
    public Task Pool_size_zero_is_reported_once_and_not_again_for_the_stride_it_defaults_to() => VerifyAsync("""
        using LeNet;

        [Network]
        [Input(32, 32)]
        [Conv(6, 5)]
        [MaxPool({|LENET004:0|})]
        [Dense(10)]
        partial class Net { }
        """,
        "POOL1: size must be positive, got 0");

    [Fact]
    public Task Padding_as_large_as_the_kernel_is_reported_on_the_padding() => VerifyAsync("""
        using LeNet;

        [Network]
        [Input(32, 32)]
        [Conv(6, kernel: 3, {|LENET005:padding: 3|})]
        partial class Net { }
        """,
        "CONV1: padding 3 must be smaller than the kernel 3, or whole windows would see only zeros");

    [Fact]
    public Task Softmax_before_the_last_layer_is_reported_on_the_activation() => VerifyAsync("""
        using LeNet;

        [Network]
        [Input(32, 32)]
        [Conv(6, 5, {|LENET006:Activation = Activation.Softmax|})]
        [Dense(84, {|LENET006:Activation = Activation.Softmax|})]
        [Dense(10)]
        partial class Net { }
        """,
        "CONV1: Softmax is allowed only on the last layer, and only when that layer is Dense",
        "FC2: Softmax is allowed only on the last layer, and only when that layer is Dense");

    [Fact]
    public Task Layers_away_from_the_network_attribute_are_the_stray_ones() => VerifyAsync("""
        using LeNet;

        [{|LENET007:Dense(5)|}]
        partial class Net { }

        [Network]
        [Input(32, 32)]
        [Dense(10)]
        partial class Net { }
        """,
        "Layer attributes of 'Net' must all stand on one declaration, because their order is the layer order; move this one to the declaration with the others");

    [Fact]
    public Task Layers_on_a_second_partial_declaration_are_reported_one_by_one() => VerifyAsync("""
        using LeNet;

        [Network]
        [Input(32, 32)]
        [Dense(10)]
        partial class Net { }

        [{|LENET007:Dense(5)|}]
        [{|LENET007:MaxPool(2)|}]
        partial class Net { }
        """,
        "Layer attributes of 'Net' must all stand on one declaration, because their order is the layer order; move this one to the declaration with the others",
        "Layer attributes of 'Net' must all stand on one declaration, because their order is the layer order; move this one to the declaration with the others");

    [Fact]
    public Task Generic_network_is_reported_on_its_identifier() => VerifyAsync("""
        using LeNet;

        [Network]
        [Input(32, 32)]
        [Dense(10)]
        partial class {|LENET008:Net|}<T> { }
        """,
        "Network type 'Net' must not be generic, nor nested in a generic type");

    [Fact]
    public Task Network_nested_in_a_generic_type_is_reported_as_generic() => VerifyAsync("""
        using LeNet;

        partial class Outer<T>
        {
            [Network]
            [Input(32, 32)]
            [Dense(10)]
            internal partial class {|LENET008:Net|} { }
        }
        """,
        "Network type 'Outer.Net' must not be generic, nor nested in a generic type");

    [Fact]
    public Task Non_partial_container_is_reported_on_the_container() => VerifyAsync("""
        using LeNet;

        partial class Outer
        {
            class {|LENET009:Middle|}
            {
                [Network]
                [Input(32, 32)]
                [Dense(10)]
                internal partial class Net { }
            }
        }
        """,
        "Network type 'Outer.Middle.Net' is nested in 'Middle', which must be partial too");

    [Fact]
    public Task Stride_leaving_input_unused_is_reported_on_the_stride_or_the_whole_attribute() => VerifyAsync("""
        using LeNet;

        [Network]
        [Input(32, 33)]
        [Conv(6, 4, {|LENET010:stride: 3|})]
        [{|LENET010:MaxPool(3)|}]
        [Dense(10)]
        partial class Net { }
        """,
        "CONV1: stride 3 leaves 1 row(s) and 2 column(s) of the 32x33 input unused",
        "POOL1: stride 3 leaves 1 row(s) and 1 column(s) of the 10x10 input unused");

    // The generated file of this network does not compile yet; GeneratedOutputTests.Network_too_large_for_the_stack_compiles covers that.
    [Fact]
    public Task Activations_too_large_for_the_stack_are_reported_on_the_network_attribute() => VerifyCoreAsync(requireCleanOutput: false, """
        using LeNet;

        [{|LENET011:Network|}]
        [Input(256, 256)]
        [Conv(1, 1)]
        partial class Net { }
        """,
        "Network 'Net' needs 262144 bytes of activations, more than the 131072 bytes it may take on the stack; Forward(input, output) is not generated, call Forward(input, output, workspace) with WorkspaceLength floats");

    [Fact]
    public Task Input_that_is_not_first_or_repeated_is_reported_on_that_input() => VerifyAsync("""
        using LeNet;

        [Network]
        [Input(32, 32)]
        [Dense(10)]
        [{|LENET012:Input(8, 8)|}]
        partial class Repeated { }

        [Network]
        [Conv(6, 5)]
        [{|LENET012:Input(32, 32)|}]
        partial class Late { }
        """,
        "[Input] must be the first layer attribute and appear only once, but this one is layer attribute 3",
        "[Input] must be the first layer attribute and appear only once, but this one is layer attribute 2");

    [Fact]
    public Task Spatial_layer_after_dense_is_reported_on_the_layer() => VerifyAsync("""
        using LeNet;

        [Network]
        [Input(32, 32)]
        [Dense(100)]
        [{|LENET013:MaxPool(2)|}]
        [{|LENET013:Conv(6, 5)|}]
        partial class Net { }
        """,
        "POOL1: a MaxPool layer needs a (C,H,W) input, but it follows a Dense layer whose output is flat",
        "CONV2: a Conv layer needs a (C,H,W) input, but it follows a Dense layer whose output is flat");

    [Fact]
    public Task Negative_padding_is_reported_on_the_padding() => VerifyAsync("""
        using LeNet;

        [Network]
        [Input(32, 32)]
        [Conv(6, 5, {|LENET014:padding: -1|})]
        partial class Net { }
        """,
        "CONV1: padding must not be negative, got -1");

    [Fact]
    public Task Input_without_layers_is_reported_on_the_input() => VerifyAsync("""
        using LeNet;

        [Network]
        [{|LENET015:Input(32, 32)|}]
        partial class Net { }
        """,
        "Network 'Net' declares no layers after [Input]");

    [Fact]
    public Task Activation_outside_the_enum_is_reported_on_the_activation() => VerifyAsync("""
        using LeNet;

        [Network]
        [Input(32, 32)]
        [Conv(6, 5, {|LENET016:Activation = (Activation)(-1)|})]
        [Dense(10, {|LENET016:Activation = (Activation)9|})]
        partial class Net { }
        """,
        "CONV1: -1 is not an Activation value (None, ReLU, Tanh, Sigmoid or Softmax)",
        "FC2: 9 is not an Activation value (None, ReLU, Tanh, Sigmoid or Softmax)");

    [Fact]
    public Task Sizes_past_thirty_two_bits_are_reported_on_the_layer() => VerifyAsync("""
        using LeNet;

        [Network]
        [{|LENET017:Input(50000, 50000)|}]
        [Dense(10)]
        partial class HugeInput { }

        [Network]
        [Input(1000, 1000, 3)]
        [{|LENET017:Dense(1000)|}]
        partial class HugeDense { }

        [Network]
        [Input(200, 200)]
        [{|LENET017:Conv(100000, 1)|}]
        partial class HugeConv { }

        [Network]
        [Input(32767, 32767)]
        [Conv(1, 1)]
        [{|LENET017:Conv(2, 1)|}]
        partial class HugeWorkspace { }

        [Network]
        [Input(32768, 32768)]
        [{|LENET017:Conv(1, 1)|}]
        partial class HugeTrainingWorkspace { }

        [Network]
        [Input(1, 1)]
        [Dense(40000)]
        [Dense(40000)]
        [{|LENET017:Dense(20000)|}]
        partial class HugeParameters { }
        """,
        "Input: the input size does not fit in a 32-bit count",
        "FC1: the parameter count does not fit in a 32-bit count",
        "CONV1: the layer size does not fit in a 32-bit count",
        "CONV2: the workspace does not fit in a 32-bit count",
        "CONV1: the training workspace (twice the workspace) does not fit in a 32-bit count",
        "FC3: the parameter count does not fit in a 32-bit count");

    [Fact]
    public Task Unroll_outside_the_enum_is_reported_on_the_unroll() => VerifyAsync("""
        using LeNet;

        [Network({|LENET018:Unroll = (KernelUnroll)7|})]
        [Input(32, 32)]
        [Dense(10)]
        partial class Net { }
        """,
        "7 is not a KernelUnroll value (None, Row or Window)");

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Valid_LeNet5_has_no_diagnostics(int channels)
    {
        GeneratorRun run = TestCompiler.Generate(Networks.LeNet5(channels));
        ImmutableArray<Diagnostic> diagnostics = await TestCompiler.AllDiagnosticsAsync(run);
        Assert.True(diagnostics.IsEmpty, TestCompiler.Describe(diagnostics));
    }

    [Fact]
    public async Task Activations_exactly_at_the_stack_limit_are_not_reported()
    {
        // 2 x 128 x 128 floats are exactly 131072 bytes: the limit itself is still allowed on the stack.
        GeneratorRun run = TestCompiler.Generate("""
            using LeNet;

            [Network]
            [Input(128, 128)]
            [Conv(2, 1)]
            partial class Net { }
            """);
        ImmutableArray<Diagnostic> diagnostics = await TestCompiler.AllDiagnosticsAsync(run);
        Assert.True(diagnostics.IsEmpty, TestCompiler.Describe(diagnostics));
    }

    [Theory]
    [InlineData("LENET010", "[Conv(6, 4, stride: 3)]")]
    [InlineData("LENET002", "[Conv(6, kernel: 33)]")]
    public async Task Pragma_suppresses_the_diagnostic(string id, string layer)
    {
        string declaration = $$"""
            [Network]
            [Input(32, 32)]
            {{layer}}
            [Dense(10)]
            partial class Net { }
            """;
        string suppressed = $"using LeNet;\n#pragma warning disable {id}\n{declaration}\n#pragma warning restore {id}\n";

        // Without the pragma the diagnostic is there, so its absence below is the pragma's doing.
        ImmutableArray<Diagnostic> plain = await TestCompiler.AnalyzeAsync(TestCompiler.Generate("using LeNet;\n" + declaration).Output);
        Assert.Equal(id, Assert.Single(plain).Id);

        Compilation output = TestCompiler.Generate(suppressed).Output;
        Assert.Empty(await TestCompiler.AnalyzeAsync(output));
        Diagnostic hidden = Assert.Single(await TestCompiler.AnalyzeAsync(output, reportSuppressedDiagnostics: true));
        Assert.Equal(id, hidden.Id);
        Assert.True(hidden.IsSuppressed);
    }

    /// <summary>
    /// Checks that the analyzer reports exactly the marked diagnostics, each with its message, that none lands in the
    /// generated file, and that the generated file adds no compiler errors of its own.
    /// </summary>
    internal static Task VerifyAsync(string markup, params string[] messages) => VerifyCoreAsync(requireCleanOutput: true, markup, messages);

    private static async Task VerifyCoreAsync(bool requireCleanOutput, string markup, params string[] messages)
    {
        (string source, IReadOnlyList<ExpectedSpan> expected) = Markup.Parse(markup);
        Assert.True(expected.Count == messages.Length, $"The markup marks {expected.Count} spans but the test gives {messages.Length} messages.");

        GeneratorRun run = TestCompiler.Generate(source);
        ImmutableArray<Diagnostic> diagnostics = await TestCompiler.AnalyzeAsync(run.Output);

        string want = string.Join("\n", expected.Select((e, i) => Describe(source, e.Id, e.Span, "Source0.cs", messages[i])));
        string got = string.Join("\n", diagnostics
            .OrderBy(d => d.Location.SourceSpan.Start).ThenBy(d => d.Id, System.StringComparer.Ordinal)
            .Select(d => Describe(source, d.Id, d.Location.SourceSpan, d.Location.SourceTree?.FilePath, d.GetMessage(CultureInfo.InvariantCulture))));
        Assert.True(want == got, $"Expected:\n{want}\nActual:\n{got}");

        if (requireCleanOutput)
        {
            Diagnostic[] compilerErrors = run.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
            Assert.True(compilerErrors.Length == 0, TestCompiler.Describe(compilerErrors));
        }
    }

    private static string Describe(string source, string id, TextSpan span, string? file, string message)
    {
        string text = span.End <= source.Length ? source.Substring(span.Start, span.Length) : "<outside the source>";
        return $"{id} {file}{span} \"{text}\": {message}";
    }
}
