using System;
using System.Numerics;

namespace LeNet.Training;

/// <summary>
/// Adam (Kingma and Ba, 2015): m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; with bias correction m̂ = m / (1−β₁ᵗ),
/// v̂ = v / (1−β₂ᵗ); θ ← θ − α·m̂ / (√v̂ + ε). t starts at 1.
/// </summary>
public sealed class Adam(float learningRate = Adam.DefaultLearningRate, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f) : Optimizer(learningRate)
{
    /// <summary>0.001.</summary>
    public const float DefaultLearningRate = 0.001f;

    /// <summary>β₁ (0.9).</summary>
    public float Beta1 { get; } = UnitInterval(beta1, nameof(beta1));

    /// <summary>β₂ (0.999).</summary>
    public float Beta2 { get; } = UnitInterval(beta2, nameof(beta2));

    /// <summary>ε (1e-8).</summary>
    public float Epsilon { get; } = PositiveFinite(epsilon, nameof(epsilon));

    /// <inheritdoc/>
    public override string Name => "adam";

    /// <inheritdoc/>
    protected override int StateBuffers => 2;

    /// <inheritdoc/>
    protected override string? CheckState(float[][] state)
    {
        int bad = IndexOfNegative(state[1]);
        return bad < 0 ? null : $"adam's second moment v is negative at {bad} ({state[1][bad]}); it can never be.";
    }

    /// <inheritdoc/>
    protected override void Apply(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, long t, float[][] state, int offset)
    {
        Span<float> m = state[0].AsSpan(offset, parameters.Length), v = state[1].AsSpan(offset, parameters.Length);
        float correction1 = 1 - MathF.Pow(Beta1, t);
        float correction2 = 1 - MathF.Pow(Beta2, t);
        uint floor = SquareFloorBits(1 - Beta2);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            float beta1 = Beta1, rest1 = 1 - Beta1, beta2 = Beta2, rest2 = 1 - Beta2;
            var epsilon = new Vector<float>(Epsilon);
            var floors = new Vector<uint>(floor);
            for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> g = SubnormalFlush.ZeroBelow(new Vector<float>(gradients[i..]), floors);
                Vector<float> mi = (beta1 * new Vector<float>(m[i..])) + (rest1 * g);
                Vector<float> vi = (beta2 * new Vector<float>(v[i..])) + (rest2 * g * g);
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                Vector<float> mHat = mi / correction1;
                Vector<float> vHat = vi / correction2;
                (new Vector<float>(parameters[i..]) - (learningRate * mHat / (Vector.SquareRoot(vHat) + epsilon))).CopyTo(parameters[i..]);
            }
        }

        for (; i < parameters.Length; i++)
        {
            float g = SubnormalFlush.ZeroBelow(gradients[i], floor);
            m[i] = (Beta1 * m[i]) + ((1 - Beta1) * g);
            v[i] = (Beta2 * v[i]) + ((1 - Beta2) * g * g);
            float mHat = m[i] / correction1;
            float vHat = v[i] / correction2;
            parameters[i] -= learningRate * mHat / (MathF.Sqrt(vHat) + Epsilon);
        }
    }
}
