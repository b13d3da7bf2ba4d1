using System;
using System.ComponentModel;

namespace LeNet;

/// <summary>
/// A network with a generated batched forward kernel. <see cref="NetworkExtensions.ForwardBatch"/> runs blocks of
/// <see cref="BatchKernels.Lanes"/> images through it when <see cref="BatchKernels.IsAccelerated"/>; the generator
/// implements it on every network whose layers the batched kernels cover. Not meant to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IBatchForward
{
    /// <summary>Floats of scratch space one block needs.</summary>
    int BatchWorkspaceLength { get; }

    /// <summary>Runs up to <see cref="BatchKernels.Lanes"/> images (back to back) and writes their outputs (back to back).</summary>
    void ForwardBlock(ReadOnlySpan<float> inputs, Span<float> outputs, int count, Span<float> workspace);
}
