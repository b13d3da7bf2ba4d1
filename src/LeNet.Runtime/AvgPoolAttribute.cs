using System;

namespace LeNet;

/// <summary>Average pooling over square windows, like PyTorch's <c>nn.AvgPool2d(size, stride)</c>; the stride defaults to the size.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class AvgPoolAttribute : Attribute
{
    /// <summary>Declares average pooling with stride equal to <paramref name="size"/>.</summary>
    public AvgPoolAttribute(int size) : this(size, size) { }

    /// <summary>Declares average pooling.</summary>
    public AvgPoolAttribute(int size, int stride)
    {
        Size = size;
        Stride = stride;
    }

    /// <summary>Side of the pooling window.</summary>
    public int Size { get; }
    /// <summary>Step between windows.</summary>
    public int Stride { get; }
}
