using System;

namespace LeNet;

/// <summary>
/// Marks a <c>partial class</c> as a network. Its layers are the layer attributes
/// (<see cref="InputAttribute"/> first, then <see cref="ConvAttribute"/>, <see cref="MaxPoolAttribute"/>,
/// <see cref="AvgPoolAttribute"/> and <see cref="DenseAttribute"/>) in declaration order on the same declaration.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>How far kernel windows are unrolled in the generated code; <see cref="KernelUnroll.Window"/> by default.</summary>
    public KernelUnroll Unroll { get; set; } = KernelUnroll.Window;

    /// <summary>
    /// A weights file to bake into the type at compile time, named as its <c>AdditionalFiles</c> item (the file name, or
    /// the end of its path). The generator checks it against the declared network and emits its parameters as static
    /// read-only data, <c>TrainedParameters</c>, with <c>CreateTrained()</c> returning a network that starts with them.
    /// Null (the default) bakes nothing.
    /// </summary>
    public string? Weights { get; set; }
}

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

/// <summary>
/// A 2-D convolution, like PyTorch's <c>nn.Conv2d(in, filters, kernel, stride, padding)</c>: weights (filters, in, kernel, kernel)
/// then one bias per filter. Output size per side is floor((n + 2·padding − kernel) / stride) + 1.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class ConvAttribute : Attribute
{
    /// <summary>Declares a convolution layer.</summary>
    public ConvAttribute(int filters, int kernel, int stride = 1, int padding = 0)
    {
        Filters = filters;
        Kernel = kernel;
        Stride = stride;
        Padding = padding;
    }

    /// <summary>Number of output channels.</summary>
    public int Filters { get; }
    /// <summary>Side of the square kernel.</summary>
    public int Kernel { get; }
    /// <summary>Step between windows.</summary>
    public int Stride { get; }
    /// <summary>Zeros added on every side of the input.</summary>
    public int Padding { get; }
    /// <summary>The non-linearity after the convolution; <see cref="LeNet.Activation.None"/> by default.</summary>
    public Activation Activation { get; set; }
}

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

/// <summary>
/// A fully connected layer, like PyTorch's <c>nn.Linear(in, units)</c>: weights (units, in) then one bias per unit.
/// After a spatial layer it reads the flattened (C,H,W) activations.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>Declares a fully connected layer.</summary>
    public DenseAttribute(int units) => Units = units;

    /// <summary>Number of outputs.</summary>
    public int Units { get; }
    /// <summary>The non-linearity after the layer; <see cref="LeNet.Activation.None"/> by default.</summary>
    public Activation Activation { get; set; }
}
