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
}
