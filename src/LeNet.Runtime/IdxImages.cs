using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.IO.Hashing;

namespace LeNet;

/// <summary>The contents of an IDX image file.</summary>
public sealed class IdxImages
{
    /// <summary>Creates the result of <see cref="IdxReader.ReadImages(string)"/>.</summary>
    /// <param name="count">Number of images.</param>
    /// <param name="rows">Rows per image.</param>
    /// <param name="columns">Columns per image.</param>
    /// <param name="pixels">All pixels, <paramref name="count"/> × <paramref name="rows"/> × <paramref name="columns"/> bytes; not copied.</param>
    /// <exception cref="ArgumentException">The pixel array does not have the announced length.</exception>
    public IdxImages(int count, int rows, int columns, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if ((long)count * rows * columns != pixels.Length)
        {
            throw new ArgumentException($"Expected {count} x {rows} x {columns} = {(long)count * rows * columns} pixels, got {pixels.Length}.", nameof(pixels));
        }

        Count = count;
        Rows = rows;
        Columns = columns;
        Pixels = pixels;
    }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Rows per image (28 for MNIST).</summary>
    public int Rows { get; }

    /// <summary>Columns per image (28 for MNIST).</summary>
    public int Columns { get; }

    /// <summary>All pixels, one byte each (0 = background, 255 = ink), row-major, one image after another.</summary>
    public byte[] Pixels { get; }

    /// <summary>The pixels of image <paramref name="index"/>, <see cref="Rows"/> × <see cref="Columns"/> bytes.</summary>
    /// <param name="index">Zero-based image index.</param>
    public ReadOnlySpan<byte> Image(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Expected an image index in 0..{Count - 1}.");
        }

        int size = Rows * Columns;
        return Pixels.AsSpan(index * size, size);
    }
}
