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
}
