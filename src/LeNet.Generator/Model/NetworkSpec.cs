namespace LeNet.Generator.Model;

/// <summary>The kinds of layer attribute; <see cref="Input"/> is kept in the list so the checker can say where it stands.</summary>
internal enum LayerKind
{
    Input,
    Conv,
    MaxPool,
    AvgPool,
    Dense,
}

/// <summary>Mirror of <c>LeNet.Activation</c>; values must match.</summary>
internal enum ActivationKind
{
    None = 0,
    ReLU = 1,
    Tanh = 2,
    Sigmoid = 3,
    Softmax = 4,
}

/// <summary>Mirror of <c>LeNet.KernelUnroll</c>; values must match.</summary>
internal enum UnrollKind
{
    None = 0,
    Row = 1,
    Window = 2,
}

/// <summary>
/// One layer attribute as written. For <see cref="LayerKind.Input"/>: A = height, B = width, C = channels.
/// For Conv: A = filters, B = kernel, C = stride, D = padding. For pools: A = size, C = stride.
/// For Dense: A = units. Checked by <c>ShapeChecker</c>, never by the parser.
/// </summary>
internal sealed record LayerSpec(LayerKind Kind, int A, int B, int C, int D, int Activation);

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
    int Unroll,
    EquatableArray<LayerSpec> Layers,
    int StrayLayerCount)
{
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
