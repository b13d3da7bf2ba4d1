namespace LeNet.Training;

/// <summary>
/// Sets the label smoothing the loss gradients on this thread use (<see cref="GeneratedCodeSupport.CrossEntropyGradient"/>
/// and the batched kernels' output loss) for the life of the scope, and restores the previous value when disposed, so
/// a thread that trained leaves plain cross-entropy behind for direct Backward calls.
/// </summary>
internal readonly ref struct LabelSmoothingScope
{
    private readonly float _previous;

    public LabelSmoothingScope(float smoothing)
    {
        _previous = GeneratedCodeSupport.LabelSmoothing;
        GeneratedCodeSupport.LabelSmoothing = smoothing;
    }

    public void Dispose() => GeneratedCodeSupport.LabelSmoothing = _previous;
}
