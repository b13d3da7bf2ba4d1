using System;

namespace LeNet.Training;

/// <summary>
/// Random distortions applied to every training image on the fly, a fresh draw per example and epoch: a translation,
/// a small rotation and scaling about the centre, and optionally an elastic distortion (Simard, Steinkraus and Platt
/// 2003). Set <see cref="TrainingOptions.Augmentation"/> to use it; evaluation always sees the images as they are.
/// </summary>
/// <remarks>
/// The defaults (shift up to 2 pixels, rotation up to 10°, scale within ±10%, no elastic distortion) are mild
/// geometric jitter that suits any small grey-scale or colour image set, not only handwriting; elastic distortion is
/// for handwriting and stays off until <see cref="ElasticAlpha"/> is set. Every value is drawn uniformly from its
/// range from a generator keyed by (seed, epoch, example index), so a run is the same for every thread count.
/// </remarks>
public sealed record ImageAugmentation
{
    /// <summary>No distortion at all: every example is used as it is (useful to switch single transforms on).</summary>
    public static ImageAugmentation None { get; } = new() { MaxShift = 0, MaxRotationDegrees = 0, MaxScale = 0 };

    /// <summary>Largest translation in pixels along each axis, drawn from [−MaxShift, MaxShift] (2).</summary>
    public float MaxShift { get; init; } = 2f;

    /// <summary>Largest rotation about the image centre in degrees, drawn from [−Max, Max] (10).</summary>
    public float MaxRotationDegrees { get; init; } = 10f;

    /// <summary>Largest relative change of size: the scale factor is drawn from [1 − MaxScale, 1 + MaxScale] (0.1).</summary>
    public float MaxScale { get; init; } = 0.1f;

    /// <summary>
    /// Strength α of the elastic distortion in pixels: a uniform random displacement field in [−1, 1], smoothed by a
    /// Gaussian of <see cref="ElasticSigma"/>, times α. 0 (the default) turns it off; Simard et al. used α = 34, σ = 4
    /// on 28x28 digits.
    /// </summary>
    public float ElasticAlpha { get; init; }

    /// <summary>Standard deviation σ in pixels of the Gaussian that smooths the elastic displacement field (4).</summary>
    public float ElasticSigma { get; init; } = 4f;

    /// <summary>
    /// The value of pixels that come from outside the image; null (the default) repeats the nearest edge pixel, which
    /// is the background of centred objects whether or not the data are normalised.
    /// </summary>
    public float? Fill { get; init; }

    /// <summary>
    /// Epochs over which the distortions ramp in (0, the default: full strength from the first epoch). In epoch e
    /// (0-based) below RampEpochs every range (shift, rotation, scale, elastic α) is scaled by e / RampEpochs, so the
    /// first epoch trains on the images as they are and learns fastest, and later epochs get the full distortions.
    /// </summary>
    public int RampEpochs { get; init; }

    /// <summary>
    /// The first epoch (0-based) that trains on the images as they are again, so that the last epochs fit the
    /// undistorted data the network will see; 0 (the default) keeps the distortions to the end of the run.
    /// </summary>
    public int EndEpoch { get; init; }

    /// <summary>Channels per image; every channel gets the same distortion (1).</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Rows per image; 0 (the default) takes square images from the network's input length and <see cref="Channels"/>.</summary>
    public int Height { get; init; }

    /// <summary>Columns per image; 0 (the default) takes square images from the network's input length and <see cref="Channels"/>.</summary>
    public int Width { get; init; }

    /// <summary>
    /// The fraction of the full distortion used in epoch <paramref name="epoch"/> (0-based): e / <see cref="RampEpochs"/>
    /// while ramping in, then 1, and 0 from <see cref="EndEpoch"/> on when that is set.
    /// </summary>
    public float StrengthAt(int epoch) =>
        EndEpoch > 0 && epoch >= EndEpoch ? 0f : epoch >= RampEpochs ? 1f : Math.Max(0, epoch) / (float)RampEpochs;

    /// <summary>Whether the settings change an image at all.</summary>
    public bool IsIdentity => MaxShift == 0 && MaxRotationDegrees == 0 && MaxScale == 0 && ElasticAlpha == 0;

