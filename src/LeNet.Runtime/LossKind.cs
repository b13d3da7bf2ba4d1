namespace LeNet;

// Shared with LeNet.Generator, which compiles this file as internal (LENET_GENERATOR): one definition of the vocabulary.
/// <summary>The loss a network's label-taking Backward computes, chosen by its output layer.</summary>
#if LENET_GENERATOR
internal
#else
public
#endif
enum LossKind
{
    /// <summary>No label loss: the output layer is neither softmax nor a single sigmoid unit.</summary>
    None,
    /// <summary>Cross-entropy −log p[label] after a softmax output.</summary>
    CrossEntropy,
    /// <summary>Binary cross-entropy after a single sigmoid unit; labels are 0 or 1.</summary>
    BinaryCrossEntropy,
}
