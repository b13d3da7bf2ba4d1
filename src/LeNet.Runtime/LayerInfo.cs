namespace LeNet;

/// <summary>
/// One layer of a generated network as the runtime sees it: where its weights and biases sit in
/// <see cref="INetwork{TSelf}.Parameters"/> and the fan-in and fan-out that initialisation scales by.
/// </summary>
/// <param name="Name">The lecture's name: CONV1, POOL1, FC3, Softmax, ...</param>
/// <param name="Kind">The layer kind.</param>
/// <param name="Activation">The non-linearity after the layer.</param>
/// <param name="WeightOffset">First weight in the parameter span.</param>
/// <param name="WeightLength">Number of weights (0 for pooling).</param>
/// <param name="BiasOffset">First bias in the parameter span.</param>
/// <param name="BiasLength">Number of biases (0 for pooling).</param>
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
    int OutputLength);
