using System.Threading.Tasks;
using Xunit;

namespace LeNet.Generator.Tests;

/// <summary>The diagnostics of the layer kinds added after the first release: "same" padding and Dropout.</summary>
public sealed class LayerKindDiagnosticTests
{
    [Fact]
    public Task Same_padding_with_a_stride_is_reported_on_the_stride() => DiagnosticTests.VerifyAsync("""
        using LeNet;

        [Network]
        [Input(15, 15)]
        [Conv(8, 3, padding: Padding.Same, {|LENET026:stride: 2|})]
        [Dense(10)]
        partial class Net { }
        """,
        "CONV1: Padding.Same keeps the input size only with stride 1, as PyTorch's padding='same' does, got stride 2; write the padding of a strided convolution as a number");

    [Fact]
    public Task Same_padding_with_an_even_kernel_is_reported_on_the_kernel() => DiagnosticTests.VerifyAsync("""
        using LeNet;

        [Network]
        [Input(16, 16)]
        [Conv(4, 5, Padding.Same)]
        [Conv(4, {|LENET027:kernel: 2|}, padding: Padding.Same)]
        [Dense(10)]
        partial class Net { }
        """,
        "CONV2: Padding.Same needs an odd kernel, got 2: the padding is the same on every side, so only an odd kernel keeps the size");

    [Fact]
    public Task Same_padding_with_an_even_kernel_and_a_stride_reports_both() => DiagnosticTests.VerifyAsync("""
        using LeNet;

        [Network]
        [Input(16, 16)]
        [Conv(4, {|LENET027:4|}, {|LENET026:stride: 3|}, padding: Padding.Same)]
        [Dense(10)]
        partial class Net { }
        """,
        "CONV1: Padding.Same needs an odd kernel, got 4: the padding is the same on every side, so only an odd kernel keeps the size",
        "CONV1: Padding.Same keeps the input size only with stride 1, as PyTorch's padding='same' does, got stride 3; write the padding of a strided convolution as a number");

    [Fact]
    public Task An_undefined_padding_rule_is_reported_on_the_padding() => DiagnosticTests.VerifyAsync("""
        using LeNet;

        [Network]
        [Input(16, 16)]
        [Conv(4, 3, {|LENET028:padding: (Padding)7|})]
        [Dense(10)]
        partial class Net { }
        """,
        "CONV1: 7 is not a Padding value (Valid or Same)");

    [Fact]
    public Task A_dropout_rate_of_one_or_more_is_reported_on_the_rate() => DiagnosticTests.VerifyAsync("""
        using LeNet;

        [Network]
        [Input(8, 8)]
        [Dense(32, Activation = Activation.ReLU)]
        [Dropout({|LENET029:1.0|})]
        [Dense(16, Activation = Activation.ReLU)]
        [Dropout({|LENET029:rate: -0.25|})]
        [Dense(16, Activation = Activation.ReLU)]
        [Dropout({|LENET029:0.999999999|})]
        [Dense(10, Activation = Activation.Softmax)]
        partial class Net { }
        """,
        "DROP1: the dropout rate must be at least 0 and below 1, got 1",
        "DROP2: the dropout rate must be at least 0 and below 1, got -0.25",
        "DROP3: the dropout rate must be at least 0 and below 1, got 0.999999999");

    [Fact]
    public Task Dropout_after_the_input_or_last_is_reported_on_the_attribute() => DiagnosticTests.VerifyAsync("""
        using LeNet;

        [Network]
        [Input(8, 8)]
        [{|LENET030:Dropout(0.2)|}]
        [Dense(10)]
        [{|LENET030:Dropout(0.5)|}]
        partial class Net { }
        """,
        "DROP0: Dropout must stand between two layers, not directly after [Input], where it would drop input pixels",
        "DROP1: Dropout must stand between two layers, not the last layer, where it would drop outputs the loss reads");

    [Fact]
    public Task Dropout_keeps_a_dense_output_flat_so_a_conv_after_it_is_still_reported() => DiagnosticTests.VerifyAsync("""
        using LeNet;

        [Network]
        [Input(8, 8)]
        [Conv(4, 3, Activation = Activation.ReLU)]
        [Dropout(0.1)]
        [Dense(16, Activation = Activation.ReLU)]
        [Dropout(0.5)]
        [{|LENET013:Conv(4, 1)|}]
        [Dense(10, Activation = Activation.Softmax)]
        partial class Net { }
        """,
        "CONV3: a Conv layer needs a (C,H,W) input, but it follows a Dense layer whose output is flat");
}
