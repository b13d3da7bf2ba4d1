using System;

namespace LeNet.Sample.Plotting;

/// <summary>An sRGB colour.</summary>
internal readonly record struct Colour(byte R, byte G, byte B)
{
    public static Colour White => new(255, 255, 255);

    public static Colour Black => new(0, 0, 0);

    public static Colour Grey => new(150, 150, 150);

    public static Colour LightGrey => new(225, 225, 225);

    public static Colour Blue => new(31, 119, 180);

    public static Colour Orange => new(255, 127, 14);

    public static Colour Green => new(44, 160, 44);

    public static Colour Red => new(214, 39, 40);

    /// <summary>Grey level <paramref name="v"/> in [0,1].</summary>
    public static Colour GreyLevel(float v)
    {
        byte level = (byte)Math.Clamp((int)MathF.Round(v * 255), 0, 255);
        return new Colour(level, level, level);
    }

    /// <summary>White to deep blue for <paramref name="t"/> in [0,1]: the heat-map scale.</summary>
    public static Colour Heat(double t)
    {
        t = Math.Clamp(t, 0, 1);
        return new Colour((byte)(255 - (t * 247)), (byte)(255 - (t * 207)), (byte)(255 - (t * 148)));
    }

    /// <summary>Blue (negative) through white to red (positive) for <paramref name="t"/> in [-1,1]: the scale of filter weights.</summary>
    public static Colour Diverging(double t)
    {
        t = Math.Clamp(t, -1, 1);
        return t >= 0
            ? new Colour(255, (byte)(255 - (t * 200)), (byte)(255 - (t * 210)))
            : new Colour((byte)(255 + (t * 220)), (byte)(255 + (t * 150)), 255);
    }
}
