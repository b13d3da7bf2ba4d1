using System;
using System.Numerics;

namespace LeNet.Training;

/// <summary>
/// Updates parameters from the mean gradient of a mini-batch. Each optimizer is one readable loop; its state
/// (velocities, moment estimates) has one float per parameter and is saved in checkpoints to resume exactly.
/// </summary>
public abstract class Optimizer
{
    private float[][] _state = [];

    /// <summary>Creates an optimizer with the given base learning rate.</summary>
    protected Optimizer(float learningRate)
    {
        if (!(learningRate > 0) || float.IsInfinity(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "Expected a positive, finite learning rate.");
        }

        LearningRate = learningRate;
    }

    /// <summary>The short name used on the command line and in checkpoints: sgd, momentum, rmsprop or adam.</summary>
    public abstract string Name { get; }

    /// <summary>The base learning rate; a schedule scales it per epoch.</summary>
    public float LearningRate { get; }

    /// <summary>Updates applied so far (Adam's t after the last update).</summary>
    public long Step { get; private set; }

    /// <summary>The state buffers, one float per parameter each (empty for plain gradient descent).</summary>
    public ReadOnlySpan<float[]> State => _state;

    /// <summary>Number of state buffers this optimizer keeps per parameter.</summary>
    protected abstract int StateBuffers { get; }

    /// <summary>Applies one update: <paramref name="parameters"/> -= f(<paramref name="gradients"/>) at <paramref name="learningRate"/>.</summary>
    public void Update(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException($"Expected {parameters.Length} gradients, one per parameter, got {gradients.Length}.", nameof(gradients));
        }

        PrepareState(parameters.Length);
        UpdateRange(parameters, gradients, learningRate, 0);
        CompleteUpdate();
    }

    /// <summary>Makes sure the state buffers exist before <see cref="UpdateRange"/> runs on several threads.</summary>
    internal void PrepareState(int parameterCount) => EnsureState(parameterCount);

    /// <summary>
    /// Applies update number <see cref="Step"/> + 1 to the parameters that start at index <paramref name="offset"/>.
    /// Every rule is element-wise, so the trainer's workers call this on disjoint slices at once and get the same bits
    /// as one call over all; then one of them calls <see cref="CompleteUpdate"/>.
    /// </summary>
    internal void UpdateRange(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, int offset) =>
        Apply(parameters, gradients, learningRate, Step + 1, _state, offset);

    /// <summary>Counts the update that <see cref="UpdateRange"/> applied.</summary>
    internal void CompleteUpdate() => Step++;

    /// <summary>
    /// Replaces the step count and state, as read from a checkpoint. Validates everything before changing anything: the
    /// number and length of the buffers, that every value is finite and that it is state this optimizer can produce
    /// (Adam's and RMSProp's averages of squared gradients are never negative).
    /// </summary>
    public void Restore(long step, float[][] state, int parameterCount)
    {
        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "Expected a non-negative step count.");
        }

        bool fresh = step == 0 && state.Length == 0;
        if (!fresh && state.Length != StateBuffers)
        {
            throw new ArgumentException($"{Name} keeps {StateBuffers} state buffer(s), the checkpoint has {state.Length}.", nameof(state));
        }

        for (int b = 0; b < state.Length; b++)
        {
            float[] buffer = state[b];
            if (buffer.Length != parameterCount)
            {
                throw new ArgumentException($"Expected optimizer state of {parameterCount} floats per buffer, got {buffer.Length}.", nameof(state));
            }

            int bad = Checkpoint.IndexOfNonFinite(buffer);
            if (bad >= 0)
            {
                throw new ArgumentException($"{Name} state buffer {b} has a non-finite value at {bad}.", nameof(state));
            }
        }

        string? problem = fresh ? null : CheckState(state);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(state));
        }

        Step = step;
        _state = fresh ? [] : Array.ConvertAll(state, buffer => (float[])buffer.Clone());
    }

    /// <summary>What is wrong with restored state that this optimizer can never produce (finite values are checked already), or null.</summary>
    protected virtual string? CheckState(float[][] state) => null;

    /// <summary>The first index of a negative value in <paramref name="buffer"/>, or -1.</summary>
    private protected static int IndexOfNegative(ReadOnlySpan<float> buffer)
    {
        for (int i = 0; i < buffer.Length; i++)
        {
            if (buffer[i] < 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Refuses a hyper-parameter outside [0, 1), such as β = 1, which would freeze the running average.</summary>
    private protected static float UnitInterval(float value, string name)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"Expected {name} in [0, 1).");
        }

        return value;
    }

    /// <summary>Refuses an ε that is not positive and finite (NaN would turn every update into NaN).</summary>
    private protected static float PositiveFinite(float value, string name)
    {
        if (!(value > 0) || !float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"Expected {name} to be positive and finite.");
        }

        return value;
    }


    /// <summary>
    /// The update rule on a run of parameters that starts at index <paramref name="offset"/> of the state buffers.
    /// <paramref name="t"/> counts from 1. Vector and scalar paths do the same operations in the same order (.NET never
    /// fuses a multiply and an add on its own), so the result does not depend on where a range starts or ends.
    /// </summary>
    protected abstract void Apply(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, long t, float[][] state, int offset);

    /// <summary>Creates an optimizer by name with its default hyper-parameters.</summary>
    /// <exception cref="ArgumentException">The name is not sgd, momentum, rmsprop or adam.</exception>
    public static Optimizer Create(string name, float? learningRate = null) => name.ToLowerInvariant() switch
    {
        "sgd" => new GradientDescent(learningRate ?? GradientDescent.DefaultLearningRate),
        "momentum" => new Momentum(learningRate ?? Momentum.DefaultLearningRate),
        "rmsprop" => new RmsProp(learningRate ?? RmsProp.DefaultLearningRate),
        "adam" => new Adam(learningRate ?? Adam.DefaultLearningRate),
        _ => throw new ArgumentException($"Unknown optimizer '{name}'; expected sgd, momentum, rmsprop or adam.", nameof(name)),
    };

    private void EnsureState(int parameterCount)
    {
        if (_state.Length != StateBuffers)
        {
            _state = new float[StateBuffers][];
            for (int i = 0; i < _state.Length; i++)
            {
                _state[i] = new float[parameterCount];
            }
        }
    }
}

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
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var g = new Vector<float>(gradients[i..]);
                Vector<float> s = (beta * new Vector<float>(square[i..])) + (rest * g * g);
                s.CopyTo(square[i..]);
                (new Vector<float>(parameters[i..]) - (learningRate * g / (Vector.SquareRoot(s) + new Vector<float>(epsilon)))).CopyTo(parameters[i..]);
            }
        }

        for (; i < parameters.Length; i++)
        {
            float g = gradients[i];
            square[i] = (beta * square[i]) + (rest * g * g);
            parameters[i] -= learningRate * g / (MathF.Sqrt(square[i]) + epsilon);
        }
    }
}

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
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            float beta1 = Beta1, rest1 = 1 - Beta1, beta2 = Beta2, rest2 = 1 - Beta2;
            var epsilon = new Vector<float>(Epsilon);
            for (; i <= parameters.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var g = new Vector<float>(gradients[i..]);
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
            float g = gradients[i];
            m[i] = (Beta1 * m[i]) + ((1 - Beta1) * g);
            v[i] = (Beta2 * v[i]) + ((1 - Beta2) * g * g);
            float mHat = m[i] / correction1;
            float vHat = v[i] / correction2;
            parameters[i] -= learningRate * mHat / (MathF.Sqrt(vHat) + Epsilon);
        }
    }
}
