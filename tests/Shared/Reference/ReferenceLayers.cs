namespace LeNet.Tests.Reference;

/// <summary>One layer of a hand-written reference network.</summary>
internal abstract record RefLayer;

/// <summary>PyTorch <c>nn.Conv2d(in, Filters, Kernel, Stride, Padding)</c> then the activation.</summary>
internal sealed record RefConv(int Filters, int Kernel, int Stride = 1, int Padding = 0, Activation Activation = Activation.None) : RefLayer;

/// <summary>PyTorch <c>nn.MaxPool2d(Size, Stride)</c> or <c>nn.AvgPool2d(Size, Stride)</c>.</summary>
internal sealed record RefPool(bool Max, int Size, int Stride) : RefLayer;

/// <summary>PyTorch <c>nn.Linear(in, Units)</c> then the activation; reads (C,H,W) flattened.</summary>
internal sealed record RefDense(int Units, Activation Activation = Activation.None) : RefLayer;

/// <summary>
/// PyTorch <c>nn.Dropout(Rate)</c>: identity at inference; with <paramref name="Scale"/> (each activation's 0 or
/// 1 / (1 - rate), as one training mask drew it) the training forward pass under that mask.
/// </summary>
internal sealed record RefDropout(double Rate, float[]? Scale = null) : RefLayer;

/// <summary>
/// PyTorch <c>nn.BatchNorm2d(C, Epsilon, Momentum)</c> (or <c>BatchNorm1d</c> after a dense layer) then the activation: by the
/// running statistics at inference, by the batch's in <see cref="ReferenceBatchForward"/>. Parameters γ (C), β (C), then
/// the running mean (C) and variance (C), PyTorch's <c>state_dict</c> order.
/// </summary>
internal sealed record RefBatchNorm(double Momentum = 0.1, double Epsilon = 1e-5, Activation Activation = Activation.None) : RefLayer;

/// <summary>Shapes and parameter offsets of one reference layer, worked out from the layer list alone.</summary>
internal sealed record RefShape(
    RefLayer Layer,
    string ClassName,
    int InC,
    int InH,
    int InW,
    int OutC,
    int OutH,
    int OutW,
    int WeightOffset,
    int WeightLength,
    int BiasOffset,
    int BiasLength)
{
    /// <summary>A batch normalisation's running mean then variance, after β; empty for other layers.</summary>
    public int StatisticsOffset => BiasOffset + BiasLength;

    public int StatisticsLength => Layer is RefBatchNorm ? 2 * OutC : 0;

    public int InputLength => InC * InH * InW;

    public int OutputLength => OutC * OutH * OutW;

    /// <summary>Inputs feeding one output, for PyTorch-like initialisation.</summary>
    public int FanIn => Layer switch
    {
        RefConv conv => InC * conv.Kernel * conv.Kernel,
        RefDense => InputLength,
        _ => 0,
    };
}
