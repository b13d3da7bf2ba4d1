using System;

namespace LeNet;

/// <summary>The network's input: channels planes of height×width values, stored channel-major (C,H,W) as in PyTorch.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class InputAttribute : Attribute
{
    /// <summary>Declares the input shape.</summary>
    public InputAttribute(int height, int width, int channels = 1)
    {
        Height = height;
        Width = width;
        Channels = channels;
    }

    /// <summary>Rows of each input plane.</summary>
    public int Height { get; }
    /// <summary>Columns of each input plane.</summary>
    public int Width { get; }
    /// <summary>Number of input planes.</summary>
    public int Channels { get; }
}
