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

    /// <summary>
    /// Declares a convolution padded by a rule rather than a number: <c>[Conv(16, 3, padding: Padding.Same)]</c> keeps the
    /// input's height and width (stride 1 and an odd kernel only), like PyTorch's <c>padding='same'</c>.
    /// </summary>
    public ConvAttribute(int filters, int kernel, LeNet.Padding padding, int stride = 1)
    {
        Filters = filters;
        Kernel = kernel;
        Stride = stride;
        PaddingMode = padding;
        Padding = padding == LeNet.Padding.Same ? (kernel - 1) / 2 : 0;
    }

    /// <summary>Number of output channels.</summary>
    public int Filters { get; }
    /// <summary>Side of the square kernel.</summary>
    public int Kernel { get; }
    /// <summary>Step between windows.</summary>
    public int Stride { get; }
    /// <summary>Zeros added on every side of the input; (kernel − 1) / 2 for <see cref="LeNet.Padding.Same"/>.</summary>
    public int Padding { get; }
    /// <summary>The padding rule when one was given, else <see cref="LeNet.Padding.Valid"/> (the number <see cref="Padding"/> rules).</summary>
    public LeNet.Padding PaddingMode { get; }
    /// <summary>The non-linearity after the convolution; <see cref="LeNet.Activation.None"/> by default.</summary>
    public Activation Activation { get; set; }
}
