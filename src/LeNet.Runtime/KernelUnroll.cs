namespace LeNet;

// Shared with LeNet.Generator, which compiles this file as internal (LENET_GENERATOR): one definition of the vocabulary.
/// <summary>How far the generator writes out the kernel-window loops of convolution and pooling.</summary>
#if LENET_GENERATOR
internal
#else
public
#endif
enum KernelUnroll
{
    /// <summary>Loops over kernel rows and columns (constant bounds).</summary>
    None = 0,
    /// <summary>Loop over kernel rows; each row's taps written out.</summary>
    Row = 1,
    /// <summary>Every tap of the K×K window written out (the default).</summary>
    Window = 2,
}
