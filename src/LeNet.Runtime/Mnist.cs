using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;

namespace LeNet;

/// <summary>
/// Loads the MNIST handwritten digits (28x28 grey-scale, labels 0 to 9) from the four IDX files of the original
/// distribution into a <see cref="Dataset"/>.
/// </summary>
/// <remarks>
/// Each file may be gzip-compressed (<c>train-images-idx3-ubyte.gz</c>) or raw (<c>train-images-idx3-ubyte</c>); the
/// compressed name is tried first. Pixels are scaled to [0,1] as <c>byte / 255f</c>. By default each image is padded
/// with 2 zero pixels on every side to 32x32, the input size of LeNet-5 (LeCun et al. 1998, section II.B), so the
/// input of a <c>[Input(height: 32, width: 32)]</c> network is one padded image.
/// </remarks>
public static class Mnist
{
    /// <summary>Rows and columns of an MNIST image as stored.</summary>
    public const int ImageSide = 28;

    /// <summary>Rows and columns of an image padded for LeNet-5.</summary>
    public const int PaddedSide = 32;

    /// <summary>Number of classes: the digits 0 to 9.</summary>
    public const int ClassCount = 10;

    /// <summary>Mean pixel of the training images in [0,1] scale (the usual <c>Normalize((0.1307,), (0.3081,))</c>).</summary>
    public const float Mean = 0.1307f;

    /// <summary>Standard deviation of the training pixels in [0,1] scale.</summary>
    public const float StdDev = 0.3081f;

    /// <summary>The four files that make up MNIST, under their gzip names.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
    [
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ];

    /// <summary>The gzip name of the image file of <paramref name="split"/>.</summary>
    /// <param name="split">Training or test set.</param>
    public static string ImagesFileName(MnistSplit split) => FileNames[split == MnistSplit.Train ? 0 : 2];

    /// <summary>The gzip name of the label file of <paramref name="split"/>.</summary>
    /// <param name="split">Training or test set.</param>
    public static string LabelsFileName(MnistSplit split) => FileNames[split == MnistSplit.Train ? 1 : 3];

