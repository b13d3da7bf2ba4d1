namespace LeNet.Generator.Model;

/// <summary>
/// One checked layer with every size and offset the emitter needs. Parameter offsets index the flat parameter span;
/// workspace offsets index the activation workspace. <see cref="PaddedOffset"/> is the zero-padded copy of the input
/// that a padded convolution reads, or -1.
/// </summary>
internal sealed record LayerShape(
    string Name,
    string ClassName,
    LayerKind Kind,
    ActivationKind Activation,
    int InC,
    int InH,
    int InW,
    int OutC,
    int OutH,
    int OutW,
    int Kernel,
    int Stride,
    int Padding,
    int WeightOffset,
    int WeightLength,
    int BiasOffset,
    int BiasLength,
    int InputOffset,
    int OutputOffset,
    int PaddedOffset,
    long DenseEquivalentWeights)
{
    public int InputLength => InC * InH * InW;

    public int OutputLength => OutC * OutH * OutW;

    public int ParameterCount => WeightLength + BiasLength;

    public int PaddedH => InH + (2 * Padding);

    public int PaddedW => InW + (2 * Padding);
}

/// <summary>A network whose shapes all check out: the input and every layer with sizes and offsets.</summary>
internal sealed record ShapeChain(
    int InC,
    int InH,
    int InW,
    int ParameterCount,
    int WorkspaceLength,
    EquatableArray<LayerShape> Layers)
{
    public int InputLength => InC * InH * InW;

    public LayerShape Last => Layers[Layers.Count - 1];

    public int OutputLength => Last.OutputLength;
}

/// <summary>The checker's verdict: the spec, its chain when the shapes are sound, and every problem found.</summary>
internal sealed record CheckedNetwork(NetworkSpec Spec, ShapeChain? Chain, EquatableArray<Problem> Problems, bool HasErrors);
