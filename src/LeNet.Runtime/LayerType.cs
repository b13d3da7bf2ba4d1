namespace LeNet;

// Shared with LeNet.Generator, which compiles this file as internal (LENET_GENERATOR): one definition of the vocabulary.
/// <summary>The kind of a generated layer.</summary>
#if LENET_GENERATOR
internal
#else
public
#endif
enum LayerType
{
    /// <summary>2-D convolution.</summary>
    Conv,
    /// <summary>Max pooling.</summary>
    MaxPool,
    /// <summary>Average pooling.</summary>
    AvgPool,
    /// <summary>Fully connected.</summary>
    Dense,
    /// <summary>Inverted dropout: drops activations in training, passes them through at inference.</summary>
    Dropout,
    /// <summary>Batch normalisation of the convolution or dense layer before it: batch statistics in training, running ones at inference.</summary>
    BatchNorm,
}