    /// <summary>Whether all four MNIST files are in <paramref name="directory"/>, each gzip-compressed or raw.</summary>
    /// <param name="directory">The folder to look in.</param>
    public static bool IsAvailable(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        foreach (string name in FileNames)
        {
            if (Find(directory, name) is null)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Loads one split of MNIST.</summary>
    /// <param name="directory">The folder holding the files.</param>
    /// <param name="split">Training or test set.</param>
    /// <param name="padTo32">
    /// Pad each 28x28 image with 2 pixels of background on every side to 32x32 (the default). When false the inputs
    /// are the 28x28 images as stored.
    /// </param>
    /// <param name="normalize">
    /// Map each pixel <c>p</c> in [0,1] to <c>(p - <see cref="Mean"/>) / <see cref="StdDev"/></c>. Off by default: the
    /// inputs stay in [0,1]. Padding is applied first, so the border then holds the normalized background value, not 0.
    /// </param>
    /// <returns>
    /// A data set of 60,000 (training) or 10,000 (test) records in the original order, each input one channel of
    /// 32x32 (or 28x28) floats, row-major, each label a digit 0 to 9.
    /// </returns>
    /// <exception cref="FileNotFoundException">A file is missing; the message is <see cref="MissingDataMessage"/>.</exception>
    /// <exception cref="InvalidDataException">
    /// A file is malformed, the images are not 28x28, the image and label counts differ, or a label is outside 0..9.
    /// </exception>
    public static Dataset Load(string directory, MnistSplit split, bool padTo32 = true, bool normalize = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string imagesPath = Find(directory, ImagesFileName(split))
            ?? throw new FileNotFoundException(MissingDataMessage(directory), Path.Combine(directory, ImagesFileName(split)));
        string labelsPath = Find(directory, LabelsFileName(split))
            ?? throw new FileNotFoundException(MissingDataMessage(directory), Path.Combine(directory, LabelsFileName(split)));

        IdxImages images = IdxReader.ReadImages(imagesPath);
        byte[] rawLabels = IdxReader.ReadLabels(labelsPath);

        if (images.Rows != ImageSide || images.Columns != ImageSide)
        {
            throw new InvalidDataException(
                $"MNIST image file '{imagesPath}': expected {ImageSide}x{ImageSide} images, found {images.Rows}x{images.Columns}.");
        }

        if (images.Count != rawLabels.Length)
        {
            throw new InvalidDataException(
                $"MNIST split {split}: expected as many labels as images, but '{imagesPath}' holds {images.Count} images and '{labelsPath}' holds {rawLabels.Length} labels.");
        }

        var labels = new int[rawLabels.Length];
        for (int i = 0; i < rawLabels.Length; i++)
        {
            if (rawLabels[i] >= ClassCount)
            {
                throw new InvalidDataException(
                    $"MNIST label file '{labelsPath}': expected labels 0 to {ClassCount - 1}, label {i} is {rawLabels[i]}.");
            }

            labels[i] = rawLabels[i];
        }

        // byte -> float through a 256-entry table: exactly byte / 255f (and then the optional normalization).
        Span<float> table = stackalloc float[256];
        for (int b = 0; b < 256; b++)
        {
            table[b] = normalize ? (b / 255f - Mean) / StdDev : b / 255f;
        }

        int side = padTo32 ? PaddedSide : ImageSide;
        if ((long)images.Count * side * side > Array.MaxLength)
        {
            throw new InvalidDataException(
                $"MNIST image file '{imagesPath}': {images.Count} images of {side}x{side} floats do not fit in one array.");
        }

        var inputs = new float[images.Count * side * side];
        Expand(images.Pixels, images.Count, table, side, inputs);
        return Dataset.Wrap(inputs, labels, side * side);
    }

    /// <summary>
    /// Writes each 28x28 image of <paramref name="pixels"/> through <paramref name="table"/> into the centre of a
    /// <paramref name="side"/> x <paramref name="side"/> input, the border set to <c>table[0]</c>.
    /// </summary>
    /// <remarks>Runs once per load over ~47 million pixels, so it is compiled fully optimized at once rather than tiered up.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Expand(ReadOnlySpan<byte> pixels, int count, ReadOnlySpan<float> table, int side, Span<float> inputs)
    {
        int border = (side - ImageSide) / 2;
        int inputLength = side * side;
        if (table[0] != 0f)
        {
            inputs.Fill(table[0]);
        }

        for (int n = 0; n < count; n++)
        {
            ReadOnlySpan<byte> image = pixels.Slice(n * ImageSide * ImageSide, ImageSide * ImageSide);
            Span<float> input = inputs.Slice(n * inputLength, inputLength);
            for (int r = 0; r < ImageSide; r++)
            {
                ReadOnlySpan<byte> source = image.Slice(r * ImageSide, ImageSide);
                Span<float> destination = input.Slice((r + border) * side + border, ImageSide);
                for (int c = 0; c < ImageSide; c++)
                {
                    destination[c] = table[source[c]];
                }
            }
        }
    }

    /// <summary>
    /// The message for missing MNIST files: where it looked, which files are missing and which four files are needed.
    /// </summary>
    /// <remarks>It ends without a newline, so a caller that knows where its data usually lives can add how to provide it.</remarks>
    /// <param name="directory">The folder that was searched.</param>
    public static string MissingDataMessage(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var text = new StringBuilder();
        string fullPath = Path.GetFullPath(directory);
        text.Append("MNIST data not found: looked in '").Append(fullPath).Append("'.\n");

        var missing = new List<string>();
        foreach (string name in FileNames)
        {
            if (Find(directory, name) is null)
            {
                missing.Add(name);
            }
        }
        if (missing.Count > 0)
        {
            text.Append("Missing: ").Append(string.Join(", ", missing)).Append(".\n");
        }

        text.Append("MNIST needs these four files (gzip-compressed, or raw IDX under the same names without .gz):\n");
        foreach (string name in FileNames)
        {
            text.Append("  ").Append(name).Append('\n');
        }

        return text.ToString(0, text.Length - 1);
    }

    /// <summary>The path of <paramref name="gzipName"/> in <paramref name="directory"/>, or of its raw form without <c>.gz</c>; null when neither exists.</summary>
    private static string? Find(string directory, string gzipName)
    {
        string compressed = Path.Combine(directory, gzipName);
        if (File.Exists(compressed))
        {
            return compressed;
        }

        string raw = Path.Combine(directory, gzipName[..^".gz".Length]);
        return File.Exists(raw) ? raw : null;
    }
}
