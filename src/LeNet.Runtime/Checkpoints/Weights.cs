using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace LeNet;

/// <summary>
/// Weights-only files: a network's parameters without optimizer state, a third of a checkpoint trained with Adam, for
/// inference and for starting training with any optimizer. The layout (<c>docs/weights-format.md</c>) shares the
/// checkpoint's header fields, fingerprint and checksum:
/// <code>
/// magic "LENETWTS" (8 bytes) | version int32 | fingerprint uint64 | parameter count int32
/// | parameters float32 values | XxHash64 (seed 0) of all bytes before it, uint64
/// </code>
/// All little-endian; the file is exactly <see cref="FileLength"/> bytes. <see cref="Save(string, ulong, ReadOnlySpan{float})"/>
/// goes through the same atomic, checked save as <see cref="Checkpoint.Save"/>; the readers validate the whole file
/// before they return or change anything.
/// </summary>
/// <remarks>For a generated network, <see cref="WeightsExtensions"/> adds <c>network.SaveWeights(path)</c> and <c>network.LoadWeights(path)</c>.</remarks>
public static class Weights
{
    /// <summary>The 8 ASCII bytes every weights file starts with.</summary>
    public const string Magic = "LENETWTS";

    /// <summary>The format version this build writes and the only one it reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>Bytes before the first parameter: magic, version, fingerprint and parameter count.</summary>
    public const int HeaderLength = 24;

    private const int ChecksumLength = sizeof(ulong);

    /// <summary>The exact length of a weights file of <paramref name="parameterCount"/> parameters: 24 + 4P + 8 bytes.</summary>
    public static long FileLength(int parameterCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        return HeaderLength + (4L * parameterCount) + ChecksumLength;
    }

