using System;

namespace LeNet.Training;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): a tiny counter-based generator, seeded per example from (seed, epoch,
/// index) so that every example's distortion is fixed by those three numbers alone, whatever thread draws it and in
/// whatever order. Written out so the numbers never depend on a library's generator.
/// </summary>
internal struct AugmentationRandom
{
    private ulong _state;

    public AugmentationRandom(int seed, int epoch, int index)
    {
        ulong key = Mix(((ulong)(uint)seed << 32) | (uint)epoch);
        _state = Mix(key ^ Mix((ulong)(uint)index + 0x9E3779B97F4A7C15UL));
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1) with 24 random bits: exactly representable as a float.</summary>
    public float NextUnit() => (Next() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [−<paramref name="largest"/>, <paramref name="largest"/>).</summary>
    public float NextSymmetric(float largest) => ((2f * NextUnit()) - 1f) * largest;

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
