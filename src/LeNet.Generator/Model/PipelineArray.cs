namespace LeNet.Generator.Model;

/// <summary>
/// An <see cref="EquatableArray{T}"/> as a class, for values that flow between pipeline steps. Roslyn keeps a node table
/// per step, generic over the step's value: over a class it runs the table code every generator shares (and that one
/// JIT compilation serves), over a struct of ours it needs its own instantiations, a few hundred methods that a compiler
/// process has to JIT compile before the first build can emit anything (docs/generator-time.md).
/// </summary>
internal sealed record PipelineArray<T>(EquatableArray<T> Items)
    where T : System.IEquatable<T>;
