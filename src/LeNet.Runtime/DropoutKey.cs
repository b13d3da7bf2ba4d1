namespace LeNet;

/// <summary>
/// What fixes the dropout masks of one training example: the run's seed, the epoch (0-based) and the example's index
/// in the data set, as <see cref="Training.ImageAugmenter"/> draws its distortions. The same key gives the same masks
/// on any thread and in any order. <c>default</c> is no key: every activation is kept, as at inference.
/// </summary>
/// <param name="Seed">The run's seed.</param>
/// <param name="Epoch">The epoch, 0-based.</param>
/// <param name="Index">The example's index in its data set.</param>
public readonly record struct DropoutKey(int Seed, int Epoch, int Index)
{
    /// <summary>True for a key built from (seed, epoch, index); false for <c>default</c>, which drops nothing.</summary>
    public bool IsActive { get; } = true;
}
