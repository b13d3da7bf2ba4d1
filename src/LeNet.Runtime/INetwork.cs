using System;

namespace LeNet;

/// <summary>
/// What every generated network provides. The generator implements it on each <c>[Network]</c> type, so generic code
/// (the trainer, benchmarks, tests) works with any declared network through <typeparamref name="TSelf"/>.
/// </summary>
/// <typeparam name="TSelf">The generated network type.</typeparam>
public interface INetwork<TSelf> where TSelf : INetwork<TSelf>
{
    /// <summary>Number of input values: channels × height × width.</summary>
    static abstract int InputLength { get; }

    /// <summary>Number of output values.</summary>
    static abstract int OutputLength { get; }

    /// <summary>Number of weights and biases: the length of <see cref="Parameters"/>.</summary>
    static abstract int ParameterCount { get; }

    /// <summary>Floats of scratch space that <see cref="Forward(ReadOnlySpan{float}, Span{float}, Span{float})"/> needs.</summary>
    static abstract int WorkspaceLength { get; }

    /// <summary>Floats of scratch space that Backward needs: the activations and, beside them, their gradients.</summary>
    static abstract int TrainingWorkspaceLength { get; }

    /// <summary>Where the output sits in a workspace after Forward(input, output, workspace) or Backward.</summary>
    static abstract int OutputOffset { get; }

    /// <summary>A 64-bit hash of the architecture (input shape and every layer), stored in checkpoints to refuse another network's file.</summary>
    static abstract ulong Fingerprint { get; }

    /// <summary>The table of layers: activation shape, activation size and parameter count per layer.</summary>
    static abstract string Summary { get; }

    /// <summary>Every layer after the input, in order, with its parameter offsets.</summary>
    static abstract ReadOnlySpan<LayerInfo> Layers { get; }

    /// <summary>The loss that <see cref="Backward(ReadOnlySpan{float}, int, Span{float}, Span{float})"/> computes for a label.</summary>
    static abstract LossKind Loss { get; }

    /// <summary>How many classes <see cref="ClassOf"/> tells apart: 2 for a one-unit output, else one per output.</summary>
    static abstract int ClassCount { get; }

    /// <summary>
    /// The class an output of Forward stands for: for one unit, 1 when it is at least 0.5, else 0; otherwise the index of the
    /// largest output (the first on ties). -1 when the output holds a NaN or an infinity, which is no class.
    /// </summary>
    static abstract int ClassOf(ReadOnlySpan<float> output);

    /// <summary>
    /// The loss the label-taking Backward reports, computed from an output of Forward: −log output[label] after a softmax,
    /// binary cross-entropy after one sigmoid unit; NaN when <see cref="Loss"/> is <see cref="LossKind.None"/> or the label is out of range.
    /// </summary>
    static abstract float LossOf(ReadOnlySpan<float> output, int label);

    /// <summary>Creates a network whose parameters are all zero.</summary>
    static abstract TSelf Create();

    /// <summary>
    /// All weights and biases in one flat span, in PyTorch's order and layout: per layer, a convolution's weight
    /// (out, in, kh, kw) then its bias, a dense layer's weight (out, in) then its bias, a batch normalisation's weight (γ),
    /// bias (β), running mean and running variance (its <c>state_dict</c> order).
    /// </summary>
    Span<float> Parameters { get; }

    /// <summary>Runs the network on one input (channel-major C,H,W) and writes the output. Allocates nothing; safe to call from many threads at once.</summary>
    /// <exception cref="ArgumentException">A span's length is not <see cref="InputLength"/> or <see cref="OutputLength"/>.</exception>
    void Forward(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>As <see cref="Forward(ReadOnlySpan{float}, Span{float})"/>, with caller-supplied scratch space of at least <see cref="WorkspaceLength"/> floats.</summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output, Span<float> workspace);

    /// <summary>The predicted class: <see cref="ClassOf"/> of the output. Throws <see cref="InvalidOperationException"/> when the output is not finite.</summary>
    int Predict(ReadOnlySpan<float> input);

    /// <summary>
    /// Runs the network on one input and back-propagates the loss for <paramref name="label"/>: cross-entropy after a
    /// softmax output (fused: the output gradient is p − onehot), binary cross-entropy after a single sigmoid unit (label 0
    /// or 1). Adds (+=) every parameter's gradient into <paramref name="gradients"/>, which pairs index by index with
    /// <see cref="Parameters"/>, so a mini-batch accumulates by calling this once per example. Allocates nothing.
    /// </summary>
    /// <returns>The example's loss.</returns>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The label is not a class of this network.</exception>
    /// <exception cref="InvalidOperationException">The output layer has no label loss (<see cref="Loss"/> is <see cref="LossKind.None"/>).</exception>
    float Backward(ReadOnlySpan<float> input, int label, Span<float> gradients, Span<float> workspace);

    /// <summary>
    /// Runs the network on one input and back-propagates an arbitrary gradient of some loss with respect to the output
    /// (after its activation). Adds (+=) every parameter's gradient into <paramref name="gradients"/>.
    /// </summary>
    void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> gradients, Span<float> workspace);
}
