using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.IO.Hashing;

namespace LeNet;

/// <summary>
/// Reads the IDX files of the MNIST distribution: unsigned-byte image files (magic <c>0x00000803</c>: count, rows,
/// columns) and unsigned-byte label files (magic <c>0x00000801</c>: count). Header integers are big-endian.
/// </summary>
/// <remarks>
/// <para>
/// A file may be gzip-compressed or raw; gzip is recognised by its magic bytes (<c>1F 8B</c>), whatever the file is
/// called. A gzip file must be one complete gzip member as gzip(1) writes it: its 8-byte trailer (CRC-32 and length of
/// the data) is checked, so a file cut short or with bytes after the gzip data is refused.
/// </para>
/// <para>
/// Every read checks the magic number, that the dimensions are positive and sane, that the data is at most
/// <see cref="MaxPayloadBytes"/> (before anything is allocated for it), and that the file holds exactly as many bytes
/// as its header announces (neither fewer nor more). A path that is not a regular file (a folder, FIFO or device) is
/// refused before it is opened. A bad file gives an <see cref="InvalidDataException"/> whose message names the file,
/// what was expected and what was found; a missing file or folder a <see cref="FileNotFoundException"/>.
/// </para>
/// </remarks>
public static class IdxReader
{
    /// <summary>Magic number of an IDX file of unsigned bytes with three dimensions (images).</summary>
    public const int ImageMagic = 0x00000803;

    /// <summary>Magic number of an IDX file of unsigned bytes with one dimension (labels).</summary>
    public const int LabelMagic = 0x00000801;

    /// <summary>Largest accepted number of rows or columns. MNIST has 28; anything far larger is a corrupt header.</summary>
    public const int MaxSide = 4096;

    /// <summary>
    /// Most bytes of pixels or labels one file may announce: 1 GiB (MNIST's training images are 47 MB, EMNIST's largest
    /// split 638 MB). A header announcing more is refused before anything is allocated.
    /// </summary>
    public const int MaxPayloadBytes = 1 << 30;

    private const int ImageHeaderLength = 16;
    private const int LabelHeaderLength = 8;
    private const int GzipTrailerLength = 8;

    /// <summary>The smallest gzip member: a 10-byte header, an empty deflate block and the trailer.</summary>
    private const int MinGzipLength = 18;

    /// <summary>Reads an IDX image file, raw or gzip-compressed.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The images, row-major, one byte per pixel, one image after another.</returns>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX image file, or the path is not a regular file.</exception>
    /// <exception cref="FileNotFoundException">The file, or its folder, does not exist.</exception>
    public static IdxImages ReadImages(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var source = Source.Open(path);
        return ReadImages(source, path);
    }

    /// <summary>Reads an IDX image file, raw or gzip-compressed, from a seekable <paramref name="stream"/> (from its start).</summary>
    /// <param name="stream">The file's bytes; left open.</param>
    /// <param name="name">Names the data in error messages.</param>
    /// <exception cref="InvalidDataException">The data is not a well-formed IDX image file.</exception>
    /// <exception cref="ArgumentException">The stream cannot seek.</exception>
    public static IdxImages ReadImages(Stream stream, string name)
    {
        using var source = Source.Over(stream, name);
        return ReadImages(source, name);
    }

    /// <summary>Reads labels, raw or gzip-compressed, from a seekable <paramref name="stream"/> (from its start).</summary>
    /// <param name="stream">The file's bytes; left open.</param>
    /// <param name="name">Names the data in error messages.</param>
    /// <exception cref="InvalidDataException">The data is not a well-formed IDX label file.</exception>
    /// <exception cref="ArgumentException">The stream cannot seek.</exception>
    public static byte[] ReadLabels(Stream stream, string name)
    {
        using var source = Source.Over(stream, name);
        return ReadLabels(source, name);
    }

