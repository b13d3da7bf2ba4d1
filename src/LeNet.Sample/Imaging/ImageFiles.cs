using System;
using System.IO;
using StbImageSharp;

namespace LeNet.Sample.Imaging;

/// <summary>Reads PNG and JPEG files (StbImageSharp: pure managed, no native code, AOT-safe) as grey-scale.</summary>
internal static class ImageFiles
{
    /// <summary>Largest side accepted, so a hostile header cannot ask for gigabytes.</summary>
    public const int MaxSide = 8192;

    /// <summary>The picture in <paramref name="path"/>, transparency composited over white, as luminance.</summary>
    /// <exception cref="InvalidDataException">The file is not a PNG or JPEG image stb_image can read, or is too large.</exception>
    public static GreyImage ReadGrey(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        ImageInfo? info = ImageInfo.FromStream(new MemoryStream(bytes));
        if (info is not { } header)
        {
            throw new InvalidDataException($"expected a PNG or JPEG image, found {Describe(bytes)}.");
        }

        if (header.Width > MaxSide || header.Height > MaxSide)
        {
            throw new InvalidDataException($"expected an image of at most {MaxSide}x{MaxSide} pixels, found {header.Width}x{header.Height}.");
        }

        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(bytes, ColorComponents.RedGreenBlueAlpha);
        }
        catch (Exception error) when (error is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException)
        {
            throw new InvalidDataException($"the image data is damaged ({error.Message}).", error);
        }

        var pixels = new float[image.Width * image.Height];
        byte[] data = image.Data;
        for (int i = 0; i < pixels.Length; i++)
        {
            float r = data[4 * i], g = data[(4 * i) + 1], b = data[(4 * i) + 2], a = data[(4 * i) + 3] / 255f;
            float luminance = ((0.299f * r) + (0.587f * g) + (0.114f * b)) / 255f;
            pixels[i] = (luminance * a) + (1 - a);
        }

        return new GreyImage(image.Width, image.Height, pixels);
    }

    private static string Describe(byte[] bytes) =>
        bytes.Length == 0 ? "an empty file" : $"{bytes.Length:N0} bytes starting {Convert.ToHexString(bytes, 0, Math.Min(8, bytes.Length))}";
}
