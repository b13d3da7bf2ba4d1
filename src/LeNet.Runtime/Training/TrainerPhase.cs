namespace LeNet.Training;

/// <summary>Where a worker's time in a batch goes, as the slots of <see cref="Trainer{TNet}.PhaseTicks"/>.</summary>
internal enum TrainerPhase
{
    /// <summary>Copying (or augmenting) the worker's share of the batch into its contiguous input buffer.</summary>
    Gather,

    /// <summary>The forward and backward kernels (BackwardBatch, or Backward per example).</summary>
    Kernels,

    /// <summary>Counting correct outputs and the rest of the shard.</summary>
    Classify,

    /// <summary>Waiting at the barrier after the shard.</summary>
    ShardWait,

    /// <summary>Summing, averaging and decaying this worker's slice of the gradient.</summary>
    Sum,

    /// <summary>Waiting at the barrier after the sum.</summary>
    SumWait,

    /// <summary>The optimizer step on this worker's slice.</summary>
    Step,

    /// <summary>Waiting at the barrier after the step.</summary>
    StepWait,

    /// <summary>Copying the slices the other workers stepped into this worker's own parameters.</summary>
    Exchange,
}