    private static IdxImages ReadImages(Source source, string path)
    {

        Span<byte> header = stackalloc byte[ImageHeaderLength];
        source.ReadHeader(header, "IDX image");
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
        string what = $"{count} images of {rows}x{columns}";
        CheckBound(path, payload, what);
        source.CheckRawLength(ImageHeaderLength, payload, what);
        byte[] pixels = source.ReadPayload((int)payload, ImageHeaderLength, what);
        return new IdxImages(count, rows, columns, pixels);
    }

    /// <summary>Reads an IDX label file, raw or gzip-compressed.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>One byte per label. The values are not range-checked here; see <see cref="Mnist.Load"/>.</returns>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX label file, or the path is not a regular file.</exception>
    /// <exception cref="FileNotFoundException">The file, or its folder, does not exist.</exception>
    public static byte[] ReadLabels(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var source = Source.Open(path);
        return ReadLabels(source, path);
    }

    private static byte[] ReadLabels(Source source, string path)
    {

        Span<byte> header = stackalloc byte[LabelHeaderLength];
        source.ReadHeader(header, "IDX label");
        CheckMagic(path, BinaryPrimitives.ReadInt32BigEndian(header), LabelMagic);
        int count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        if (count < 0)
        {
            throw Bad(path, $"expected a non-negative label count, found {count}");
        }

        string what = $"{count} labels";
        CheckBound(path, count, what);
        source.CheckRawLength(LabelHeaderLength, count, what);
        return source.ReadPayload(count, LabelHeaderLength, what);
    }

