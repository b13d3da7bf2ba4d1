using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LeNet.Training;

/// <summary>The bilinear resample behind <see cref="ImageAugmenter"/>: eight output pixels at a time where AVX2 gathers exist.</summary>
public sealed partial class ImageAugmenter
{
    /// <summary>
    /// Output pixel (x, y) reads the source at c + R(−θ)(p − c − t)/s (+ displacement): the inverse of scaling and
    /// turning about the centre c, then shifting by t. Channels share the mapping. A read outside the image takes
    /// <see cref="ImageAugmentation.Fill"/>, or without one the nearest edge pixel, which is the same as reading at the
    /// clamped position; so every corner is read at a clamped index, and the fill (when set) is chosen by a mask. The
    /// vector and the scalar paths do the same float operations in the same order, so they give the same bits.
    /// </summary>
    private void Resample(ReadOnlySpan<float> source, Span<float> destination, ImageTransform transform, ReadOnlySpan<float> displacementX, ReadOnlySpan<float> displacementY)
    {
        var mapping = new Mapping(transform, Width, Height);
        int vectorWidth = Avx2.IsSupported ? Width - (Width % Vector256<float>.Count) : 0;
        for (int y = 0; y < Height; y++)
        {
            if (vectorWidth > 0)
            {
                ResampleRowVector(source, destination, mapping, displacementX, displacementY, y, vectorWidth);
            }

            for (int x = vectorWidth; x < Width; x++)
            {
                ResamplePixel(source, destination, mapping, displacementX, displacementY, x, y);
            }
        }
    }

    /// <summary>One output pixel, the scalar way (the tail of a row, or every pixel without AVX2).</summary>
    private void ResamplePixel(ReadOnlySpan<float> source, Span<float> destination, in Mapping mapping, ReadOnlySpan<float> displacementX, ReadOnlySpan<float> displacementY, int x, int y)
    {
        int plane = Height * Width;
        int pixel = (y * Width) + x;
        float u = x - mapping.CentreX - mapping.ShiftX;
        float v = y - mapping.CentreY - mapping.ShiftY;
        float sourceX = mapping.CentreX + (mapping.Cos * u) + (mapping.Sin * v);
        float sourceY = mapping.CentreY - (mapping.Sin * u) + (mapping.Cos * v);
        if (!displacementX.IsEmpty)
        {
            sourceX += displacementX[pixel];
            sourceY += displacementY[pixel];
        }

        // Beyond one pixel outside, every read is the fill or the edge: clamping keeps the floor in int range.
        sourceX = Math.Clamp(sourceX, -2f, Width + 1f);
        sourceY = Math.Clamp(sourceY, -2f, Height + 1f);
        int x0 = (int)MathF.Floor(sourceX);
        int y0 = (int)MathF.Floor(sourceY);
        float fx = sourceX - x0;
        float fy = sourceY - y0;
        float w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
        int left = Math.Clamp(x0, 0, Width - 1), right = Math.Clamp(x0 + 1, 0, Width - 1);
        int top = Math.Clamp(y0, 0, Height - 1) * Width, bottom = Math.Clamp(y0 + 1, 0, Height - 1) * Width;
        bool leftIn = (uint)x0 < (uint)Width, rightIn = (uint)(x0 + 1) < (uint)Width;
        bool topIn = (uint)y0 < (uint)Height, bottomIn = (uint)(y0 + 1) < (uint)Height;
        for (int c = 0; c < Channels; c++)
        {
            ReadOnlySpan<float> channel = source.Slice(c * plane, plane);
            float a = channel[top + left], b = channel[top + right], d = channel[bottom + left], e = channel[bottom + right];
            if (Settings.Fill is float fill)
            {
                a = leftIn && topIn ? a : fill;
                b = rightIn && topIn ? b : fill;
                d = leftIn && bottomIn ? d : fill;
                e = rightIn && bottomIn ? e : fill;
            }

            destination[(c * plane) + pixel] = (w00 * a) + (w01 * b) + (w10 * d) + (w11 * e);
        }
    }

