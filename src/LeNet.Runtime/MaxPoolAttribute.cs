using System;

namespace LeNet;

/// <summary>Max pooling over square windows, like PyTorch's <c>nn.MaxPool2d(size, stride)</c>; the stride defaults to the size.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class MaxPoolAttribute : Attribute
{
    /// <summary>Declares max pooling with stride equal to <paramref name="size"/>.</summary>
    public MaxPoolAttribute(int size) : this(size, size) { }

    /// <summary>Declares max pooling.</summary>
    public MaxPoolAttribute(int size, int stride)
    {
        Size = size;
        Stride = stride;
    }

    /// <summary>Side of the pooling window.</summary>
    public int Size { get; }
    /// <summary>Step between windows.</summary>
    public int Stride { get; }
}
