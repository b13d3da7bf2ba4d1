using System;
using System.IO;
using StbImageWriteSharp;

namespace LeNet.Sample.Plotting;

/// <summary>An RGB picture with the few drawing operations the charts need, saved as PNG with StbImageWriteSharp.</summary>
internal sealed class Raster
{
    private readonly byte[] _rgb;

    public Raster(int width, int height, Colour background)
    {
        Width = width;
        Height = height;
        _rgb = new byte[width * height * 3];
        Fill(0, 0, width, height, background);
    }

    public int Width { get; }

    public int Height { get; }

    public void Set(int x, int y, Colour colour)
    {
        if ((uint)x < (uint)Width && (uint)y < (uint)Height)
        {
            int i = ((y * Width) + x) * 3;
            _rgb[i] = colour.R;
            _rgb[i + 1] = colour.G;
            _rgb[i + 2] = colour.B;
        }
    }

    public Colour Get(int x, int y)
    {
        int i = ((y * Width) + x) * 3;
        return new Colour(_rgb[i], _rgb[i + 1], _rgb[i + 2]);
    }

    public void Fill(int x, int y, int width, int height, Colour colour)
    {
        for (int row = Math.Max(0, y); row < Math.Min(Height, y + height); row++)
        {
            for (int column = Math.Max(0, x); column < Math.Min(Width, x + width); column++)
            {
                Set(column, row, colour);
            }
        }
    }

    public void Rectangle(int x, int y, int width, int height, Colour colour)
    {
        Fill(x, y, width, 1, colour);
        Fill(x, y + height - 1, width, 1, colour);
        Fill(x, y, 1, height, colour);
        Fill(x + width - 1, y, 1, height, colour);
    }

    /// <summary>A line <paramref name="thickness"/> pixels wide, drawn as overlapping squares along its length.</summary>
    public void Line(double x0, double y0, double x1, double y1, Colour colour, int thickness = 2)
    {
        double length = Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0));
        int steps = Math.Max(1, (int)Math.Ceiling(length));
        for (int s = 0; s <= steps; s++)
        {
            double t = (double)s / steps;
            int x = (int)Math.Round(x0 + ((x1 - x0) * t)), y = (int)Math.Round(y0 + ((y1 - y0) * t));
            Fill(x - (thickness / 2), y - (thickness / 2), thickness, thickness, colour);
        }
    }

    /// <summary>Writes <paramref name="text"/> with its top-left corner at (x, y) in the 5x7 <see cref="PixelFont"/>.</summary>
    public void Text(string text, int x, int y, Colour colour, int scale = 2)
    {
        for (int i = 0; i < text.Length; i++)
        {
            int left = x + (i * (PixelFont.Width + 1) * scale);
            for (int gy = 0; gy < PixelFont.Height; gy++)
            {
                for (int gx = 0; gx < PixelFont.Width; gx++)
                {
                    if (PixelFont.IsInk(text[i], gx, gy))
                    {
                        Fill(left + (gx * scale), y + (gy * scale), scale, scale, colour);
                    }
                }
            }
        }
    }

    public void TextCentered(string text, int centreX, int y, Colour colour, int scale = 2) =>
        Text(text, centreX - (PixelFont.Measure(text, scale) / 2), y, colour, scale);

    /// <summary>Saves as PNG through a temporary file and a rename, so a half-written chart never has the name.</summary>
    public void SavePng(string path)
    {
        string temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            new ImageWriter().WritePng(_rgb, Width, Height, ColorComponents.RedGreenBlue, stream);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
