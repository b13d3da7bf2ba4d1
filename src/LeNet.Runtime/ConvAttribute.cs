using System;

namespace LeNet;

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
