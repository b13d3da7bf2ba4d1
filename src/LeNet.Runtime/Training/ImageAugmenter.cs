using System;
using System.Numerics.Tensors;

namespace LeNet.Training;

/// <summary>
/// Applies an <see cref="ImageAugmentation"/> to one image at a time: draws a distortion from (seed, epoch, index),
/// maps every output pixel back into the source and reads it there bilinearly. All scratch space (the elastic
/// displacement field) is allocated by the constructor, so <see cref="Apply(ReadOnlySpan{float}, Span{float}, int, int, int)"/>
/// allocates nothing. One instance serves one thread at a time: the trainer keeps one per worker.
/// </summary>
public sealed partial class ImageAugmenter
{
    private readonly float[] _displacementX;
    private readonly float[] _displacementY;
    private readonly float[] _padded;
    private readonly float[] _transposed;
    private readonly float[] _kernel;

    /// <summary>Prepares the augmentation of inputs of <paramref name="inputLength"/> floats (channel-major C,H,W).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    /// <exception cref="ArgumentException">The image shape of <paramref name="settings"/> does not fit the input length.</exception>
    public ImageAugmenter(ImageAugmentation settings, int inputLength)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputLength);
        (Channels, Height, Width) = settings.Resolve(inputLength);
        Settings = settings;
        InputLength = inputLength;
        int plane = Height * Width;
        bool elastic = settings.ElasticAlpha > 0;
        _displacementX = elastic ? new float[plane] : [];
        _displacementY = elastic ? new float[plane] : [];
        _kernel = elastic ? GaussianKernel(settings.ElasticSigma) : [];
        _padded = elastic ? new float[(Math.Max(Height, Width) + _kernel.Length - 1) * Math.Max(Height, Width)] : [];
        _transposed = elastic ? new float[plane] : [];
    }

    /// <summary>The settings.</summary>
    public ImageAugmentation Settings { get; }

    /// <summary>Channels per image.</summary>
    public int Channels { get; }

    /// <summary>Rows per image.</summary>
    public int Height { get; }

    /// <summary>Columns per image.</summary>
    public int Width { get; }

    /// <summary>Floats per image: <see cref="Channels"/> × <see cref="Height"/> × <see cref="Width"/>.</summary>
    public int InputLength { get; }

    /// <summary>The geometric distortion drawn for example <paramref name="index"/> in epoch <paramref name="epoch"/> (0-based) of a run with <paramref name="seed"/>.</summary>
    public ImageTransform Draw(int seed, int epoch, int index)
    {
        var random = new AugmentationRandom(seed, epoch, index);
        return Draw(ref random, Settings.StrengthAt(epoch));
    }

    /// <summary>
    /// Writes the distorted <paramref name="source"/> to <paramref name="destination"/>: the distortion drawn for
    /// example <paramref name="index"/> in epoch <paramref name="epoch"/> of a run with <paramref name="seed"/>,
    /// elastic distortion included when it is on. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">A span is not <see cref="InputLength"/> long.</exception>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination, int seed, int epoch, int index)
    {
        CheckLengths(source, destination);
        float strength = Settings.StrengthAt(epoch);
        if (Settings.IsIdentity || strength == 0)
        {
            source.CopyTo(destination);
            return;
        }

        var random = new AugmentationRandom(seed, epoch, index);
        ImageTransform transform = Draw(ref random, strength);
        if (Settings.ElasticAlpha > 0)
        {
            FillDisplacements(ref random, strength);
            Resample(source, destination, transform, _displacementX, _displacementY);
        }
        else
        {
            Resample(source, destination, transform, default, default);
        }
    }

    /// <summary>Writes <paramref name="source"/> distorted by exactly <paramref name="transform"/> (no elastic part) to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">A span is not <see cref="InputLength"/> long, or the scale is not positive.</exception>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination, ImageTransform transform)
    {
        CheckLengths(source, destination);
        CheckTransform(transform);
        Resample(source, destination, transform, default, default);
    }

    /// <summary>
    /// As <see cref="Apply(ReadOnlySpan{float}, Span{float}, ImageTransform)"/>, then displaced per output pixel:
    /// output pixel p reads the source at the transformed position plus (<paramref name="displacementX"/>[p],
    /// <paramref name="displacementY"/>[p]), Simard's elastic step with a given field.
    /// </summary>
    internal void Apply(ReadOnlySpan<float> source, Span<float> destination, ImageTransform transform, ReadOnlySpan<float> displacementX, ReadOnlySpan<float> displacementY)
    {
        CheckLengths(source, destination);
        CheckTransform(transform);
        int plane = Height * Width;
        if (displacementX.Length != plane || displacementY.Length != plane)
        {
            throw new ArgumentException($"Expected displacement fields of {plane} floats, got {displacementX.Length} and {displacementY.Length}.");
        }

        Resample(source, destination, transform, displacementX, displacementY);
    }

    /// <summary>The elastic displacement field drawn for an example, copied out (for tests and pictures).</summary>
    internal void DrawDisplacements(int seed, int epoch, int index, Span<float> displacementX, Span<float> displacementY)
    {
        var random = new AugmentationRandom(seed, epoch, index);
        float strength = Settings.StrengthAt(epoch);
        Draw(ref random, strength);
        FillDisplacements(ref random, strength);
        _displacementX.CopyTo(displacementX);
        _displacementY.CopyTo(displacementY);
    }

    private ImageTransform Draw(ref AugmentationRandom random, float strength)
    {
        // Always four draws in this order, so switching one transform on does not change what the others draw; at
        // full strength the ranges are multiplied by exactly 1.
        float shiftX = random.NextSymmetric(Settings.MaxShift * strength);
        float shiftY = random.NextSymmetric(Settings.MaxShift * strength);
        float rotation = random.NextSymmetric(Settings.MaxRotationDegrees * strength);
        float scale = 1f + random.NextSymmetric(Settings.MaxScale * strength);
        return new ImageTransform(shiftX, shiftY, rotation, scale);
    }

    /// <summary>Uniform noise in [−1, 1] per pixel and axis, smoothed by the Gaussian, times α (Simard et al. 2003, section 2).</summary>
    private void FillDisplacements(ref AugmentationRandom random, float strength)
    {
        for (int i = 0; i < _displacementX.Length; i++)
        {
            _displacementX[i] = random.NextSymmetric(1f);
            _displacementY[i] = random.NextSymmetric(1f);
        }

        Smooth(_displacementX, Settings.ElasticAlpha * strength);
        Smooth(_displacementY, Settings.ElasticAlpha * strength);
    }

    /// <summary>
    /// Separable Gaussian blur in place, edges repeated, scaled by α: down the columns, then (transposed) along the
    /// rows, each pass one vector multiply-add of the whole plane per kernel tap.
    /// </summary>
    private void Smooth(Span<float> field, float alpha)
    {
        BlurColumns(field, _transposed, Height, Width, 1f);
        Transpose(_transposed, field, Height, Width);
        BlurColumns(field, _transposed, Width, Height, alpha);
        Transpose(_transposed, field, Width, Height);
    }

    /// <summary>destination (rows x columns) = scale · source blurred down each column, the edge rows repeated.</summary>
    private void BlurColumns(ReadOnlySpan<float> source, Span<float> destination, int rows, int columns, float scale)
    {
        int radius = _kernel.Length / 2;
        int plane = rows * columns;
        Span<float> padded = _padded.AsSpan(0, (rows + (2 * radius)) * columns);
        for (int r = 0; r < radius; r++)
        {
            source[..columns].CopyTo(padded.Slice(r * columns, columns));
            source.Slice(plane - columns, columns).CopyTo(padded.Slice((radius + rows + r) * columns, columns));
        }

        source[..plane].CopyTo(padded.Slice(radius * columns, plane));
        TensorPrimitives.Multiply(padded[..plane], _kernel[0] * scale, destination[..plane]);
        for (int k = 1; k < _kernel.Length; k++)
        {
            TensorPrimitives.MultiplyAdd(padded.Slice(k * columns, plane), _kernel[k] * scale, destination[..plane], destination[..plane]);
        }
    }

    /// <summary>destination (columns x rows) = the transpose of source (rows x columns).</summary>
    private static void Transpose(ReadOnlySpan<float> source, Span<float> destination, int rows, int columns)
    {
        for (int y = 0; y < rows; y++)
        {
            for (int x = 0; x < columns; x++)
            {
                destination[(x * rows) + y] = source[(y * columns) + x];
            }
        }
    }

    private void CheckLengths(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (source.Length != InputLength || destination.Length != InputLength)
        {
            throw new ArgumentException($"Expected source and destination images of {InputLength} floats ({Channels}x{Height}x{Width}), got {source.Length} and {destination.Length}.");
        }
    }

    private static void CheckTransform(ImageTransform transform)
    {
        if (!(transform.Scale > 0) || !float.IsFinite(transform.Scale) || !float.IsFinite(transform.ShiftX) || !float.IsFinite(transform.ShiftY) || !float.IsFinite(transform.RotationDegrees))
        {
            throw new ArgumentException($"Expected finite shifts and rotation and a positive, finite scale, got {transform}.", nameof(transform));
        }
    }

    /// <summary>Normalised Gaussian weights over ±⌈3σ⌉ pixels.</summary>
    private static float[] GaussianKernel(float sigma)
    {
        int radius = (int)Math.Ceiling(3 * sigma);
        var kernel = new float[(2 * radius) + 1];
        double total = 0;
        for (int k = -radius; k <= radius; k++)
        {
            total += Math.Exp(-(k * k) / (2.0 * sigma * sigma));
        }

        for (int k = -radius; k <= radius; k++)
        {
            kernel[k + radius] = (float)(Math.Exp(-(k * k) / (2.0 * sigma * sigma)) / total);
        }

        return kernel;
    }
}