    private static void CheckBound(string path, long payload, string what)
    {
        if (payload > MaxPayloadBytes)
        {
            throw Bad(path, string.Create(CultureInfo.InvariantCulture, $"the header announces {what} = {payload:N0} bytes, but this reader accepts at most {MaxPayloadBytes:N0} bytes (IdxReader.MaxPayloadBytes)"));
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

    private static string Hex(int value) => "0x" + value.ToString("X8", CultureInfo.InvariantCulture);

    private static InvalidDataException Bad(string path, string message, Exception? inner = null) =>
        new($"IDX file '{path}': {message}.", inner);

    /// <summary>
    /// The decompressed bytes of one file: the raw file, or a gzip stream over it whose CRC-32 and length are tracked
    /// and checked against the file's trailer once the data ends.
    /// </summary>
    private sealed class Source : IDisposable
    {
        private readonly string _path;
        private readonly Stream _file;
        private readonly bool _ownsFile;
        private readonly GZipStream? _gzip;
        private readonly Crc32? _crc;
        private readonly uint _storedCrc;
        private readonly uint _storedLength;
        private long _decompressed;

        private Source(string path, Stream file, bool ownsFile)
        {
            _path = path;
            _file = file;
            _ownsFile = ownsFile;
            Span<byte> magic = stackalloc byte[2];
            int got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            file.Position = 0;
            bool gzip = got == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
            if (!gzip)
            {
                return;
            }

            if (file.Length < MinGzipLength)
            {
                throw Bad(path, $"truncated gzip file: {file.Length} bytes, fewer than the {MinGzipLength} of the smallest gzip file");
            }

            Span<byte> trailer = stackalloc byte[GzipTrailerLength];
            file.Position = file.Length - GzipTrailerLength;
            file.ReadExactly(trailer);
            file.Position = 0;
            _storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
            _storedLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
            _crc = new Crc32();
            _gzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
        }

        /// <summary>Length of a raw file (known before reading), null for a gzip one.</summary>
        private long? RawLength => _gzip is null ? _file.Length : null;

        public static Source Open(string path)
        {
            FileStream file = SafeFiles.OpenForReading(path, "IDX file", reason => Bad(path, reason));
            try
            {
                return new Source(path, file, ownsFile: true);
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }

        public static Source Over(Stream stream, string name)
        {
            ArgumentNullException.ThrowIfNull(stream);
            ArgumentNullException.ThrowIfNull(name);
            if (!stream.CanSeek)
            {
                throw new ArgumentException("Expected a seekable stream: the length of a raw file and the trailer of a gzip file are checked before reading.", nameof(stream));
            }

            stream.Position = 0;
            return new Source(name, stream, ownsFile: false);
        }

        public void Dispose()
        {
            _gzip?.Dispose();
            if (_ownsFile)
            {
                _file.Dispose();
            }
        }

        public void ReadHeader(Span<byte> header, string kind)
        {
            int got = Read(header);
            if (got < header.Length)
            {
                throw Bad(_path, $"expected a {header.Length}-byte {kind} header, but the file holds only {got} bytes");
            }
        }

        /// <summary>For a raw file the length is known before reading: check it before allocating anything.</summary>
        public void CheckRawLength(int headerLength, long payload, string what)
        {
            if (RawLength is not long actual)
            {
                return;
            }

            long expected = headerLength + payload;
            if (actual < expected)
            {
                throw Bad(_path, $"truncated: the header announces {what}, so the file should be {expected} bytes, but it is {actual} bytes");
            }

            if (actual > expected)
            {
                throw Bad(_path, $"the header announces {what}, so the file should be {expected} bytes, but it is {actual} bytes ({actual - expected} trailing bytes)");
            }
        }

        /// <summary>
        /// Reads exactly <paramref name="length"/> bytes and then checks that the data ends (and, for gzip, matches its
        /// trailer). For gzip the buffer grows as data arrives (from 1 MiB), so a header that claims far more than the
        /// file holds costs memory only for the bytes actually present.
        /// </summary>
        public byte[] ReadPayload(int length, int headerLength, string what)
        {
            byte[] buffer = new byte[_gzip is null ? length : Math.Min(length, 1 << 20)];
            int filled = 0;
            while (filled < length)
            {
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, (int)Math.Min(length, (long)buffer.Length * 2));
                }

                int got = Read(buffer.AsSpan(filled, buffer.Length - filled));
                if (got == 0)
                {
                    throw Bad(_path, $"truncated: the header announces {what} ({headerLength + (long)length} bytes with the header), but the data ends after {headerLength + (long)filled} bytes");
                }

                filled += got;
            }

            Span<byte> probe = stackalloc byte[256];
            long extra = 0;
            int more;
            while (extra < 1 << 20 && (more = Read(probe)) > 0)
            {
                extra += more;
            }

            if (extra > 0)
            {
                throw Bad(_path, $"the header announces {what} ({headerLength + (long)length} bytes with the header), but the data goes on for {(extra >= 1 << 20 ? "at least " : "")}{extra} more bytes");
            }

            CheckTrailer();
            return buffer;
        }

        /// <summary>The gzip trailer must hold the CRC-32 and length (mod 2^32) of exactly the data that was decompressed.</summary>
        private void CheckTrailer()
        {
            if (_crc is null)
            {
                return;
            }

            uint crc = _crc.GetCurrentHashAsUInt32();
            uint length = unchecked((uint)_decompressed);
            if (crc != _storedCrc || length != _storedLength)
            {
                throw Bad(_path, string.Create(CultureInfo.InvariantCulture,
                    $"the gzip data does not match the file's last 8 bytes (CRC-32 0x{_storedCrc:X8} and length {_storedLength} stored, 0x{crc:X8} and {length} decompressed): the gzip trailer is missing or cut, bytes follow the gzip data, or the file is corrupted"));
            }
        }

        /// <summary>Reads until <paramref name="destination"/> is full or the data ends; a corrupt gzip stream is reported with the file name.</summary>
        private int Read(Span<byte> destination)
        {
            if (_gzip is null)
            {
                return _file.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
            }

            int got;
            try
            {
                got = _gzip.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
            }
            catch (InvalidDataException e)
            {
                throw Bad(_path, $"the gzip data is corrupt: {e.Message.TrimEnd('.')}", e);
            }

            _crc!.Append(destination[..got]);
            _decompressed += got;
            return got;
        }
    }
}

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
            throw new ArgumentException($"Expected {count} x {rows} x {columns} = {(long)count * rows * columns} pixels, got {pixels.Length}.", nameof(pixels));
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
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Expected an image index in 0..{Count - 1}.");
        int size = Rows * Columns;
        return Pixels.AsSpan(index * size, size);
    }
}
