using LeNet;

namespace LeNet.Tests.Training;

/// <summary>A small digit classifier for quick optimizer and resume tests.</summary>
[Network]
[Input(height: 8, width: 8, channels: 1)]
[Conv(filters: 4, kernel: 3, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(16, Activation = Activation.Tanh)]
[Dense(4, Activation = Activation.Softmax)]
public partial class TinyClassifier { }

/// <summary>"Is it a 7?": one sigmoid unit on 32x32 MNIST digits.</summary>
[Network]
[Input(height: 32, width: 32, channels: 1)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Conv(filters: 8, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Dense(32, Activation = Activation.ReLU)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class SevenDetector { }

/// <summary>LeNet-5 on MNIST's 28x28 digits as stored: the first convolution pads by 2 instead of the data.</summary>
[Network]
[Input(height: 28, width: 28, channels: 1)]
[Conv(filters: 6, kernel: 5, padding: 2, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class LeNet5Unpadded { }

/// <summary>One output unit with no sigmoid: no label loss, and its class is the 0.5 threshold of the raw output.</summary>
[Network]
[Input(height: 2, width: 2, channels: 1)]
[Dense(1)]
public partial class OneUnitLinear { }
