namespace LeNet.Generator.Model;

/// <summary>Where a problem is reported.</summary>
internal enum ProblemSite
{
    /// <summary>The network type's identifier (every declaration of it).</summary>
    TypeName,
    /// <summary>The <c>[Network]</c> attribute.</summary>
    NetworkAttribute,
    /// <summary>A layer attribute; <see cref="Problem.Index"/> is its position in <see cref="NetworkSpec.Layers"/>.</summary>
    Layer,
    /// <summary>A layer attribute on a second partial declaration; <see cref="Problem.Index"/> counts those.</summary>
    StrayLayer,
    /// <summary>The containing type at <see cref="Problem.Index"/> of <see cref="NetworkSpec.ContainingTypes"/>.</summary>
    ContainingType,
}

/// <summary>
/// One finding of the parser or shape checker, in plain values: a descriptor ID, where it points (an attribute and,
/// when one argument is at fault, that argument's parameter or property name) and the message arguments.
/// </summary>
internal sealed record Problem(string Id, ProblemSite Site, int Index, string? Argument, EquatableArray<string> MessageArgs);
