using System;
using System.Globalization;
using System.Numerics.Tensors;

namespace LeNet.Training;

/// <summary>
/// An exponential moving average of a network's parameters over its optimizer steps (Polyak averaging as TensorFlow's
/// <c>ExponentialMovingAverage</c> does it): after each step, average ← d·average + (1 − d)·parameters with
/// d = min(<see cref="Decay"/>, (1 + t) / (10 + t)) at update t, so the first updates follow the weights closely and
/// the average then spans about 1 / (1 − <see cref="Decay"/>) steps. The averaged weights are less noisy than the last
/// step's, which shows most while the learning rate is still high (early epochs).
/// </summary>
/// <remarks>
/// Call <see cref="Update"/> once after every optimizer step, for example from the <c>batchCompleted</c> callback of
/// <see cref="Trainer{TNet}.TrainEpoch(Dataset, Action{BatchProgress}?, System.Threading.CancellationToken)"/>, and copy
/// <see cref="Parameters"/> into a network to evaluate or save the averaged weights. The buffer is allocated once;
/// updates allocate nothing, and the same sequence of parameters gives the same bits.
/// </remarks>
public sealed class WeightAverage
{
    private readonly float[] _average;

    /// <summary>Starts the average at <paramref name="parameters"/> (the weights before training).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decay"/> is not in [0, 1).</exception>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is empty.</exception>
    public WeightAverage(float decay, ReadOnlySpan<float> parameters)
    {
        if (!(decay >= 0 && decay < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, string.Create(CultureInfo.InvariantCulture, $"Expected a decay in [0, 1), got {decay}."));
        }

        if (parameters.IsEmpty)
        {
            throw new ArgumentException("Expected the network's parameters, got an empty span.", nameof(parameters));
        }

        Decay = decay;
        _average = parameters.ToArray();
    }

    /// <summary>The largest weight an update gives the old average.</summary>
    public float Decay { get; }

    /// <summary>Updates so far.</summary>
    public long Updates { get; private set; }

    /// <summary>The averaged parameters, in the network's flat order.</summary>
    public ReadOnlySpan<float> Parameters => _average;

    /// <summary>Folds the parameters after one optimizer step into the average.</summary>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not as long as the average.</exception>
    public void Update(ReadOnlySpan<float> parameters)
    {
        if (parameters.Length != _average.Length)
        {
            throw new ArgumentException($"Expected {_average.Length} parameters, the length of the average, got {parameters.Length}.", nameof(parameters));
        }

        Updates++;
        float decay = Math.Min(Decay, (1f + Updates) / (10f + Updates));
        TensorPrimitives.Multiply(_average, decay, _average);
        TensorPrimitives.MultiplyAdd(parameters, 1f - decay, _average, _average);
    }

    /// <summary>
    /// Sets the average to <paramref name="average"/> after <paramref name="updates"/> updates, as a checkpoint recorded
    /// it, so the next <see cref="Update"/> continues it bit for bit.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="average"/> is not as long as the average.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="updates"/> is negative.</exception>
    public void Restore(ReadOnlySpan<float> average, long updates)
    {
        if (average.Length != _average.Length)
        {
            throw new ArgumentException($"Expected {_average.Length} parameters, the length of the average, got {average.Length}.", nameof(average));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(updates);
        average.CopyTo(_average);
        Updates = updates;
    }

    /// <summary>Starts the average again at <paramref name="parameters"/>, as if newly made.</summary>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not as long as the average.</exception>
    public void Reset(ReadOnlySpan<float> parameters)
    {
        if (parameters.Length != _average.Length)
        {
            throw new ArgumentException($"Expected {_average.Length} parameters, the length of the average, got {parameters.Length}.", nameof(parameters));
        }

        parameters.CopyTo(_average);
        Updates = 0;
    }
}
