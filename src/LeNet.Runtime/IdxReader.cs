using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.IO.Compression;

namespace LeNet;

/// <summary>
/// Reads the IDX files of the MNIST distribution: unsigned-byte image files (magic <c>0x00000803</c>: count, rows,
/// columns) and unsigned-byte label files (magic <c>0x00000801</c>: count). Header integers are big-endian.
/// </summary>
/// <remarks>
/// A file may be gzip-compressed or raw; gzip is recognised by its magic bytes (<c>1F 8B</c>), whatever the file is
/// called. Every read checks the magic number, that the dimensions are positive and sane, and that the file holds
/// exactly as many bytes as its header announces (neither fewer nor more). A bad file gives an
/// <see cref="InvalidDataException"/> whose message names the file, what was expected and what was found.
/// </remarks>
public static class IdxReader
{
    /// <summary>Magic number of an IDX file of unsigned bytes with three dimensions (images).</summary>
    public const int ImageMagic = 0x00000803;

    /// <summary>Magic number of an IDX file of unsigned bytes with one dimension (labels).</summary>
    public const int LabelMagic = 0x00000801;

    /// <summary>Largest accepted number of rows or columns. MNIST has 28; anything far larger is a corrupt header.</summary>
    public const int MaxSide = 4096;

    private const int ImageHeaderLength = 16;
    private const int LabelHeaderLength = 8;

    /// <summary>Reads an IDX image file, raw or gzip-compressed.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The images, row-major, one byte per pixel, one image after another.</returns>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX image file.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IdxImages ReadImages(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using Stream stream = Open(path, out long? rawLength);

        Span<byte> header = stackalloc byte[ImageHeaderLength];
        ReadHeader(stream, path, header, "IDX image");
        CheckMagic(path, BinaryPrimitives.ReadInt32BigEndian(header), ImageMagic);
        int count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        int rows = BinaryPrimitives.ReadInt32BigEndian(header[8..]);
        int columns = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
        if (count < 0)
        {
            throw Bad(path, $"expected a non-negative image count, found {count}");
        }

        if (rows <= 0 || rows > MaxSide || columns <= 0 || columns > MaxSide)
        {
            throw Bad(path, $"expected image dimensions between 1 and {MaxSide}, found {rows}x{columns}");
        }

        long payload = (long)count * rows * columns;
        if (payload > Array.MaxLength)
        {
            throw Bad(path, $"the header announces {count} images of {rows}x{columns} = {payload} bytes, more than one array can hold");
        }

        CheckRawLength(path, rawLength, ImageHeaderLength, payload, $"{count} images of {rows}x{columns}");
        byte[] pixels = ReadPayload(stream, path, (int)payload, ImageHeaderLength, $"{count} images of {rows}x{columns}");
        return new IdxImages(count, rows, columns, pixels);
    }

    /// <summary>Reads an IDX label file, raw or gzip-compressed.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>One byte per label. The values are not range-checked here; see <see cref="Mnist.Load"/>.</returns>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX label file.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static byte[] ReadLabels(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using Stream stream = Open(path, out long? rawLength);

        Span<byte> header = stackalloc byte[LabelHeaderLength];
        ReadHeader(stream, path, header, "IDX label");
        CheckMagic(path, BinaryPrimitives.ReadInt32BigEndian(header), LabelMagic);
        int count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        if (count < 0)
        {
            throw Bad(path, $"expected a non-negative label count, found {count}");
        }

        CheckRawLength(path, rawLength, LabelHeaderLength, count, $"{count} labels");
        return ReadPayload(stream, path, count, LabelHeaderLength, $"{count} labels");
    }

    /// <summary>
    /// Opens <paramref name="path"/>, wrapping it in a <see cref="GZipStream"/> when it starts with the gzip magic.
    /// <paramref name="rawLength"/> is the file length for a raw file (known up front), null for a gzip one.
    /// </summary>
    private static Stream Open(string path, out long? rawLength)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        try
        {
            Span<byte> magic = stackalloc byte[2];
            int got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            file.Position = 0;
            if (got == 2 && magic[0] == 0x1F && magic[1] == 0x8B)
            {
                rawLength = null;
                return new GZipStream(file, CompressionMode.Decompress, leaveOpen: false);
            }
            rawLength = file.Length;
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static void ReadHeader(Stream stream, string path, Span<byte> header, string kind)
    {
        int got = Read(stream, path, header);
        if (got < header.Length)
        {
            throw Bad(path, $"expected a {header.Length}-byte {kind} header, but the file holds only {got} bytes");
        }
    }

    private static void CheckMagic(string path, int found, int expected)
    {
        if (found == expected)
        {
            return;
        }

        string hint = found switch
        {
            ImageMagic => " (an image file)",
            LabelMagic => " (a label file)",
            _ when (found & unchecked((int)0xFFFF0000)) != 0 => " (not an IDX file)",
            _ => " (an IDX file of another element type or rank)",
        };
        throw Bad(path, $"expected IDX magic {Hex(expected)} ({(expected == ImageMagic ? "images" : "labels")}), found {Hex(found)}{hint}");
    }

    /// <summary>For a raw file the length is known before reading: check it before allocating anything.</summary>
    private static void CheckRawLength(string path, long? rawLength, int headerLength, long payload, string what)
    {
        if (rawLength is not long actual)
        {
            return;
        }

        long expected = headerLength + payload;
        if (actual < expected)
        {
            throw Bad(path, $"truncated: the header announces {what}, so the file should be {expected} bytes, but it is {actual} bytes");
        }

        if (actual > expected)
        {
            throw Bad(path, $"the header announces {what}, so the file should be {expected} bytes, but it is {actual} bytes ({actual - expected} trailing bytes)");
        }
    }

    /// <summary>
    /// Reads exactly <paramref name="length"/> bytes and then checks that the stream ends. The buffer grows as data
    /// arrives (from at most 64 MiB), so a corrupt gzip header that claims gigabytes costs memory only for the
    /// bytes actually present.
    /// </summary>
    private static byte[] ReadPayload(Stream stream, string path, int length, int headerLength, string what)
    {
        byte[] buffer = new byte[Math.Min(length, 64 << 20)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(length, (long)buffer.Length * 2));
            }

            int got = Read(stream, path, buffer.AsSpan(filled, buffer.Length - filled));
            if (got == 0)
            {
                throw Bad(path, $"truncated: the header announces {what} ({headerLength + (long)length} bytes with the header), but the data ends after {headerLength + (long)filled} bytes");
            }

            filled += got;
        }

        Span<byte> probe = stackalloc byte[256];
        long extra = 0;
        int more;
        while ((more = Read(stream, path, probe)) > 0 && extra < 1 << 20)
        {
            extra += more;
        }

        if (extra > 0)
        {
            throw Bad(path, $"the header announces {what} ({headerLength + (long)length} bytes with the header), but the data goes on for {(extra >= 1 << 20 ? "at least " : "")}{extra} more bytes");
        }

        return buffer;
    }

    /// <summary>Reads until <paramref name="destination"/> is full or the stream ends; a corrupt gzip stream is reported with the file name.</summary>
    private static int Read(Stream stream, string path, Span<byte> destination)
    {
        try
        {
            return stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw Bad(path, $"the gzip data is corrupt: {e.Message.TrimEnd('.')}", e);
        }
    }

    private static string Hex(int value) => "0x" + value.ToString("X8", CultureInfo.InvariantCulture);

    private static InvalidDataException Bad(string path, string message, Exception? inner = null) =>
        new($"IDX file '{path}': {message}.", inner);
}
