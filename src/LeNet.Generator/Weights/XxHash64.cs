using System;

namespace LeNet.Generator.Weights;

/// <summary>
/// XXH64 (seed 0), the checksum of checkpoint and weights files, written from the algorithm's specification: an
/// analyzer cannot bring System.IO.Hashing along, since the compiler loads no dependencies of an analyzer. A test
/// checks it against System.IO.Hashing.XxHash64 on many lengths.
/// </summary>
internal static class XxHash64
{
    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong Prime3 = 0x165667B19E3779F9UL;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63UL;
    private const ulong Prime5 = 0x27D4EB2F165667C5UL;

    public static ulong Hash(ReadOnlySpan<byte> data)
    {
        int length = data.Length;
        int offset = 0;
        ulong hash;
        if (length >= 32)
        {
            ulong v1 = unchecked(Prime1 + Prime2), v2 = Prime2, v3 = 0, v4 = unchecked(0 - Prime1);
            for (; offset <= length - 32; offset += 32)
            {
                v1 = Round(v1, Read64(data, offset));
                v2 = Round(v2, Read64(data, offset + 8));
                v3 = Round(v3, Read64(data, offset + 16));
                v4 = Round(v4, Read64(data, offset + 24));
            }

            hash = unchecked(Rotl(v1, 1) + Rotl(v2, 7) + Rotl(v3, 12) + Rotl(v4, 18));
            hash = Merge(hash, v1);
            hash = Merge(hash, v2);
            hash = Merge(hash, v3);
            hash = Merge(hash, v4);
        }
        else
        {
            hash = Prime5;
        }

        unchecked
        {
            hash += (ulong)length;
            for (; offset <= length - 8; offset += 8)
            {
                hash ^= Round(0, Read64(data, offset));
                hash = (Rotl(hash, 27) * Prime1) + Prime4;
            }

            if (offset <= length - 4)
            {
                hash ^= Read32(data, offset) * Prime1;
                hash = (Rotl(hash, 23) * Prime2) + Prime3;
                offset += 4;
            }

            for (; offset < length; offset++)
            {
                hash ^= data[offset] * Prime5;
                hash = Rotl(hash, 11) * Prime1;
            }

            hash ^= hash >> 33;
            hash *= Prime2;
            hash ^= hash >> 29;
            hash *= Prime3;
            hash ^= hash >> 32;
        }

        return hash;
    }

    private static ulong Round(ulong accumulator, ulong input) => unchecked(Rotl(accumulator + (input * Prime2), 31) * Prime1);

    private static ulong Merge(ulong hash, ulong value) => unchecked(((hash ^ Round(0, value)) * Prime1) + Prime4);

    private static ulong Rotl(ulong value, int bits) => (value << bits) | (value >> (64 - bits));

    private static ulong Read64(ReadOnlySpan<byte> data, int offset) => Read32(data, offset) | ((ulong)Read32(data, offset + 4) << 32);

    private static ulong Read32(ReadOnlySpan<byte> data, int offset) =>
        data[offset] | ((ulong)data[offset + 1] << 8) | ((ulong)data[offset + 2] << 16) | ((ulong)data[offset + 3] << 24);
}
