using System;

namespace LeNet;

/// <summary>
/// Everything a checkpoint holds: the network's parameters, the fingerprint of its architecture and the optimizer's
/// state. <see cref="Checkpoint.Save"/> writes one, <see cref="Checkpoint.Load"/> reads and fully validates one.
/// </summary>
/// <remarks>
/// The arrays are neither copied on construction nor kept by <see cref="Checkpoint.Save"/>, which serializes them at
/// once. The object <see cref="Checkpoint.Load"/> returns owns fresh arrays.
/// </remarks>
public sealed class CheckpointData
{
    /// <summary>
    /// Identifies the architecture the parameters belong to: for a generated network its <c>Fingerprint</c> constant,
    /// which is what <see cref="Training.Trainer{TNet}"/> stores. Loading refuses a checkpoint whose fingerprint differs
    /// from the expected one.
    /// </summary>
    public required ulong Fingerprint { get; init; }

    /// <summary>
    /// All weights and biases, in the network's flat <c>Parameters</c> order; all finite (NaN and infinities are refused).
    /// With an <see cref="Average"/>, the averaged parameters.
    /// </summary>
    public required float[] Parameters { get; init; }

    /// <summary>The optimizer's name (for example <c>"Adam"</c>); empty when the checkpoint carries no optimizer.</summary>
    public string OptimizerName { get; init; } = "";

    /// <summary>Number of optimizer steps taken so far (Adam's <c>t</c>), 0 to <see cref="Checkpoint.MaxStep"/>.</summary>
    public long Step { get; init; }

    /// <summary>Number of training epochs completed, 0 to <see cref="Checkpoint.MaxEpoch"/>.</summary>
    public int Epoch { get; init; }

    /// <summary>
    /// The optimizer's state buffers in the optimizer's own order (Adam: first then second moments); empty for plain SGD.
    /// Each holds at most one finite float per parameter.
    /// </summary>
    public float[][] OptimizerState { get; init; } = [];

    /// <summary>
    /// The training settings of the run that wrote the checkpoint (format version 2 on), which a resume compares with
    /// its own; null when the file records none (every version 1 file, or a checkpoint saved without them).
    /// </summary>
    public Training.TrainingSettings? Settings { get; init; }

    /// <summary>
    /// The weight average of the run (format version 3 on): with it, <see cref="Parameters"/> are the averaged weights and
    /// the last step's are here, so a resume continues both bit for bit; null when the run kept no average.
    /// </summary>
    public CheckpointAverage? Average { get; init; }
}
