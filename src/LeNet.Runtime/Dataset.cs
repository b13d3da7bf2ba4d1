using System;
using System.Globalization;

namespace LeNet;

/// <summary>
/// An in-memory, read-only set of labelled examples: each input is <see cref="InputLength"/> floats (channel-major
/// C,H,W, the layout a generated network's <c>Forward</c> takes) and each label is a class index.
/// </summary>
/// <remarks>
/// All inputs live in one flat array, one record after another. <see cref="Slice"/>, <see cref="Take"/> and
/// <see cref="Skip"/> return views that share that array, so splitting off a validation set copies nothing.
/// </remarks>
public sealed class Dataset
{
    private readonly float[] _inputs;
    private readonly int[] _labels;
    private readonly int _start;

    /// <summary>Creates a data set from one flat array of inputs, record after record. Both arrays are copied.</summary>
    /// <param name="inputs"><c>labels.Length × inputLength</c> floats; every value must be finite.</param>
    /// <param name="labels">One class index (≥ 0) per record.</param>
    /// <param name="inputLength">Floats per input; positive.</param>
    /// <exception cref="ArgumentException">A length does not match, an input is NaN or infinite, or a label is negative.</exception>
    public Dataset(float[] inputs, int[] labels, int inputLength)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputLength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputLength), inputLength, "Expected a positive input length.");
        }

        long expected = (long)labels.Length * inputLength;
        if (inputs.Length != expected)
        {
            throw new ArgumentException(
                $"Expected {labels.Length} labels x {inputLength} floats = {expected} input values, got {inputs.Length}.", nameof(inputs));
        }

        CheckFinite(inputs, inputLength, nameof(inputs));
        CheckLabels(labels);

        _inputs = (float[])inputs.Clone();
        _labels = (int[])labels.Clone();
        _start = 0;
        Count = labels.Length;
        InputLength = inputLength;
    }

    /// <summary>Creates a data set from one array per input. The values are copied into one flat array.</summary>
    /// <param name="inputs">One array per record, all of the same, positive length; every value must be finite.</param>
    /// <param name="labels">One class index (≥ 0) per record.</param>
    /// <exception cref="ArgumentException">
    /// The counts differ, there are no records (the input length would be unknown), the inputs differ in length, an
    /// input is NaN or infinite, or a label is negative.
    /// </exception>
    public Dataset(float[][] inputs, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputs.Length != labels.Length)
        {
            throw new ArgumentException($"Expected one input per label ({labels.Length}), got {inputs.Length} inputs.", nameof(inputs));
        }

        if (inputs.Length == 0)
        {
            throw new ArgumentException("Expected at least one input: with none, the input length is unknown. Use the flat constructor for an empty set.", nameof(inputs));
        }

        int inputLength = inputs[0]?.Length ?? throw new ArgumentException("Input 0 is null.", nameof(inputs));
        if (inputLength == 0)
        {
            throw new ArgumentException("Expected inputs of positive length, input 0 is empty.", nameof(inputs));
        }

        if ((long)inputs.Length * inputLength > Array.MaxLength)
        {
            throw new ArgumentException($"{inputs.Length} inputs of {inputLength} floats do not fit in one array.", nameof(inputs));
        }

        var flat = new float[inputs.Length * inputLength];
        for (int i = 0; i < inputs.Length; i++)
        {
            float[]? row = inputs[i] ?? throw new ArgumentException($"Input {i} is null.", nameof(inputs));
            if (row.Length != inputLength)
            {
                throw new ArgumentException($"Expected every input to have {inputLength} floats (as input 0 does), input {i} has {row.Length}.", nameof(inputs));
            }

            row.CopyTo(flat, i * inputLength);
        }
        CheckFinite(flat, inputLength, nameof(inputs));
        CheckLabels(labels);

        _inputs = flat;
        _labels = (int[])labels.Clone();
        _start = 0;
        Count = labels.Length;
        InputLength = inputLength;
    }

    /// <summary>Wraps arrays without copying or checking them; for loaders that built the arrays themselves, and for views.</summary>
    private Dataset(float[] inputs, int[] labels, int inputLength, int start, int count)
    {
        _inputs = inputs;
        _labels = labels;
        InputLength = inputLength;
        _start = start;
        Count = count;
    }

    /// <summary>Takes ownership of arrays a loader has filled and checked (no copy).</summary>
    internal static Dataset Wrap(float[] inputs, int[] labels, int inputLength) =>
        new(inputs, labels, inputLength, 0, labels.Length);

    /// <summary>Number of records.</summary>
    public int Count { get; }

    /// <summary>Floats per input.</summary>
    public int InputLength { get; }

    /// <summary>All inputs of this set, record after record (<see cref="Count"/> × <see cref="InputLength"/> floats).</summary>
    public ReadOnlySpan<float> Inputs => _inputs.AsSpan(_start * InputLength, Count * InputLength);

    /// <summary>All labels of this set.</summary>
    public ReadOnlySpan<int> Labels => _labels.AsSpan(_start, Count);

    /// <summary>The input of record <paramref name="index"/>: <see cref="InputLength"/> floats.</summary>
    /// <param name="index">Zero-based record index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in 0..Count-1.</exception>
    public ReadOnlySpan<float> Input(int index)
    {
        CheckIndex(index);
        return _inputs.AsSpan((_start + index) * InputLength, InputLength);
    }

    /// <summary>The label (class index) of record <paramref name="index"/>.</summary>
    /// <param name="index">Zero-based record index.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in 0..Count-1.</exception>
    public int Label(int index)
    {
        CheckIndex(index);
        return _labels[_start + index];
    }

    /// <summary>The records <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> - 1, as a view sharing this set's memory.</summary>
    /// <param name="start">Index of the first record.</param>
    /// <param name="count">Number of records.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie within 0..Count.</exception>
    public Dataset Slice(int start, int count)
    {
        if (start < 0 || count < 0 || (long)start + count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"Expected a range within the {Count} records, got start {start} and count {count}.");
        }

        return new Dataset(_inputs, _labels, InputLength, _start + start, count);
    }

    /// <summary>The first <paramref name="count"/> records (all of them when there are fewer), as a view.</summary>
    /// <param name="count">Number of records; not negative.</param>
    public Dataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Slice(0, Math.Min(count, Count));
    }

    /// <summary>All records after the first <paramref name="count"/> (none when there are fewer), as a view.</summary>
    /// <param name="count">Number of records to leave out; not negative.</param>
    public Dataset Skip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int skipped = Math.Min(count, Count);
        return Slice(skipped, Count - skipped);
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Expected a record index in 0..{Count - 1}.");
        }
    }

    private static void CheckFinite(float[] inputs, int inputLength, string parameter)
    {
        for (int i = 0; i < inputs.Length; i++)
        {
            if (!float.IsFinite(inputs[i]))
            {
                throw new ArgumentException($"Expected finite inputs, record {i / inputLength} has {inputs[i].ToString(CultureInfo.InvariantCulture)} at position {i % inputLength}.", parameter);
            }
        }
    }

    private static void CheckLabels(int[] labels)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] < 0)
            {
                throw new ArgumentException($"Expected class indices (>= 0) as labels, label {i} is {labels[i]}.", nameof(labels));
            }
        }
    }
}
