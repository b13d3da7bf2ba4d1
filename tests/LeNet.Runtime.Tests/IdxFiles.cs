using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace LeNet.Runtime.Tests;

/// <summary>Builds small synthetic IDX files (big-endian headers), raw or gzip-compressed.</summary>
internal static class IdxFiles
{
    public static byte[] Images(int count, int rows, int columns, Func<int, int, int, byte> pixel, int magic = IdxReader.ImageMagic)
    {
        var bytes = new byte[16 + count * rows * columns];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        for (int n = 0; n < count; n++)
        {
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    bytes[16 + (n * rows + r) * columns + c] = pixel(n, r, c);
                }
            }
        }

        return bytes;
    }

    public static byte[] ImageHeader(int magic, int count, int rows, int columns)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), columns);
        return bytes;
    }

    public static byte[] Labels(params byte[] labels) => Labels(IdxReader.LabelMagic, labels.Length, labels);

    public static byte[] Labels(int magic, int count, byte[] labels)
    {
        var bytes = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        labels.CopyTo(bytes, 8);
        return bytes;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(raw);
        }

        return output.ToArray();
    }

    /// <summary>Writes <paramref name="raw"/> to <paramref name="path"/>, gzip-compressed when asked; returns the path.</summary>
    public static string Write(string path, byte[] raw, bool gzip)
    {
        File.WriteAllBytes(path, gzip ? Gzip(raw) : raw);
        return path;
    }

    /// <summary>A deterministic pixel: never 0 inside the image, so padding is easy to tell apart.</summary>
    public static byte Pattern(int n, int r, int c) => (byte)(1 + (n * 31 + r * 7 + c * 3) % 255);
}
