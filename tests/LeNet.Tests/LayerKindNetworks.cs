using LeNet;

// Networks of the layer kinds added after the first release ("same" padding, stride-2 convolutions in place of pooling,
// Dropout), checked against their hand-written reference in NetworkCases like every other test network.
namespace LeNet.Tests;

/// <summary>"Same" padding on a 5x5 and a 3x3 kernel: 14x14 stays 14x14 through both convolutions, then a pool.</summary>
[Network]
[Input(height: 14, width: 14, channels: 2)]
[Conv(filters: 4, kernel: 5, padding: Padding.Same, Activation = Activation.ReLU)]
[Conv(filters: 3, kernel: 3, padding: Padding.Same, Activation = Activation.Tanh)]
[MaxPool(size: 2)]
[Dense(5, Activation = Activation.Softmax)]
public partial class SamePaddedNet { }

/// <summary>
/// An all-convolutional digit classifier: stride-2 convolutions halve the size where LeNet-5 pools
/// (28 → 28 → 14 → 7), as Springenberg et al.'s "Striving for simplicity" replaces pooling.
/// </summary>
[Network]
[Input(height: 28, width: 28)]
[Conv(filters: 6, kernel: 5, padding: Padding.Same, Activation = Activation.ReLU)]
[Conv(filters: 12, kernel: 4, stride: 2, padding: 1, Activation = Activation.ReLU)]
[Conv(filters: 16, kernel: 4, stride: 2, padding: 1, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class StridedDigitNet { }

/// <summary>Padding written as numbers: the twin of <see cref="SamePaddedTwin"/>.</summary>
[Network]
[Input(height: 10, width: 10)]
[Conv(filters: 3, kernel: 3, padding: 1)]
[Conv(filters: 2, kernel: 5, padding: 2)]
[Dense(4)]
public partial class PaddedNumberNet { }

/// <summary>Padding written as <see cref="Padding.Same"/>: the twin of <see cref="PaddedNumberNet"/>.</summary>
[Network]
[Input(height: 10, width: 10)]
[Conv(filters: 3, kernel: 3, padding: Padding.Same)]
[Conv(filters: 2, kernel: 5, padding: Padding.Same)]
[Dense(4)]
public partial class SamePaddedTwin { }

/// <summary>
/// Dropout after a convolution (on (C,H,W) activations) and after a dense layer (on flat ones), the LeNet-5 places of
/// Srivastava et al. 2014.
/// </summary>
[Network]
[Input(height: 12, width: 12, channels: 2)]
[Conv(filters: 4, kernel: 3, Activation = Activation.ReLU)]
[Dropout(0.25)]
[MaxPool(size: 2)]
[Dense(16, Activation = Activation.Tanh)]
[Dropout(0.5)]
[Dense(5, Activation = Activation.Softmax)]
public partial class DropoutNet { }

/// <summary>The unpadded LeNet-5 with dropout 0.5 after each hidden dense layer, for training on real digits.</summary>
[Network]
[Input(height: 28, width: 28)]
[Conv(filters: 6, kernel: 5, padding: Padding.Same, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dropout(0.5)]
[Dense(84, Activation = Activation.ReLU)]
[Dropout(0.5)]
[Dense(10, Activation = Activation.Softmax)]
public partial class DropoutLeNet5 { }
