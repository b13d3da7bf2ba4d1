using System;

namespace LeNet;

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
