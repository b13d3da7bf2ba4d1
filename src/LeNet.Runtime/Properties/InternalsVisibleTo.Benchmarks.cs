using System.Runtime.CompilerServices;

// The benchmarks' training profile reads the trainer's per-phase clock (Trainer.PhaseTicks).
[assembly: InternalsVisibleTo("LeNet.Benchmarks")]
