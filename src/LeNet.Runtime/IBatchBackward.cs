using System;

namespace LeNet;

/// <summary>
/// A network with a batched training kernel: forward and back-propagation over many examples at once, so each weight
/// is loaded once per block of examples rather than once per example. <see cref="Training.Trainer{TNet}"/> uses it
/// in place of one Backward call per example when the network implements it.
/// </summary>
public interface IBatchBackward
{
    /// <summary>Floats of scratch space <see cref="BackwardBatch"/> needs for up to <paramref name="examples"/> examples.</summary>
    int BatchTrainingWorkspaceLength(int examples);

    /// <summary>
    /// Runs the network on <c>labels.Length</c> inputs (back to back) and back-propagates each label's loss, adding
    /// (+=) the summed gradient into <paramref name="gradients"/> (parallel to Parameters) and writing each example's
    /// output into <paramref name="outputs"/>. The result must not depend on anything but the arguments.
    /// </summary>
    /// <returns>The summed loss.</returns>
    float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradients, Span<float> outputs, Span<float> workspace);
}
