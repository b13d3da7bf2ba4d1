namespace LeNet;

/// <summary>The shape of a layer's input or output activations, channel-major (C,H,W) as stored in memory.</summary>
/// <param name="Channels">Planes (for a dense layer's output: its units).</param>
/// <param name="Height">Rows of each plane (1 for a dense layer's output).</param>
/// <param name="Width">Columns of each plane (1 for a dense layer's output).</param>
public readonly record struct ActivationShape(int Channels, int Height, int Width)
{
    /// <summary>Number of values: channels × height × width.</summary>
    public int Length => Channels * Height * Width;

    /// <summary>"(C,H,W)", the order the values are stored in.</summary>
    public override string ToString() => $"({Channels},{Height},{Width})";
}
