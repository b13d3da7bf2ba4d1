namespace LeNet;

/// <summary>
/// One layer of a generated network as the runtime sees it: where its weights and biases sit in
/// <see cref="INetwork{TSelf}.Parameters"/> and the fan-in and fan-out that initialisation scales by.
/// </summary>
/// <param name="Name">The lecture's name: CONV1, POOL1, FC3, Softmax, ...</param>
/// <param name="Kind">The layer kind.</param>
/// <param name="Activation">The non-linearity after the layer.</param>
/// <param name="WeightOffset">First weight in the parameter span.</param>
/// <param name="WeightLength">Number of weights (0 for pooling and dropout; γ, one per channel, for a batch normalisation).</param>
/// <param name="BiasOffset">First bias in the parameter span.</param>
/// <param name="BiasLength">Number of biases (0 for pooling; β, one per channel, for a batch normalisation).</param>
/// <param name="FanIn">Inputs feeding one output: in-channels × kernel² for a convolution, inputs for a dense layer.</param>
/// <param name="FanOut">Outputs fed by one input: filters × kernel² for a convolution, units for a dense layer.</param>
/// <param name="OutputLength">Activation size of the layer.</param>
public readonly record struct LayerInfo(
    string Name,
    LayerType Kind,
    Activation Activation,
    int WeightOffset,
    int WeightLength,
    int BiasOffset,
    int BiasLength,
    int FanIn,
    int FanOut,
    int OutputLength)
{
    /// <summary>
    /// What the layer reads: the network input or the previous layer's output, as it is shaped before any flattening
    /// (a dense layer after a convolution or pool sees that layer's (C,H,W) and reads it flattened).
    /// </summary>
    public ActivationShape Input { get; init; }

    /// <summary>What the layer writes; a dense layer's output is (units,1,1).</summary>
    public ActivationShape Output { get; init; }

    /// <summary>Kernel (window) side of a convolution or pool; 0 for a dense or dropout layer.</summary>
    public int Kernel { get; init; }

    /// <summary>Step between windows of a convolution or pool; 0 for a dense or dropout layer.</summary>
    public int Stride { get; init; }

    /// <summary>Zero rows and columns added on every side of a convolution's input; 0 otherwise.</summary>
    public int Padding { get; init; }

    /// <summary>The probability with which a dropout layer drops each activation in training; 0 for other kinds.</summary>
    public float Rate { get; init; }

    /// <summary>
    /// A batch normalisation's running mean (channels floats) then running variance (as many) in the parameter span, after its
    /// γ (the weights) and β (the biases); 0 for other kinds.
    /// </summary>
    public int StatisticsOffset { get; init; }

    /// <summary>Floats of running statistics: twice the channels for a batch normalisation, 0 for other kinds.</summary>
    public int StatisticsLength { get; init; }

    /// <summary>A batch normalisation's weight of each batch in its running statistics; 0 for other kinds.</summary>
    public float Momentum { get; init; }

    /// <summary>A batch normalisation's ε, added to the variance before its square root; 0 for other kinds.</summary>
    public float Epsilon { get; init; }
}
