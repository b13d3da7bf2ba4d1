using System;
using System.Buffers.Binary;

namespace LeNet.Runtime.Tests.Infrastructure;

/// <summary>
/// Seeded structure-blind mutations of a valid file, the kind a fuzzer starts with: bit flips, interesting bytes and
/// integers written over header fields, cuts, insertions, deletions, duplicated chunks and garbage at the end.
/// </summary>
internal static class Mutator
{
    private static readonly int[] InterestingInts =
    [
        0, 1, -1, 2, 3, 4, 8, 16, 255, 256, 1024, 4096, 65535, 65536, 1 << 20, (1 << 30) - 1, 1 << 30, (1 << 30) + 1,
        int.MaxValue, int.MinValue, int.MaxValue - 1, 0x00000801, 0x00000803,
    ];

    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x1F, 0x8B];

    /// <summary>Number of cases per fuzz target: 5,000 by default, LENET_FUZZ_CASES for long runs (100,000 or more).</summary>
    public static int Cases =>
        int.TryParse(Environment.GetEnvironmentVariable("LENET_FUZZ_CASES"), out int cases) && cases > 0 ? cases : 5_000;

    /// <summary>One to three mutations of <paramref name="input"/>; never returns the input array itself.</summary>
    public static byte[] Mutate(byte[] input, Random random)
    {
        byte[] data = (byte[])input.Clone();
        int rounds = 1 + random.Next(3);
        for (int round = 0; round < rounds; round++)
        {
            data = MutateOnce(data, random);
        }

        return data;
    }

    private static byte[] MutateOnce(byte[] data, Random random)
    {
        switch (random.Next(10))
        {
            case 0 when data.Length > 0:
                data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                return data;
            case 1 when data.Length > 0:
                data[random.Next(data.Length)] = InterestingBytes[random.Next(InterestingBytes.Length)];
                return data;
            case 2 when data.Length >= 4:
            {
                // Header fields sit at the start: favour the first 64 bytes.
                int limit = Math.Min(data.Length - 3, random.Next(2) == 0 ? 64 : data.Length - 3);
                int at = random.Next(limit);
                int value = InterestingInts[random.Next(InterestingInts.Length)];
                if (random.Next(2) == 0)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(at), value);
                }
                else
                {
                    BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(at), value);
                }

                return data;
            }

            case 3:
                return data[..random.Next(data.Length + 1)];
            case 4 when data.Length > 0:
            {
                int at = random.Next(data.Length);
                int count = Math.Min(data.Length - at, 1 + random.Next(16));
                return [.. data[..at], .. data[(at + count)..]];
            }

            case 5:
            {
                int at = random.Next(data.Length + 1);
                var inserted = new byte[1 + random.Next(16)];
                random.NextBytes(inserted);
                return [.. data[..at], .. inserted, .. data[at..]];
            }

            case 6 when data.Length > 0:
            {
                int at = random.Next(data.Length);
                int count = Math.Min(data.Length - at, 1 + random.Next(64));
                return [.. data[..(at + count)], .. data[at..]];
            }

            case 7:
            {
                var tail = new byte[1 + random.Next(32)];
                random.NextBytes(tail);
                return [.. data, .. tail];
            }

            case 8 when data.Length > 0:
            {
                int at = random.Next(data.Length);
                int count = Math.Min(data.Length - at, 1 + random.Next(8));
                random.NextBytes(data.AsSpan(at, count));
                return data;
            }

            default:
                return data.Length > 8 ? data[..^random.Next(1, 9)] : data;
        }
    }
}