    /// <summary>
    /// The settings as one line of invariant text, as checkpoints record them (<c>shift=2, rotation=10, scale=0.1</c>,
    /// then the elastic distortion, fill and shape when they are not the defaults); <c>none</c> for null.
    /// </summary>
    public static string Describe(ImageAugmentation? augmentation)
    {
        if (augmentation is null)
        {
            return "none";
        }

        var text = new System.Text.StringBuilder();
        System.Globalization.CultureInfo invariant = System.Globalization.CultureInfo.InvariantCulture;
        text.Append(invariant, $"shift={augmentation.MaxShift}, rotation={augmentation.MaxRotationDegrees}, scale={augmentation.MaxScale}");
        if (augmentation.ElasticAlpha > 0)
        {
            text.Append(invariant, $", elastic={augmentation.ElasticAlpha}, sigma={augmentation.ElasticSigma}");
        }

        if (augmentation.RampEpochs > 0)
        {
            text.Append(invariant, $", ramp={augmentation.RampEpochs}");
        }

        if (augmentation.EndEpoch > 0)
        {
            text.Append(invariant, $", end={augmentation.EndEpoch}");
        }

        if (augmentation.Fill is float fill)
        {
            text.Append(invariant, $", fill={fill}");
        }

        if (augmentation.Channels != 1 || augmentation.Height != 0 || augmentation.Width != 0)
        {
            text.Append(invariant, $", channels={augmentation.Channels}, height={augmentation.Height}, width={augmentation.Width}");
        }

        return text.ToString();
    }

    /// <summary>Checks every setting and works out the image shape for inputs of <paramref name="inputLength"/> floats.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is negative, not finite or out of range.</exception>
    /// <exception cref="ArgumentException">The image shape does not match the input length.</exception>
    internal (int Channels, int Height, int Width) Resolve(int inputLength)
    {
        CheckRange(MaxShift, nameof(MaxShift), float.MaxValue);
        CheckRange(MaxRotationDegrees, nameof(MaxRotationDegrees), 180f);
        CheckRange(MaxScale, nameof(MaxScale), 0.9f);
        CheckRange(ElasticAlpha, nameof(ElasticAlpha), float.MaxValue);
        if (!(ElasticSigma > 0) || !float.IsFinite(ElasticSigma))
        {
            throw new ArgumentOutOfRangeException(nameof(ElasticSigma), ElasticSigma, "Expected a positive, finite elastic sigma in pixels.");
        }

        if (Fill is float fill && !float.IsFinite(fill))
        {
            throw new ArgumentOutOfRangeException(nameof(Fill), fill, "Expected a finite fill value, or null to repeat the edge pixels.");
        }

        if (RampEpochs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RampEpochs), RampEpochs, "Expected 0 or more epochs to ramp the distortions in over.");
        }

        if (EndEpoch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(EndEpoch), EndEpoch, "Expected 0 (distort to the end) or the first epoch to train undistorted.");
        }

        if (Channels <= 0 || Height < 0 || Width < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Channels), $"Expected a positive channel count and non-negative height and width, got {Channels} channels, height {Height}, width {Width}.");
        }

        if (inputLength % Channels != 0)
        {
            throw new ArgumentException($"Expected an input length divisible by the {Channels} channel(s) of the augmentation, got {inputLength}.");
        }

        int plane = inputLength / Channels;
        int height = Height, width = Width;
        if (height == 0 && width == 0)
        {
            int side = (int)Math.Round(Math.Sqrt(plane));
            if (side * side != plane)
            {
                throw new ArgumentException($"Expected square images of {Channels} channel(s) for an input of {inputLength} floats, but {plane} floats per channel is not a square: set ImageAugmentation.Height and Width.");
            }

            height = width = side;
        }
        else if ((long)height * width != plane)
        {
            throw new ArgumentException($"Expected {Channels} x {height} x {width} = {(long)Channels * height * width} floats per image from the augmentation's shape, but the network's input has {inputLength}.");
        }

        return (Channels, height, width);
    }

    private static void CheckRange(float value, string name, float largest)
    {
        if (!(value >= 0) || !float.IsFinite(value) || value > largest)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Expected {name} between 0 and {largest}.");
        }
    }
}
