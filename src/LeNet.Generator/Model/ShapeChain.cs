namespace LeNet.Generator.Model;

/// <summary>A network whose shapes all check out: the input, every layer with sizes and offsets, and the facts derived from them.</summary>
internal sealed record ShapeChain(
    int InC,
    int InH,
    int InW,
    int ParameterCount,
    int WorkspaceLength,
    EquatableArray<LayerShape> Layers)
{
    /// <summary>Activations above this many bytes are not put on the stack (LENET011).</summary>
    public const int StackLimitBytes = 128 * 1024;

    /// <summary>The kernel of each step of the single-image Forward, chosen once from the shapes.</summary>
    public EquatableArray<InferenceStep> Inference { get; } = InferencePlan.Of(Layers);

    public int InputLength => InC * InH * InW;

    /// <summary>Whether any layer is a dropout: then the kernels take a <c>DropoutKey</c> and the type implements <c>IDropoutNetwork</c>.</summary>
    public bool HasDropout
    {
        get
        {
            foreach (LayerShape layer in Layers)
            {
                if (layer.Kind == LayerType.Dropout)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Whether any layer is a batch normalisation: then the type implements <c>IBatchNormNetwork</c> and trains a batch at a time.</summary>
    public bool HasBatchNorm
    {
        get
        {
            foreach (LayerShape layer in Layers)
            {
                if (layer.Kind == LayerType.BatchNorm)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Floats the training pass keeps per batch normalisation between its forward and backward: the batch mean and 1/√(var + ε) per channel.</summary>
    public int BatchStatisticsLength
    {
        get
        {
            int length = 0;
            foreach (LayerShape layer in Layers)
            {
                length += layer.Kind == LayerType.BatchNorm ? 2 * layer.OutC : 0;
            }

            return length;
        }
    }

    /// <summary>Whether the batched kernels cover every layer, so the network gets ForwardBatch's and the trainer's batched path.</summary>
    public bool HasBatchKernels { get; init; }

    /// <summary>The output layer.</summary>
    public LayerShape Last => Layers[Layers.Count - 1];

    public int OutputLength => Last.OutputLength;

    /// <summary>Whether one forward pass's activations fit on the stack, so Forward(input, output) needs no workspace.</summary>
    public bool WorkspaceOnStack => (long)WorkspaceLength * sizeof(float) <= StackLimitBytes;

    /// <summary>The label loss the output layer supports: softmax pairs with cross-entropy, one sigmoid unit with binary cross-entropy.</summary>
    public LossKind Loss =>
        Last.Activation == Activation.Softmax ? LossKind.CrossEntropy
        : Last.Activation == Activation.Sigmoid && Last.OutputLength == 1 ? LossKind.BinaryCrossEntropy
        : LossKind.None;

    /// <summary>How many classes the output tells apart: a one-unit output is thresholded into two, otherwise one per unit.</summary>
    public int ClassCount => OutputLength == 1 ? 2 : OutputLength;

    /// <summary>Whether the class of an output is the one-unit threshold (at 0.5) rather than the index of the largest output.</summary>
    public bool ThresholdsOneUnit => OutputLength == 1;
}

/// <summary>The checker's verdict: the spec, its chain when the shapes are sound, and every problem found.</summary>
/// <param name="LayerClassNames">
/// The nested class of each layer after the input (Conv1, Pool1, Fc3, ...), known even when the shapes are not, so the
/// throwing surface of a bad declaration still has every class the user's code may name.
/// </param>
/// <param name="Fingerprint">The architecture hash stored in checkpoints, or 0 without a chain.</param>
internal sealed record CheckedNetwork(
    NetworkSpec Spec,
    ShapeChain? Chain,
    EquatableArray<Problem> Problems,
    bool HasErrors,
    EquatableArray<string> LayerClassNames,
    ulong Fingerprint);
