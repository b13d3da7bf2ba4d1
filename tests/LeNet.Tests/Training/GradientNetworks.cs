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

// Stride-1 convolutions with rows at least a vector (8 floats) wide and smooth activations, so the vector backward
// runs on gradients without zeros, and row widths (12, 10, 14, 9) leave a partial last block that must count once.

/// <summary>Window unrolling: CONV2 (4x9x10) feeds dx back into CONV1 (3x11x12), whose dW then depends on it.</summary>
[Network]
[Input(height: 13, width: 14, channels: 2)]
[Conv(filters: 3, kernel: 3, Activation = Activation.Tanh)]
[Conv(filters: 4, kernel: 3, Activation = Activation.Sigmoid)]
[Dense(3, Activation = Activation.Softmax)]
public partial class GradVectorWindow { }

/// <summary>Row unrolling and a padded CONV1 (6x12x14); CONV2 (8x8x10) adds eight channels into each dx vector.</summary>
[Network(Unroll = KernelUnroll.Row)]
[Input(height: 12, width: 14, channels: 1)]
[Conv(filters: 6, kernel: 3, padding: 1, Activation = Activation.Tanh)]
[Conv(filters: 8, kernel: 5, Activation = Activation.Tanh)]
[Dense(4, Activation = Activation.Softmax)]
public partial class GradVectorRow { }

/// <summary>No unrolling, odd channel counts and heights: CONV1 5x9x10 with a 2x2 kernel, CONV2 3x7x9.</summary>
[Network(Unroll = KernelUnroll.None)]
[Input(height: 10, width: 11, channels: 3)]
[Conv(filters: 5, kernel: 2, Activation = Activation.Tanh)]
[Conv(filters: 3, kernel: 3, Activation = Activation.Sigmoid)]
[Dense(3, Activation = Activation.Softmax)]
public partial class GradVectorNone { }
