using LeNet;

namespace LeNet.Tests.Baking;

/// <summary>NarrowNet's architecture with Baking/narrow.weights baked in at compile time (seeded values, written once).</summary>
[Network(Weights = "narrow.weights")]
[Input(height: 9, width: 9, channels: 3)]
[Conv(filters: 6, kernel: 3, Activation = Activation.ReLU)]
[MaxPool(size: 3, stride: 2)]
[Dense(5)]
public partial class BakedNarrowNet { }
