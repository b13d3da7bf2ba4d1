using LeNet;

namespace LeNet.Sample;

/// <summary>
/// LeNet-5 for 28x28 MNIST digits zero-padded to 32x32: one input channel. lenet5-mnist.weights, written by the
/// project's default training run (seed 1, 20 epochs with augmentation: 99.40% test accuracy, no subnormal weight), is baked in: <c>LeNet5.CreateTrained()</c> needs no file.
/// </summary>
[Network(Weights = "lenet5-mnist.weights")]
[Input(height: 32, width: 32, channels: 1)]
[Conv(filters: 6, kernel: 5, stride: 1, padding: 0, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class LeNet5 { }

/// <summary>The same network on 32x32 colour images: three input channels.</summary>
[Network]
[Input(height: 32, width: 32, channels: 3)]
[Conv(filters: 6, kernel: 5, stride: 1, padding: 0, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class LeNet5Rgb { }
