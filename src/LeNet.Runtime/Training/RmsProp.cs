using System;
using System.Numerics;

namespace LeNet.Training;

/// <summary>RMSProp: s ← βs + (1−β)g²; θ ← θ − α·g / (√s + ε).</summary>
public sealed class RmsProp(float learningRate = RmsProp.DefaultLearningRate, float beta = 0.999f, float epsilon = 1e-8f) : Optimizer(learningRate)
{
    /// <summary>0.001.</summary>
    public const float DefaultLearningRate = 0.001f;

    /// <summary>β, the weight of the running average of squared gradients (0.999).</summary>
    public float Beta { get; } = UnitInterval(beta, nameof(beta));

    /// <summary>ε, keeps the division finite (1e-8).</summary>
    public float Epsilon { get; } = PositiveFinite(epsilon, nameof(epsilon));

    /// <inheritdoc/>
    public override string Name => "rmsprop";

    /// <inheritdoc/>
    protected override int StateBuffers => 1;

    /// <inheritdoc/>
    protected override string? CheckState(float[][] state)
    {
        int bad = IndexOfNegative(state[0]);
        return bad < 0 ? null : $"rmsprop's running average of squared gradients is negative at {bad} ({state[0][bad]}); it can never be.";
    }

    /// <inheritdoc/>
    protected override void Apply(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, long t, float[][] state, int offset)
    {
        Span<float> square = state[0].AsSpan(offset, parameters.Length);
        float beta = Beta, rest = 1 - Beta, epsilon = Epsilon;
        uint floor = SquareFloorBits(rest);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var floors = new Vector<uint>(floor);
            for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> g = SubnormalFlush.ZeroBelow(new Vector<float>(gradients[i..]), floors);
                Vector<float> s = (beta * new Vector<float>(square[i..])) + (rest * g * g);
                s.CopyTo(square[i..]);
                (new Vector<float>(parameters[i..]) - (learningRate * g / (Vector.SquareRoot(s) + new Vector<float>(epsilon)))).CopyTo(parameters[i..]);
            }
        }

        for (; i < parameters.Length; i++)
        {
            float g = SubnormalFlush.ZeroBelow(gradients[i], floor);
            square[i] = (beta * square[i]) + (rest * g * g);
            parameters[i] -= learningRate * g / (MathF.Sqrt(square[i]) + epsilon);
        }
    }
}
