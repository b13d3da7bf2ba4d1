using LeNet;

namespace LeNet.Tests.Training;

/// <summary>Padding, stride 2, average pooling, tanh and sigmoid, with a softmax output.</summary>
[Network]
[Input(height: 11, width: 11, channels: 2)]
[Conv(filters: 3, kernel: 3, stride: 2, padding: 1, Activation = Activation.Tanh)]
[AvgPool(size: 2, stride: 1)]
[Conv(filters: 4, kernel: 2, padding: 1, Activation = Activation.Sigmoid)]
[MaxPool(size: 2)]
[Dense(5, Activation = Activation.Tanh)]
[Dense(3, Activation = Activation.Softmax)]
public partial class GradMixed { }

/// <summary>A single sigmoid unit: binary cross-entropy.</summary>
[Network]
[Input(height: 6, width: 6, channels: 1)]
[Conv(filters: 2, kernel: 3, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(4, Activation = Activation.Sigmoid)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class GradBinary { }

/// <summary>Dense only, no output activation: trained through an arbitrary output gradient.</summary>
[Network]
[Input(height: 1, width: 7, channels: 1)]
[Dense(6, Activation = Activation.Tanh)]
[Dense(4, Activation = Activation.ReLU)]
[Dense(3)]
public partial class GradDenseOnly { }

/// <summary>Overlapping max pooling, row unrolling, and a softmax output whose gradient is passed in (not fused).</summary>
[Network(Unroll = KernelUnroll.Row)]
[Input(height: 9, width: 9, channels: 3)]
[Conv(filters: 4, kernel: 3, padding: 2, Activation = Activation.ReLU)]
[MaxPool(size: 3, stride: 2)]
[Conv(filters: 2, kernel: 3, stride: 2)]
[Dense(4, Activation = Activation.Softmax)]
public partial class GradRowUnrolled { }
