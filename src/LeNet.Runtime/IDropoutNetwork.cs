using System;

namespace LeNet;

/// <summary>
/// A network with <c>[Dropout]</c> layers: the generator implements it beside <see cref="INetwork{TSelf}"/>, and
/// <see cref="Training.Trainer{TNet}"/> calls it with each example's <see cref="DropoutKey"/>. The plain
/// <see cref="INetwork{TSelf}.Backward(ReadOnlySpan{float}, int, Span{float}, Span{float})"/> keeps every activation
/// (the key <c>default</c>), so it stays a deterministic function of its arguments.
/// </summary>
public interface IDropoutNetwork
{
    /// <summary>
    /// As the label-taking Backward of <see cref="INetwork{TSelf}"/>, with the dropout masks of <paramref name="dropout"/>:
    /// the forward pass drops and rescales activations, and back-propagation goes through the same masks.
    /// </summary>
    /// <returns>The example's loss (under its masks).</returns>
    float Backward(ReadOnlySpan<float> input, int label, Span<float> gradients, Span<float> workspace, DropoutKey dropout);
}
