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

    /// <summary>The table of layers: activation shape, activation size and parameter count per layer.</summary>
    static abstract string Summary { get; }

    /// <summary>Creates a network whose parameters are all zero.</summary>
    static abstract TSelf Create();

    /// <summary>
    /// All weights and biases in one flat span, in PyTorch's order and layout: per layer, a convolution's weight
    /// (out, in, kh, kw) then its bias, a dense layer's weight (out, in) then its bias.
    /// </summary>
    Span<float> Parameters { get; }

    /// <summary>Runs the network on one input (channel-major C,H,W) and writes the output. Allocates nothing; safe to call from many threads at once.</summary>
    /// <exception cref="ArgumentException">A span's length is not <see cref="InputLength"/> or <see cref="OutputLength"/>.</exception>
    void Forward(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>As <see cref="Forward(ReadOnlySpan{float}, Span{float})"/>, with caller-supplied scratch space of at least <see cref="WorkspaceLength"/> floats.</summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output, Span<float> workspace);

    /// <summary>The predicted class: the arg-max of the output, or for a single sigmoid unit 1 when the output is at least 0.5.</summary>
    int Predict(ReadOnlySpan<float> input);
}
