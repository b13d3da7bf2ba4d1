namespace LeNet;

// Shared with LeNet.Generator, which compiles this file as internal (LENET_GENERATOR): one definition of the vocabulary.
/// <summary>The non-linearity applied to a layer's output.</summary>
#if LENET_GENERATOR
internal
#else
public
#endif
enum Activation
{
    /// <summary>Identity: the layer's output is its pre-activation.</summary>
    None = 0,
    /// <summary>max(0, z).</summary>
    ReLU = 1,
    /// <summary>tanh(z).</summary>
    Tanh = 2,
    /// <summary>1 / (1 + e^-z); on a one-unit last layer it pairs with binary cross-entropy.</summary>
    Sigmoid = 3,
    /// <summary>Normalised exponentials; only on the last layer, where it pairs with cross-entropy.</summary>
    Softmax = 4,
}
