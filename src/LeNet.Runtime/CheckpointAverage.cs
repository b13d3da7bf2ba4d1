namespace LeNet;

/// <summary>
/// The weight average a checkpoint carries (format version 3 on): its decay, its update count, and the last optimizer
/// step's parameters, which training continues from. <see cref="CheckpointData.Parameters"/> then holds the averaged
/// parameters, the ones a run evaluates and that <see cref="WeightsExtensions.LoadWeights{TNet}(TNet, string)"/> loads.
/// </summary>
public sealed class CheckpointAverage
{
    /// <summary>The largest weight an update gives the old average (<see cref="Training.WeightAverage.Decay"/>), in [0, 1).</summary>
    public required float Decay { get; init; }

    /// <summary>Updates folded into the average so far (<see cref="Training.WeightAverage.Updates"/>), 0 to <see cref="Checkpoint.MaxStep"/>.</summary>
    public required long Updates { get; init; }

    /// <summary>The network's own parameters after the last step, one per parameter, all finite.</summary>
    public required float[] LastStepParameters { get; init; }
}
