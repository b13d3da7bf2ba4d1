using System;

namespace LeNet.Training;

/// <summary>Plain mini-batch gradient descent: θ ← θ − α·g.</summary>
public sealed class GradientDescent(float learningRate = GradientDescent.DefaultLearningRate) : Optimizer(learningRate)
{
    /// <summary>0.1.</summary>
    public const float DefaultLearningRate = 0.1f;

    /// <inheritdoc/>
    public override string Name => "sgd";

    /// <inheritdoc/>
    protected override int StateBuffers => 0;

    /// <inheritdoc/>
    protected override void Apply(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, long t, float[][] state, int offset) =>
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(gradients, -learningRate, parameters, parameters);
}
