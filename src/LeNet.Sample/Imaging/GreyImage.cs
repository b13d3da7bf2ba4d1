using System;

namespace LeNet.Sample.Imaging;

/// <summary>A grey-scale image, row-major, one value per pixel in [0,1] (0 black, 1 white).</summary>
internal sealed class GreyImage
{
    public GreyImage(int width, int height, float[] pixels)
    {
        if (width <= 0 || height <= 0 || pixels.Length != (long)width * height)
        {
            throw new ArgumentException($"Expected {width}x{height} = {(long)width * height} pixels, got {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public float[] Pixels { get; }

    public float this[int x, int y] => Pixels[(y * Width) + x];
}
