namespace LeNet;

// Shared with LeNet.Generator, which compiles this file as internal (LENET_GENERATOR): one definition of the vocabulary.
/// <summary>How a convolution pads its input, for <c>[Conv(filters, kernel, padding: Padding.Same)]</c>.</summary>
#if LENET_GENERATOR
internal
#else
public
#endif
enum Padding
{
    /// <summary>No padding (PyTorch's <c>padding='valid'</c>): the same as <c>padding: 0</c>.</summary>
    Valid = 0,
    /// <summary>
    /// Output as large as the input (PyTorch's <c>padding='same'</c>): (kernel − 1) / 2 zeros on every side. Needs stride 1
    /// and an odd kernel, as symmetric padding can keep the size only then.
    /// </summary>
    Same = 1,
}
