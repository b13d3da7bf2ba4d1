using System;
using System.IO;
using StbImageWriteSharp;

namespace LeNet.Sample.Tests;

/// <summary>Renders MNIST test digits as a person's image files would be: another size, other colours, PNG or JPEG.</summary>
internal static class DigitImages
{
    /// <summary>
    /// Digit <paramref name="index"/> of <paramref name="test"/> scaled by <paramref name="scale"/> (bilinear) onto a
    /// canvas with margins, ink <paramref name="ink"/> on <paramref name="paper"/>, as RGB bytes.
    /// </summary>
    public static (byte[] Rgb, int Width, int Height) Render(Dataset test, int index, double scale, (byte R, byte G, byte B) ink, (byte R, byte G, byte B) paper, int marginX, int marginY)
    {
        ReadOnlySpan<float> input = test.Input(index);
        int side = (int)Math.Sqrt(input.Length);
        int width = (int)(side * scale) + (2 * marginX), height = (int)(side * scale) + (2 * marginY);
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double sx = ((x - marginX + 0.5) / scale) - 0.5, sy = ((y - marginY + 0.5) / scale) - 0.5;
                float v = Sample(input, side, sx, sy);
                int i = ((y * width) + x) * 3;
                rgb[i] = Mix(paper.R, ink.R, v);
                rgb[i + 1] = Mix(paper.G, ink.G, v);
                rgb[i + 2] = Mix(paper.B, ink.B, v);
            }
        }

        return (rgb, width, height);
    }

    public static void SavePng(string path, (byte[] Rgb, int Width, int Height) image)
    {
        using FileStream stream = File.Create(path);
        new ImageWriter().WritePng(image.Rgb, image.Width, image.Height, ColorComponents.RedGreenBlue, stream);
    }

    public static void SaveJpeg(string path, (byte[] Rgb, int Width, int Height) image, int quality = 90)
    {
        using FileStream stream = File.Create(path);
        new ImageWriter().WriteJpg(image.Rgb, image.Width, image.Height, ColorComponents.RedGreenBlue, stream, quality);
    }

    private static byte Mix(byte paper, byte ink, float v) => (byte)Math.Clamp((int)Math.Round(paper + ((ink - paper) * v)), 0, 255);

    private static float Sample(ReadOnlySpan<float> image, int side, double x, double y)
    {
        if (x < -1 || y < -1 || x > side || y > side)
        {
            return 0;
        }

        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        double ax = x - x0, ay = y - y0;
        return (float)((At(image, side, x0, y0) * (1 - ax) * (1 - ay)) + (At(image, side, x0 + 1, y0) * ax * (1 - ay)) + (At(image, side, x0, y0 + 1) * (1 - ax) * ay) + (At(image, side, x0 + 1, y0 + 1) * ax * ay));
    }

    private static float At(ReadOnlySpan<float> image, int side, int x, int y) => x < 0 || y < 0 || x >= side || y >= side ? 0 : image[(y * side) + x];
}
