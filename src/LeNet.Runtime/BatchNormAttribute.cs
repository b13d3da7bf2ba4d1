using System;

namespace LeNet;

/// <summary>
/// Batch normalisation of the convolution or dense layer declared just before it, like PyTorch's
/// <c>nn.BatchNorm2d(filters)</c> after a <c>Conv2d</c> or <c>nn.BatchNorm1d(units)</c> after a <c>Linear</c>: in training
/// each channel (unit) is normalised by the mini-batch's mean and biased variance, then scaled by γ and shifted by β; at
/// inference by the running mean and variance. The layer before it must have no activation: the activation of PyTorch's
/// conv → BN → ReLU order is written here, as <see cref="Activation"/>.
/// </summary>
/// <remarks>
/// Its four vectors sit in <see cref="INetwork{TSelf}.Parameters"/> right after the layer it normalises, in PyTorch's
/// <c>state_dict</c> order: weight (γ), bias (β), running_mean, running_var (num_batches_tracked is not kept). The
/// optimizer sees the running statistics with a zero gradient, so only the training pass changes them.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class BatchNormAttribute : Attribute
{
    /// <summary>Declares a batch normalisation with PyTorch's meaning of <paramref name="momentum"/> and <paramref name="epsilon"/>.</summary>
    /// <param name="momentum">
    /// The weight of each batch in the running statistics: running = (1 − momentum) · running + momentum · batch, 0 ≤ momentum ≤ 1.
    /// </param>
    /// <param name="epsilon">Added to the variance before its square root; positive.</param>
    public BatchNormAttribute(double momentum = 0.1, double epsilon = 1e-5)
    {
        Momentum = momentum;
        Epsilon = epsilon;
    }

    /// <summary>The weight of each batch in the running mean and variance.</summary>
    public double Momentum { get; }

    /// <summary>Added to the variance before its square root.</summary>
    public double Epsilon { get; }

    /// <summary>The non-linearity after the normalisation; <see cref="LeNet.Activation.None"/> by default.</summary>
    public Activation Activation { get; set; }
}
