using System;

namespace LeNet.Sample.Imaging;

/// <summary>
/// Turns a picture of one hand-written digit into the network's input the way MNIST was made: grey-scale, ink bright on
/// black, the ink's bounding box scaled (keeping its aspect ratio, anti-aliased) to fit 20x20, placed in 28x28 so its
/// centre of mass sits at the centre, then padded with 2 pixels to the 32x32 input, as <see cref="Mnist.Load"/> pads.
/// </summary>
internal static class DigitPreprocessor
{
    public const int Side = Mnist.ImageSide;
    public const int Box = 20;
    private const float InkThreshold = 0.2f;

    /// <summary>The 28x28 MNIST-style image (ink 1, background 0) of <paramref name="image"/>.</summary>
    /// <exception cref="ArgumentException">The image holds no ink (it is one flat colour).</exception>
    public static float[] ToMnist(GreyImage image)
    {
        float[] ink = InkOf(image);
        int left = image.Width, top = image.Height, right = -1, bottom = -1;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                if (ink[(y * image.Width) + x] > InkThreshold)
                {
                    left = Math.Min(left, x);
                    right = Math.Max(right, x);
                    top = Math.Min(top, y);
                    bottom = Math.Max(bottom, y);
                }
            }
        }

        if (right < 0)
        {
            throw new ArgumentException("Expected a digit, found no ink: the image is a single flat colour.");
        }

        int boxWidth = right - left + 1, boxHeight = bottom - top + 1;
        float scale = (float)Box / Math.Max(boxWidth, boxHeight);
        int width = Math.Max(1, (int)MathF.Round(boxWidth * scale)), height = Math.Max(1, (int)MathF.Round(boxHeight * scale));
        float[] scaled = Resample(ink, image.Width, left, top, boxWidth, boxHeight, width, height);

        // Centre of mass of the scaled digit, moved to the centre of the 28x28 field.
        double mass = 0, sumX = 0, sumY = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float v = scaled[(y * width) + x];
                mass += v;
                sumX += v * (x + 0.5);
                sumY += v * (y + 0.5);
            }
        }

        int offsetX = (int)Math.Round((Side / 2.0) - (sumX / mass));
        int offsetY = (int)Math.Round((Side / 2.0) - (sumY / mass));
        offsetX = Math.Clamp(offsetX, 0, Side - width);
        offsetY = Math.Clamp(offsetY, 0, Side - height);
        var result = new float[Side * Side];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                result[((y + offsetY) * Side) + x + offsetX] = scaled[(y * width) + x];
            }
        }

        return result;
    }

    /// <summary>The 32x32 network input: <see cref="ToMnist"/> padded by 2 pixels of background on every side.</summary>
    public static float[] ToInput(GreyImage image) => Pad(ToMnist(image));

    public static float[] Pad(ReadOnlySpan<float> mnist)
    {
        const int side = Mnist.PaddedSide, border = (side - Side) / 2;
        var input = new float[side * side];
        for (int y = 0; y < Side; y++)
        {
            mnist.Slice(y * Side, Side).CopyTo(input.AsSpan(((y + border) * side) + border, Side));
        }

        return input;
    }

    /// <summary>
    /// Ink in [0,1] whatever the polarity: the background is the median of the border pixels; ink is the distance from
    /// it, stretched so the strongest ink is 1. Dark on light and light on dark give the same result.
    /// </summary>
    private static float[] InkOf(GreyImage image)
    {
        int w = image.Width, h = image.Height;
        var border = new System.Collections.Generic.List<float>((2 * w) + (2 * h));
        for (int x = 0; x < w; x++)
        {
            border.Add(image[x, 0]);
            border.Add(image[x, h - 1]);
        }

        for (int y = 0; y < h; y++)
        {
            border.Add(image[0, y]);
            border.Add(image[w - 1, y]);
        }

        border.Sort();
        float background = border[border.Count / 2];
        bool lightBackground = background >= 0.5f;
        var ink = new float[w * h];
        float max = 0;
        for (int i = 0; i < ink.Length; i++)
        {
            float v = lightBackground ? background - image.Pixels[i] : image.Pixels[i] - background;
            ink[i] = Math.Max(0, v);
            max = Math.Max(max, ink[i]);
        }

        if (max < 0.05f)
        {
            throw new ArgumentException("Expected a digit, found no ink: the image has no contrast with its background.");
        }

        for (int i = 0; i < ink.Length; i++)
        {
            ink[i] = Math.Min(1f, ink[i] / max);
        }

        return ink;
    }

    /// <summary>
    /// Area-averaging resample of a box of <paramref name="source"/> to <paramref name="width"/> x <paramref name="height"/>:
    /// each target pixel averages a grid of bilinear samples over its footprint, which anti-aliases when shrinking and
    /// interpolates when enlarging.
    /// </summary>
    private static float[] Resample(float[] source, int stride, int left, int top, int boxWidth, int boxHeight, int width, int height)
    {
        int sourceHeight = source.Length / stride;
        float stepX = (float)boxWidth / width, stepY = (float)boxHeight / height;
        int samples = Math.Clamp((int)MathF.Ceiling(Math.Max(stepX, stepY)) * 2, 2, 16);
        var result = new float[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float sum = 0;
                for (int sy = 0; sy < samples; sy++)
                {
                    float fy = top + ((y + ((sy + 0.5f) / samples)) * stepY) - 0.5f;
                    for (int sx = 0; sx < samples; sx++)
                    {
                        float fx = left + ((x + ((sx + 0.5f) / samples)) * stepX) - 0.5f;
                        sum += Bilinear(source, stride, sourceHeight, fx, fy);
                    }
                }

                result[(y * width) + x] = sum / (samples * samples);
            }
        }

        return result;
    }

    private static float Bilinear(float[] source, int width, int height, float x, float y)
    {
        x = Math.Clamp(x, 0, width - 1);
        y = Math.Clamp(y, 0, height - 1);
        int x0 = (int)x, y0 = (int)y;
        int x1 = Math.Min(x0 + 1, width - 1), y1 = Math.Min(y0 + 1, height - 1);
        float ax = x - x0, ay = y - y0;
        float top = (source[(y0 * width) + x0] * (1 - ax)) + (source[(y0 * width) + x1] * ax);
        float bottom = (source[(y1 * width) + x0] * (1 - ax)) + (source[(y1 * width) + x1] * ax);
        return (top * (1 - ay)) + (bottom * ay);
    }
}
