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
