namespace LeNet.Generator.Model;

/// <summary>
/// One layer attribute as written, one record per kind with named members. The parser fills it and judges nothing;
/// <c>ShapeChecker</c> does the judging. Records compare by value, so a list of them keeps the pipeline cacheable.
/// </summary>
internal abstract record LayerSpec
{
    /// <summary>The attribute's name as the user writes it, e.g. <c>MaxPool</c>.</summary>
    public abstract string AttributeName { get; }
}

/// <summary><c>[Input(height, width, channels = 1)]</c>.</summary>
internal sealed record InputSpec(int Height, int Width, int Channels) : LayerSpec
{
    public const int DefaultChannels = 1;

    public override string AttributeName => "Input";
}

/// <summary>
/// <c>[Conv(filters, kernel, stride = 1, padding = 0, Activation = ...)]</c>, or with <c>padding: Padding.Same</c>, whose
/// rule <see cref="PaddingMode"/> holds (then <see cref="Padding"/> is 0 as read; the checker resolves the number).
/// </summary>
internal sealed record ConvSpec(int Filters, int Kernel, int Stride, int Padding, Activation Activation) : LayerSpec
{
    public const int DefaultStride = 1;

    public const int DefaultPadding = 0;

    /// <summary>The padding rule when written as <c>padding: Padding.X</c>; null when padding is a number.</summary>
    public LeNet.Padding? PaddingMode { get; init; }

    public override string AttributeName => "Conv";
}

/// <summary><c>[MaxPool(size, stride = size)]</c> or <c>[AvgPool(size, stride = size)]</c>.</summary>
internal sealed record PoolSpec(LayerType Kind, int Size, int Stride) : LayerSpec
{
    /// <summary>A pool whose stride is left out steps by its size, so windows tile the input.</summary>
    public static int DefaultStride(int size) => size;

    public override string AttributeName => Kind == LayerType.MaxPool ? "MaxPool" : "AvgPool";
}

/// <summary><c>[Dense(units, Activation = ...)]</c>.</summary>
internal sealed record DenseSpec(int Units, Activation Activation) : LayerSpec
{
    public override string AttributeName => "Dense";
}

/// <summary><c>[Dropout(rate)]</c>; the rate as written, NaN when it could not be read.</summary>
internal sealed record DropoutSpec(double Rate) : LayerSpec
{
    public override string AttributeName => "Dropout";
}

/// <summary><c>[BatchNorm(momentum = 0.1, epsilon = 1e-5, Activation = ...)]</c>; the numbers as written, NaN when one could not be read.</summary>
internal sealed record BatchNormSpec(double Momentum, double Epsilon, Activation Activation) : LayerSpec
{
    public const double DefaultMomentum = 0.1;

    public const double DefaultEpsilon = 1e-5;

    public override string AttributeName => "BatchNorm";
}
