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
    /// as one call over all; then one of them calls <see cref="CompleteUpdate"/>. Weights and state values that became
    /// subnormal are set to zero (<see cref="SubnormalFlush"/> says why): a weight whose gradient stays zero (a unit
    /// that ReLU keeps dead) decays Adam's first moment by β₁ each step, into subnormals within a few hundred steps, and
    /// LeNet-5's step on MNIST ran 2.7x slower by its third epoch with 5,300 of them.
    /// </summary>
    internal void UpdateRange(Span<float> parameters, ReadOnlySpan<float> gradients, float learningRate, int offset)
    {
        Apply(parameters, gradients, learningRate, Step + 1, _state, offset);
        SubnormalFlush.ToZero(parameters);
        foreach (float[] buffer in _state)
        {
            SubnormalFlush.ToZero(buffer.AsSpan(offset, parameters.Length));
        }
    }

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

    /// <summary>
    /// The bits of the smallest gradient magnitude g whose <paramref name="rest"/> · g · g is still a normal float
    /// (about 3.4e-18 for 1 − β = 0.001). Adam and RMSProp take smaller gradients as zero: x86 processors take a
    /// microcode assist for every product that comes out subnormal, and with weight decay the weights of LeNet-5's dead
    /// units gave 6,000 such gradients a batch by MNIST epoch 2, which made the step 3.2x slower. Such a gradient moved a
    /// weight by at most learning rate · g / ε (7e-13 at Adam's defaults) per step.
    /// </summary>
    private protected static uint SquareFloorBits(float rest) => SubnormalFlush.FloorBits(MathF.Sqrt(SubnormalFlush.SmallestNormal / rest));

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
