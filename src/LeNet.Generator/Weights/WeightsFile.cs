using System;
using System.Globalization;
using System.Text;
using LeNet.Generator.Model;

namespace LeNet.Generator.Weights;

/// <summary>What is wrong with a weights file, as far as the file itself can tell.</summary>
internal enum WeightsFileProblem
{
    None,

    /// <summary>Not a weights file of this format: magic, version or length.</summary>
    Header,

    /// <summary>The stored XXH64 differs from the bytes' own.</summary>
    Checksum,
}

/// <summary>
/// A weights file read at compile time (docs/weights-format.md: magic "LENETWTS", version 1, fingerprint, parameter
/// count, little-endian float32 parameters, XXH64 of everything before it). Value-equatable: the parameters are kept as
/// their bit patterns, so NaN and negative zero compare and emit exactly.
/// </summary>
/// <param name="Problem">The file's own defect, if any; then <see cref="Expected"/> and <see cref="Found"/> say what.</param>
internal sealed record WeightsFile(
    WeightsFileProblem Problem,
    string Expected,
    string Found,
    ulong Fingerprint,
    int ParameterCount,
    EquatableArray<int> ParameterBits)
{
    public const string Magic = "LENETWTS";
    public const int Version = 1;
    public const int HeaderLength = 24;
    public const int ChecksumLength = 8;

    /// <summary>Parses and checks <paramref name="bytes"/>; never throws.</summary>
    public static WeightsFile Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderLength + ChecksumLength || !bytes.Slice(0, 8).SequenceEqual(Encoding.ASCII.GetBytes(Magic)))
        {
            string start = bytes.Length >= 8 ? Printable(bytes.Slice(0, 8)) : $"a {bytes.Length}-byte file";
            return Bad(WeightsFileProblem.Header, $"magic '{Magic}' (a weights file)", bytes.Length >= 8 ? $"'{start}'" : start);
        }

        int version = ReadInt32(bytes, 8);
        if (version != Version)
        {
            return Bad(WeightsFileProblem.Header, $"format version {Version}", $"version {Int(version)}");
        }

        ulong fingerprint = ReadUInt64(bytes, 12);
        int count = ReadInt32(bytes, 20);
        long expectedLength = HeaderLength + (4L * count) + ChecksumLength;
        if (count < 0 || bytes.Length != expectedLength)
        {
            return Bad(WeightsFileProblem.Header, count < 0 ? "a parameter count of 0 or more" : $"{Int(expectedLength)} bytes for {Int(count)} parameters",
                count < 0 ? Int(count) : $"{Int(bytes.Length)} bytes");
        }

        int checksumAt = bytes.Length - ChecksumLength;
        ulong stored = ReadUInt64(bytes, checksumAt);
        ulong computed = XxHash64.Hash(bytes.Slice(0, checksumAt));
        if (stored != computed)
        {
            return Bad(WeightsFileProblem.Checksum, Hex(computed), Hex(stored));
        }

        int[] bits = new int[count];
        for (int i = 0; i < count; i++)
        {
            bits[i] = ReadInt32(bytes, HeaderLength + (4 * i));

            // Exponent all ones: NaN or infinity, which no saved network holds (saving refuses them).
            if ((bits[i] & 0x7F800000) == 0x7F800000)
            {
                return Bad(WeightsFileProblem.Header, "finite parameters", $"parameter {Int(i)} is {((bits[i] & 0x007FFFFF) != 0 ? "NaN" : "infinite")}");
            }
        }

        return new WeightsFile(WeightsFileProblem.None, "", "", fingerprint, count, new EquatableArray<int>(bits));
    }

    /// <summary>A file that could not be read at all.</summary>
    public static WeightsFile Unreadable(string reason) => Bad(WeightsFileProblem.Header, "a readable file", reason);

    public static string Hex(ulong value) => "0x" + value.ToString("X16", CultureInfo.InvariantCulture);

    private static WeightsFile Bad(WeightsFileProblem problem, string expected, string found) =>
        new(problem, expected, found, 0, 0, EquatableArray<int>.Empty);

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (byte b in bytes)
        {
            text.Append(b is >= 0x20 and < 0x7F ? ((char)b).ToString() : "\\x" + b.ToString("X2", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static int ReadInt32(ReadOnlySpan<byte> bytes, int offset) =>
        bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24);

    private static ulong ReadUInt64(ReadOnlySpan<byte> bytes, int offset) =>
        (uint)ReadInt32(bytes, offset) | ((ulong)(uint)ReadInt32(bytes, offset + 4) << 32);
}
