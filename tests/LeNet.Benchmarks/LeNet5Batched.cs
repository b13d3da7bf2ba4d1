using System;

namespace LeNet.Benchmarks;

/// <summary>What phase B generates: the trainer's batched kernel, here the hand-written prototype on the live parameters.</summary>
public partial class LeNet5Batched : IBatchBackward
{
    private BatchedLeNet5? _kernel;

    public int BatchTrainingWorkspaceLength(int examples) => Kernel.TrainingWorkspaceLength;

    public float BackwardBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, Span<float> gradients, Span<float> outputs, Span<float> workspace) =>
        Kernel.Backward(Parameters, inputs, labels, gradients, outputs, workspace);

    // The prototype's own parameter copy is used only for its layout; Backward reads the parameters passed in.
    private BatchedLeNet5 Kernel => _kernel ??= new BatchedLeNet5(1, new float[ParameterCount]);
}
