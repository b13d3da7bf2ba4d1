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
