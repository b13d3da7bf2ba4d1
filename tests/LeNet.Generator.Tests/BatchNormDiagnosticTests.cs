using System.Threading.Tasks;
using Xunit;

namespace LeNet.Generator.Tests;

/// <summary>The diagnostics of [BatchNorm], each on its exact span with its message: LENET031 to LENET034.</summary>
public sealed class BatchNormDiagnosticTests
{
    [Fact]
    public Task A_batch_norm_after_anything_but_a_conv_or_dense_layer_is_reported_on_the_attribute() => DiagnosticTests.VerifyAsync("""
        using LeNet;

        [Network]
        [Input(12, 12)]
        [{|LENET031:BatchNorm|}]
        [Conv(4, 3)]
        [BatchNorm(Activation = Activation.ReLU)]
        [{|LENET031:BatchNorm()|}]
        [MaxPool(2)]
        [{|LENET031:BatchNorm(momentum: 0.2)|}]
        [Dense(10, Activation = Activation.Softmax)]
        partial class Net { }
        """,
        "BN0: BatchNorm normalises the Conv or Dense layer declared just before it, but this one follows [Input]",
        "BN1: BatchNorm normalises the Conv or Dense layer declared just before it, but this one follows a BatchNorm layer",
        "BN1: BatchNorm normalises the Conv or Dense layer declared just before it, but this one follows a MaxPool layer");

    [Fact]
    public Task An_activation_before_a_batch_norm_is_reported_on_that_activation() => DiagnosticTests.VerifyAsync("""
        using LeNet;

        [Network]
        [Input(12, 12)]
        [Conv(4, 3, {|LENET032:Activation = Activation.ReLU|})]
        [BatchNorm]
        [Dense(16, {|LENET032:Activation = Activation.Tanh|})]
        [BatchNorm(Activation = Activation.Tanh)]
        [Dense(10, Activation = Activation.Softmax)]
        partial class Net { }
        """,
        "BN1: BatchNorm normalises CONV1 before its activation, as PyTorch's conv, BatchNorm, ReLU order does, but CONV1 has Activation ReLU; write Activation = Activation.ReLU on the BatchNorm instead",
        "BN2: BatchNorm normalises FC2 before its activation, as PyTorch's conv, BatchNorm, ReLU order does, but FC2 has Activation Tanh; write Activation = Activation.Tanh on the BatchNorm instead");

    [Fact]
    public Task Momentum_and_epsilon_out_of_range_are_reported_on_each_argument() => DiagnosticTests.VerifyAsync("""
        using LeNet;

        [Network]
        [Input(12, 12)]
        [Conv(4, 3)]
        [BatchNorm({|LENET033:momentum: 1.5|}, {|LENET033:epsilon: 0|})]
        [Dense(16)]
        [BatchNorm({|LENET033:-0.1|}, {|LENET033:1e-50|})]
        [Dense(8)]
        [BatchNorm({|LENET033:epsilon: double.PositiveInfinity|})]
        [Dense(10, Activation = Activation.Softmax)]
        partial class Net { }
        """,
        "BN1: momentum must be from 0 to 1, got 1.5",
        "BN1: epsilon must be positive and finite as a float, got 0",
        "BN2: momentum must be from 0 to 1, got -0.1",
        "BN2: epsilon must be positive and finite as a float, got 1E-50",
        "BN3: epsilon must be positive and finite as a float, got Infinity");

    [Fact]
    public Task A_batch_norm_beside_dropout_is_reported_on_the_batch_norm() => DiagnosticTests.VerifyAsync("""
        using LeNet;

        [Network]
        [Input(12, 12)]
        [Conv(4, 3)]
        [{|LENET034:BatchNorm(Activation = Activation.ReLU)|}]
        [Dense(32, Activation = Activation.ReLU)]
        [Dropout(0.5)]
        [Dense(10, Activation = Activation.Softmax)]
        partial class Net { }
        """,
        "BN1: a network with BatchNorm trains a batch at a time, which does not draw dropout masks yet; remove the Dropout or the BatchNorm layers");

    [Fact]
    public Task A_batch_norm_after_a_dense_layer_keeps_it_flat_so_a_conv_after_it_is_still_reported() => DiagnosticTests.VerifyAsync("""
        using LeNet;

        [Network]
        [Input(8, 8)]
        [Dense(16)]
        [BatchNorm(Activation = Activation.ReLU)]
        [{|LENET013:Conv(4, 1)|}]
        [Dense(10, Activation = Activation.Softmax)]
        partial class Net { }
        """,
        "CONV2: a Conv layer needs a (C,H,W) input, but it follows a Dense layer whose output is flat");

    [Fact]
    public Task Softmax_on_a_batch_norm_is_reported_on_its_activation() => DiagnosticTests.VerifyAsync("""
        using LeNet;

        [Network]
        [Input(8, 8)]
        [Dense(10)]
        [BatchNorm({|LENET006:Activation = Activation.Softmax|})]
        partial class Net { }
        """,
        "BN1: Softmax is allowed only on the last layer, and only when that layer is Dense");
}
