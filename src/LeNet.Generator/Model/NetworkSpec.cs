namespace LeNet.Generator.Model;

/// <summary>A type that contains the network type, outermost first, written back as <c>partial {Keyword} {Name}</c>.</summary>
internal sealed record ContainingType(string Keyword, string Name, bool IsPartial);

/// <summary>
/// Everything the generator and analyzer know of one <c>[Network]</c> type: plain values only, so the pipeline caches.
/// <see cref="UnsupportedKind"/> names what makes the type unable to hold the generated members (static, abstract, a
/// record, file-local), or is empty.
/// </summary>
internal sealed record NetworkSpec(
    string Namespace,
    string TypeName,
    EquatableArray<ContainingType> ContainingTypes,
    bool IsPartial,
    bool IsGeneric,
    string UnsupportedKind,
    bool HasParameterlessConstructor,
    bool HasUnreadableAttribute,
    KernelUnroll Unroll,
    EquatableArray<LayerSpec> Layers,
    int StrayLayerCount)
{
    /// <summary>The <c>Weights</c> argument of <c>[Network]</c>: the AdditionalFiles item to bake in, or empty.</summary>
    public string Weights { get; init; } = "";

    /// <summary>
    /// Whether a partial declaration of the type can be written at all: it is partial, not generic, of a kind that can
    /// hold the members, and every containing type is partial. When false the generator writes nothing and the
    /// compiler's own errors stand beside ours.
    /// </summary>
    public bool CanEmit
    {
        get
        {
            if (!IsPartial || IsGeneric || UnsupportedKind.Length > 0)
            {
                return false;
            }

            foreach (ContainingType container in ContainingTypes)
            {
                if (!container.IsPartial)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The type name as C# would print it with its containing types, e.g. <c>Outer.LeNet5</c>.</summary>
    public string DisplayName
    {
        get
        {
            string name = TypeName;
            for (int i = ContainingTypes.Count - 1; i >= 0; i--)
            {
                name = ContainingTypes[i].Name + "." + name;
            }

            return name;
        }
    }
}