    /// <summary>The first <paramref name="vectorWidth"/> pixels of row <paramref name="y"/>, eight at a time with AVX2 gathers.</summary>
    private unsafe void ResampleRowVector(ReadOnlySpan<float> source, Span<float> destination, in Mapping mapping, ReadOnlySpan<float> displacementX, ReadOnlySpan<float> displacementY, int y, int vectorWidth)
    {
        int plane = Height * Width;
        bool displaced = !displacementX.IsEmpty;
        bool filled = Settings.Fill.HasValue;
        Vector256<float> fill = Vector256.Create(Settings.Fill.GetValueOrDefault());
        Vector256<float> one = Vector256<float>.One;
        Vector256<float> lowest = Vector256.Create(-2f), highestX = Vector256.Create(Width + 1f), highestY = Vector256.Create(Height + 1f);
        Vector256<int> zero = Vector256<int>.Zero, oneInt = Vector256<int>.One;
        Vector256<int> lastX = Vector256.Create(Width - 1), lastY = Vector256.Create(Height - 1), width = Vector256.Create(Width);
        Vector256<uint> columns = Vector256.Create((uint)Width), rows = Vector256.Create((uint)Height);
        Vector256<float> lanes = Vector256.Create(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f);
        Vector256<float> cos = Vector256.Create(mapping.Cos), sin = Vector256.Create(mapping.Sin);
        Vector256<float> centreX = Vector256.Create(mapping.CentreX), centreY = Vector256.Create(mapping.CentreY);
        Vector256<float> shiftX = Vector256.Create(mapping.ShiftX);

        // The row's part of the mapping, as the scalar path computes it per pixel.
        float v = y - mapping.CentreY - mapping.ShiftY;
        Vector256<float> sinV = Vector256.Create(mapping.Sin * v), cosV = Vector256.Create(mapping.Cos * v);
        fixed (float* sourceStart = source, destinationStart = destination, displacementXStart = displacementX, displacementYStart = displacementY)
        {
            for (int x = 0; x < vectorWidth; x += Vector256<float>.Count)
            {
                int pixel = (y * Width) + x;
                Vector256<float> u = Vector256.Create((float)x) + lanes - centreX - shiftX;
                Vector256<float> sourceX = centreX + (cos * u) + sinV;
                Vector256<float> sourceY = centreY - (sin * u) + cosV;
                if (displaced)
                {
                    sourceX += Vector256.Load(displacementXStart + pixel);
                    sourceY += Vector256.Load(displacementYStart + pixel);
                }

                sourceX = Vector256.Min(Vector256.Max(sourceX, lowest), highestX);
                sourceY = Vector256.Min(Vector256.Max(sourceY, lowest), highestY);
                Vector256<float> floorX = Vector256.Floor(sourceX), floorY = Vector256.Floor(sourceY);
                Vector256<int> x0 = Vector256.ConvertToInt32(floorX), y0 = Vector256.ConvertToInt32(floorY);
                Vector256<float> fx = sourceX - floorX, fy = sourceY - floorY;
                Vector256<float> w00 = (one - fx) * (one - fy), w01 = fx * (one - fy), w10 = (one - fx) * fy, w11 = fx * fy;
                Vector256<int> x1 = x0 + oneInt, y1 = y0 + oneInt;
                Vector256<int> left = Vector256.Min(Vector256.Max(x0, zero), lastX), right = Vector256.Min(Vector256.Max(x1, zero), lastX);
                Vector256<int> top = Vector256.Min(Vector256.Max(y0, zero), lastY) * width, bottom = Vector256.Min(Vector256.Max(y1, zero), lastY) * width;
                Vector256<int> topLeft = top + left, topRight = top + right, bottomLeft = bottom + left, bottomRight = bottom + right;

                // Lanes whose corner lies inside the image (unsigned compares: negative indices are large).
                Vector256<float> leftIn = Vector256.LessThan(x0.AsUInt32(), columns).AsSingle(), rightIn = Vector256.LessThan(x1.AsUInt32(), columns).AsSingle();
                Vector256<float> topIn = Vector256.LessThan(y0.AsUInt32(), rows).AsSingle(), bottomIn = Vector256.LessThan(y1.AsUInt32(), rows).AsSingle();
                for (int c = 0; c < Channels; c++)
                {
                    float* channel = sourceStart + (c * plane);
                    Vector256<float> a = Avx2.GatherVector256(channel, topLeft, 4);
                    Vector256<float> b = Avx2.GatherVector256(channel, topRight, 4);
                    Vector256<float> d = Avx2.GatherVector256(channel, bottomLeft, 4);
                    Vector256<float> e = Avx2.GatherVector256(channel, bottomRight, 4);
                    if (filled)
                    {
                        a = Vector256.ConditionalSelect(leftIn & topIn, a, fill);
                        b = Vector256.ConditionalSelect(rightIn & topIn, b, fill);
                        d = Vector256.ConditionalSelect(leftIn & bottomIn, d, fill);
                        e = Vector256.ConditionalSelect(rightIn & bottomIn, e, fill);
                    }

                    ((w00 * a) + (w01 * b) + (w10 * d) + (w11 * e)).Store(destinationStart + (c * plane) + pixel);
                }
            }
        }
    }

    /// <summary>The inverse mapping's constants for one transform: cos θ / s and sin θ / s, the centre and the shift.</summary>
    private readonly struct Mapping
    {
        public Mapping(ImageTransform transform, int width, int height)
        {
            CentreX = (width - 1) * 0.5f;
            CentreY = (height - 1) * 0.5f;
            ShiftX = transform.ShiftX;
            ShiftY = transform.ShiftY;
            double angle = transform.RotationDegrees * (Math.PI / 180.0);
            Cos = (float)(Math.Cos(angle) / transform.Scale);
            Sin = (float)(Math.Sin(angle) / transform.Scale);
        }

        public float CentreX { get; }

        public float CentreY { get; }

        public float ShiftX { get; }

        public float ShiftY { get; }

        public float Cos { get; }

        public float Sin { get; }
    }
}
