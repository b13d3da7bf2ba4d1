using System;
using LeNet.Training;

namespace LeNet.Runtime.Tests;

/// <summary>
/// The augmenter's bilinear resample written plainly, one pixel and one corner at a time with bounds-checked reads:
/// what <see cref="ImageAugmenter"/> computed before it was vectorised, kept to check the fast path bit for bit.
/// </summary>
internal static class ReferenceResample
{
    public static void Apply(ReadOnlySpan<float> source, Span<float> destination, int channels, int height, int width, ImageTransform transform, ReadOnlySpan<float> displacementX, ReadOnlySpan<float> displacementY, float? fill)
    {
        int plane = height * width;
        float centreX = (width - 1) * 0.5f;
        float centreY = (height - 1) * 0.5f;
        double angle = transform.RotationDegrees * (Math.PI / 180.0);
        float cos = (float)(Math.Cos(angle) / transform.Scale);
        float sin = (float)(Math.Sin(angle) / transform.Scale);
        for (int y = 0; y < height; y++)
        {
            float v = y - centreY - transform.ShiftY;
            for (int x = 0; x < width; x++)
            {
                float u = x - centreX - transform.ShiftX;
                int pixel = (y * width) + x;
                float sourceX = centreX + (cos * u) + (sin * v);
                float sourceY = centreY - (sin * u) + (cos * v);
                if (!displacementX.IsEmpty)
                {
                    sourceX += displacementX[pixel];
                    sourceY += displacementY[pixel];
                }

                sourceX = Math.Clamp(sourceX, -2f, width + 1f);
                sourceY = Math.Clamp(sourceY, -2f, height + 1f);
                int x0 = (int)MathF.Floor(sourceX);
                int y0 = (int)MathF.Floor(sourceY);
                float fx = sourceX - x0;
                float fy = sourceY - y0;
                for (int c = 0; c < channels; c++)
                {
                    ReadOnlySpan<float> channel = source.Slice(c * plane, plane);
                    destination[(c * plane) + pixel] =
                        ((1 - fx) * (1 - fy) * Read(channel, x0, y0)) + (fx * (1 - fy) * Read(channel, x0 + 1, y0))
                        + ((1 - fx) * fy * Read(channel, x0, y0 + 1)) + (fx * fy * Read(channel, x0 + 1, y0 + 1));
                }
            }
        }

        float Read(ReadOnlySpan<float> channel, int x, int y)
        {
            if ((uint)x < (uint)width && (uint)y < (uint)height)
            {
                return channel[(y * width) + x];
            }

            return fill ?? channel[(Math.Clamp(y, 0, height - 1) * width) + Math.Clamp(x, 0, width - 1)];
        }
    }
}
