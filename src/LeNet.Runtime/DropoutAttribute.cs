using System;

namespace LeNet;

/// <summary>
/// Inverted dropout, like PyTorch's <c>nn.Dropout(rate)</c>: in training each activation of the layer before is zeroed
/// with probability <see cref="Rate"/> and the others are scaled by 1 / (1 − rate); at inference it passes its input
/// through. No parameters. The mask of each example is drawn from (seed, epoch, example index), see <see cref="DropoutKey"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class DropoutAttribute : Attribute
{
    /// <summary>Declares a dropout layer that drops each activation with probability <paramref name="rate"/>, 0 ≤ rate &lt; 1.</summary>
    public DropoutAttribute(double rate) => Rate = rate;

    /// <summary>The probability of dropping each activation in training.</summary>
    public double Rate { get; }
}
