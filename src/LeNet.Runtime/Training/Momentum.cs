using System;

namespace LeNet.Training;

/// <summary>Gradient descent with momentum (exponentially weighted average of gradients): v ← βv + (1−β)g; θ ← θ − αv.</summary>
public sealed class Momentum(float learningRate = Momentum.DefaultLearningRate, float beta = 0.9f) : Optimizer(learningRate)
{
    /// <summary>0.1.</summary>
    public const float DefaultLearningRate = 0.1f;

    /// <summary>β, the weight of the running average (0.9).</summary>
    public float Beta { get; } = UnitInterval(beta, nameof(beta));

    /// <inheritdoc/>
    public override string Name => "momentum";

    /// <inheritdoc/>
    protected override int StateBuffers => 1;

    /// <inheritdoc/>
    protected override void Apply(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, long t, float[][] state)
    {
        float[] velocity = state[0];
        for (int i = 0; i < parameters.Length; i++)
        {
            velocity[i] = (Beta * velocity[i]) + ((1 - Beta) * gradients[i]);
            parameters[i] -= learningRate * velocity[i];
        }
    }
}
