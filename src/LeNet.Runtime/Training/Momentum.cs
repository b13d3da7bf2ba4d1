using System;
using System.Numerics;

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
    protected override void Apply(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, long t, float[][] state, int offset)
    {
        Span<float> velocity = state[0].AsSpan(offset, parameters.Length);
        float beta = Beta, rest = 1 - Beta;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> v = (beta * new Vector<float>(velocity[i..])) + (rest * new Vector<float>(gradients[i..]));
                v.CopyTo(velocity[i..]);
                (new Vector<float>(parameters[i..]) - (learningRate * v)).CopyTo(parameters[i..]);
            }
        }

        for (; i < parameters.Length; i++)
        {
            velocity[i] = (beta * velocity[i]) + (rest * gradients[i]);
            parameters[i] -= learningRate * velocity[i];
        }
    }
}
