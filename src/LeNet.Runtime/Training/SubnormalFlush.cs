using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace LeNet.Training;

/// <summary>
/// Sets subnormal floats (magnitude below 1.18e-38, the smallest normal float) to zero. Weight decay and tiny
/// updates leave thousands of trained weights subnormal, and x86 processors take a slow microcode path for every
/// multiply that touches one (measured: the sample's trained LeNet-5 ran Forward 3x slower); .NET cannot set the
/// processor's flush-to-zero mode, so the optimizer clears them instead. No prediction can depend on such a weight.
/// </summary>
internal static class SubnormalFlush
{
    private const uint ExponentBits = 0x7F80_0000;

    /// <summary>The smallest positive normal float.</summary>
    public const float SmallestNormal = 1.17549435e-38f;

    /// <summary>The bits of a magnitude a little above <paramref name="magnitude"/>, for <see cref="ZeroBelow(Vector{float}, Vector{uint})"/>: rounding cannot take a product of values above it below the bound it was computed from.</summary>
    public static uint FloorBits(float magnitude) => BitConverter.SingleToUInt32Bits(magnitude * 1.001f);

    /// <summary><paramref name="values"/>, or zero where a magnitude's bits are below <paramref name="floorBits"/> (integer tests: no float operation on a subnormal).</summary>
    public static Vector<float> ZeroBelow(Vector<float> values, Vector<uint> floorBits)
    {
        Vector<uint> bits = Vector.AsVectorUInt32(values);
        Vector<uint> below = Vector.LessThan(bits & new Vector<uint>(0x7FFF_FFFF), floorBits);
        return Vector.AsVectorSingle(Vector.AndNot(bits, below));
    }

    /// <summary>The scalar <see cref="ZeroBelow(Vector{float}, Vector{uint})"/>: the same bits.</summary>
    public static float ZeroBelow(float value, uint floorBits) => (BitConverter.SingleToUInt32Bits(value) & 0x7FFF_FFFF) < floorBits ? 0f : value;

    /// <summary>Replaces every subnormal value in <paramref name="values"/> by a zero of the same sign.</summary>
    public static void ToZero(Span<float> values)
    {
        // Integer tests only: a float comparison on a subnormal operand could itself take the slow path.
        Span<uint> bits = MemoryMarshal.Cast<float, uint>(values);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var exponent = new Vector<uint>(ExponentBits);
            var sign = new Vector<uint>(0x8000_0000);
            for (; i <= bits.Length - Vector<uint>.Count; i += Vector<uint>.Count)
            {
                var word = new Vector<uint>(bits[i..]);
                Vector<uint> subnormalOrZero = Vector.Equals(word & exponent, Vector<uint>.Zero);
                Vector.ConditionalSelect(subnormalOrZero, word & sign, word).CopyTo(bits[i..]);
            }
        }

        for (; i < bits.Length; i++)
        {
            if ((bits[i] & ExponentBits) == 0)
            {
                bits[i] &= 0x8000_0000;
            }
        }
    }
}
