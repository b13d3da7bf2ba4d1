using System;

namespace LeNet;

/// <summary>
/// The dropout masks: a SplitMix64 stream (Steele, Lea and Flood 2014) keyed by (seed, epoch, index, layer), one draw
/// per activation, so the mask of an example is fixed by its key alone. The stream is salted apart from the one the
/// augmenter draws from the same (seed, epoch, index), so distortion and mask are not correlated.
/// </summary>
internal static class DropoutMask
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private const ulong DropoutSalt = 0xD1B54A32D192ED03UL;

    /// <summary>
    /// destination[i] = source[i] · m_i, where m_i is 0 with probability <paramref name="rate"/> and 1 / (1 − rate)
    /// otherwise. Back-propagation applies the same masks to the gradient, so one method serves both directions.
    /// </summary>
    public static void Apply(ReadOnlySpan<float> source, Span<float> destination, float rate, DropoutKey key, int layer)
    {
        if (!key.IsActive || rate <= 0f)
        {
            source.CopyTo(destination);
            return;
        }

        // 24-bit uniforms compared with the rate: P(drop) = rate to within 2^-24.
        float scale = 1f / (1f - rate);
        uint threshold = (uint)Math.Min((double)(1 << 24), Math.Round(rate * (1 << 24)));
        ulong state = Start(key, layer);
        for (int i = 0; i < destination.Length; i++)
        {
            state += Golden;
            uint draw = (uint)(Mix(state) >> 40);
            destination[i] = draw < threshold ? 0f : source[i] * scale;
        }
    }

    private static ulong Start(DropoutKey key, int layer)
    {
        ulong run = Mix(((ulong)(uint)key.Seed << 32) | (uint)key.Epoch);
        ulong example = Mix((ulong)(uint)key.Index + Golden);
        return Mix(run ^ example ^ Mix((ulong)(uint)layer ^ DropoutSalt));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
