using LeNet;

// Networks with [BatchNorm], checked against their hand-written reference in NetworkCases like every other test network
// and trained in Training/BatchNormTests.
namespace LeNet.Tests;

/// <summary>
/// Batch normalisation after a convolution (per channel, over the batch and every position) and after a dense layer (per
/// unit, over the batch), the second with its own momentum and ε.
/// </summary>
[Network]
[Input(height: 12, width: 12, channels: 2)]
[Conv(filters: 4, kernel: 3)]
[BatchNorm(Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(16)]
[BatchNorm(momentum: 0.2, epsilon: 1e-3, Activation = Activation.Tanh)]
[Dense(5, Activation = Activation.Softmax)]
public partial class BatchNormNet { }

/// <summary>The unpadded LeNet-5 with a batch normalisation after each convolution and hidden dense layer, PyTorch's conv, BN, ReLU order.</summary>
[Network]
[Input(height: 28, width: 28)]
[Conv(filters: 6, kernel: 5, padding: Padding.Same)]
[BatchNorm(Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5)]
[BatchNorm(Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(120)]
[BatchNorm(Activation = Activation.ReLU)]
[Dense(84)]
[BatchNorm(Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class BatchNormLeNet5 { }