    /// <summary>The complete weights file for <paramref name="parameters"/> of the architecture <paramref name="fingerprint"/>.</summary>
    /// <exception cref="ArgumentException">A parameter is NaN or infinite, or the file would not fit in one array.</exception>
    public static byte[] Serialize(ulong fingerprint, ReadOnlySpan<float> parameters)
    {
        int bad = Checkpoint.IndexOfNonFinite(parameters);
        if (bad >= 0)
        {
            throw new ArgumentException($"Cannot save these weights: parameter {bad} is not finite ({parameters[bad].ToString(CultureInfo.InvariantCulture)}).", nameof(parameters));
        }

        long length = FileLength(parameters.Length);
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"The weights file would be {length} bytes, more than one array can hold.", nameof(parameters));
        }

        var bytes = new byte[length];
        Encoding.ASCII.GetBytes(Magic, bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(12), fingerprint);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), parameters.Length);
        Span<byte> values = bytes.AsSpan(HeaderLength, parameters.Length * sizeof(float));
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(parameters).CopyTo(values);
        }
        else
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(values[(i * sizeof(float))..], parameters[i]);
            }
        }

        int checksumAt = bytes.Length - ChecksumLength;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(checksumAt), XxHash64.HashToUInt64(bytes.AsSpan(0, checksumAt)));
        return bytes;
    }

    /// <summary>
    /// Saves <paramref name="parameters"/> to <paramref name="path"/> atomically, with the same checks and guarantees as
    /// <see cref="Checkpoint.Save"/> (temporary file and rename, links followed, mode kept, non-regular targets refused).
    /// </summary>
    /// <exception cref="ArgumentException">A parameter is not finite, or the path is empty or a folder.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The file is read-only, or the folder does not take new files.</exception>
    /// <exception cref="IOException">The path is not a regular file, or writing failed; the message names the path.</exception>
    public static void Save(string path, ulong fingerprint, ReadOnlySpan<float> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeFiles.WriteAtomically(path, "weights", Serialize(fingerprint, parameters));
    }

    /// <summary>Writes the weights file for <paramref name="parameters"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, ulong fingerprint, ReadOnlySpan<float> parameters)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(Serialize(fingerprint, parameters));
    }

    /// <summary>
    /// Reads the parameters from the weights file at <paramref name="path"/>, or from the parameters of a checkpoint
    /// (its optimizer state is ignored), after validating the whole file.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The path is not a regular file, or the file is not a weights file or checkpoint of this architecture and
    /// parameter count: wrong magic or version, truncated, trailing bytes, checksum mismatch, non-finite values. The
    /// message names the file and both values. At most <see cref="FileLength"/> bytes are read from a weights file.
    /// </exception>
    /// <exception cref="FileNotFoundException">The file, or its folder, does not exist.</exception>
    public static float[] Load(string path, ulong expectedFingerprint, int expectedParameterCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedParameterCount);
        using FileStream stream = SafeFiles.OpenForReading(path, "Weights file", reason => Bad(path, reason));
        Span<byte> magic = stackalloc byte[8];
        int got = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (got == magic.Length && magic.SequenceEqual("LENETCKP"u8))
        {
            return Checkpoint.Read(stream, expectedFingerprint, expectedParameterCount, path).Parameters;
        }

        return Read(stream, expectedFingerprint, expectedParameterCount, path);
    }

    /// <summary>
    /// Reads and validates a weights file from <paramref name="stream"/> (from its position to its end), reading at most
    /// <see cref="FileLength"/>(<paramref name="expectedParameterCount"/>) + 1 bytes.
    /// </summary>
    /// <exception cref="InvalidDataException">As for <see cref="Parse"/>.</exception>
    public static float[] Read(Stream stream, ulong expectedFingerprint, int expectedParameterCount, string source = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        long limit = FileLength(expectedParameterCount);
        if (limit >= Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(expectedParameterCount), expectedParameterCount, "Expected a parameter count whose weights file fits in one array.");
        }

        var bytes = new byte[limit + 1];
        int filled = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (filled > limit)
        {
            // Let Parse name the problem when the header is already wrong; otherwise the file is too long.
            CheckHeader(bytes, source, expectedFingerprint, expectedParameterCount, out int count);
            throw Bad(source, $"expected the file to end after {FileLength(count)} bytes (24-byte header, {count} parameters, 8-byte checksum), but it goes on");
        }

        return Parse(bytes.AsSpan(0, filled), expectedFingerprint, expectedParameterCount, source);
    }

    /// <summary>
    /// Validates a whole weights file and returns its parameters: magic, version, exact length, checksum, then
    /// fingerprint and parameter count against the expected ones, then that every value is finite.
    /// </summary>
    /// <param name="bytes">The complete file.</param>
    /// <param name="expectedFingerprint">The architecture the parameters are for.</param>
    /// <param name="expectedParameterCount">Its parameter count.</param>
    /// <param name="source">Names the data in error messages.</param>
    /// <exception cref="InvalidDataException">Anything is wrong; the message starts with <c>Weights '&lt;source&gt;':</c>.</exception>
    public static float[] Parse(ReadOnlySpan<byte> bytes, ulong expectedFingerprint, int expectedParameterCount, string source = "weights")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedParameterCount);
        CheckHeader(bytes, source, expectedFingerprint, expectedParameterCount, out int count);
        long expectedLength = FileLength(count);
        if (bytes.Length < expectedLength)
        {
            throw Bad(source, $"truncated: {count} parameters make a file of {expectedLength} bytes, but it is {bytes.Length} bytes long");
        }

        if (bytes.Length > expectedLength)
        {
            throw Bad(source, $"expected the file to end after {expectedLength} bytes, but it is {bytes.Length} bytes long ({bytes.Length - expectedLength} trailing bytes)");
        }

        int checksumAt = bytes.Length - ChecksumLength;
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(bytes[checksumAt..]);
        ulong actual = XxHash64.HashToUInt64(bytes[..checksumAt]);
        if (stored != actual)
        {
            throw Bad(source, $"checksum mismatch: the file stores {Hex(stored)}, its contents hash to {Hex(actual)}; the file is corrupted");
        }

        ulong fingerprint = BinaryPrimitives.ReadUInt64LittleEndian(bytes[12..]);
        if (fingerprint != expectedFingerprint)
        {
            throw Bad(source, $"architecture fingerprint mismatch: expected {Hex(expectedFingerprint)}, the file has {Hex(fingerprint)} (it was saved from a different network)");
        }

        var parameters = new float[count];
        ReadOnlySpan<byte> values = bytes.Slice(HeaderLength, count * sizeof(float));
        if (BitConverter.IsLittleEndian)
        {
            values.CopyTo(MemoryMarshal.AsBytes(parameters.AsSpan()));
        }
        else
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] = BinaryPrimitives.ReadSingleLittleEndian(values[(i * sizeof(float))..]);
            }
        }

        int bad = Checkpoint.IndexOfNonFinite(parameters);
        if (bad >= 0)
        {
            throw Bad(source, $"parameter {bad} is not finite ({parameters[bad].ToString(CultureInfo.InvariantCulture)})");
        }

        return parameters;
    }

    /// <summary>Magic, version and parameter count (which must be the expected one) from the first 24 bytes.</summary>
    private static void CheckHeader(ReadOnlySpan<byte> bytes, string source, ulong expectedFingerprint, int expectedParameterCount, out int count)
    {
        ReadOnlySpan<byte> magic = "LENETWTS"u8;
        if (bytes.Length < magic.Length || !bytes[..magic.Length].SequenceEqual(magic))
        {
            if (magic.StartsWith(bytes))
            {
                throw Bad(source, $"truncated: the file is {bytes.Length} bytes long, not even the 8-byte magic '{Magic}'");
            }

            string hint = bytes.StartsWith("LENETCKP"u8) ? " (this is a checkpoint: Weights.Load and LoadWeights(path) read its parameters)" : "";
            throw Bad(source, $"not a LeNet weights file: expected the magic '{Magic}', found {Describe(bytes[..Math.Min(bytes.Length, magic.Length)])}{hint}");
        }

        if (bytes.Length < HeaderLength)
        {
            throw Bad(source, $"truncated: the file is {bytes.Length} bytes long, shorter than the {HeaderLength}-byte header");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        if (version != FormatVersion)
        {
            throw Bad(source, $"format version {version} is not supported: this build reads version {FormatVersion}"
                + (version > FormatVersion ? " (the file was written by a newer LeNet)" : ""));
        }

        count = BinaryPrimitives.ReadInt32LittleEndian(bytes[20..]);
        if (count != expectedParameterCount)
        {
            // Checked before the checksum so that nothing more is read; another network is the likely cause, so say so.
            ulong fingerprint = BinaryPrimitives.ReadUInt64LittleEndian(bytes[12..]);
            if (fingerprint != expectedFingerprint)
            {
                throw Bad(source, $"architecture fingerprint mismatch: expected {Hex(expectedFingerprint)}, the file has {Hex(fingerprint)} (it was saved from a different network, with {count} parameters instead of {expectedParameterCount})");
            }

            throw Bad(source, $"parameter count mismatch: expected {expectedParameterCount}, the file has {count}");
        }
    }

    private static string Hex(ulong value) => "0x" + value.ToString("X16", CultureInfo.InvariantCulture);

    private static string Describe(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (byte b in bytes)
        {
            text.Append(b.ToString("X2", CultureInfo.InvariantCulture)).Append(' ');
        }

        return text.Append('(').Append(bytes.Length).Append(bytes.Length == 1 ? " byte)" : " bytes)").ToString();
    }

    private static InvalidDataException Bad(string source, string message) => new($"Weights '{source}': {message}.");
}
