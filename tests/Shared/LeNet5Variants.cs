using LeNet;

// LeNet-5 itself is the sample's declaration (src/LeNet.Sample/Networks.cs: LeNet5, and LeNet5Rgb for three channels),
// which the tests and benchmarks compile. These are the variants that differ from it on purpose: the same layers at
// the unroll depths other than the default (Window), so the forward, gradient and IL-size tests cover every depth and
// the benchmarks can compare them.
namespace LeNet.Tests.Shared;

/// <summary>LeNet-5 (1 channel) with a loop over kernel rows, each row's taps written out.</summary>
[Network(Unroll = KernelUnroll.Row)]
[Input(height: 32, width: 32, channels: 1)]
[Conv(filters: 6, kernel: 5, stride: 1, padding: 0, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class LeNet5RowUnroll { }

/// <summary>LeNet-5 (1 channel) with plain loops over the kernel window.</summary>
[Network(Unroll = KernelUnroll.None)]
[Input(height: 32, width: 32, channels: 1)]
[Conv(filters: 6, kernel: 5, stride: 1, padding: 0, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class LeNet5NoUnroll { }

/// <summary>LeNet-5 on three channels (LeNet5Rgb) with a loop over kernel rows.</summary>
[Network(Unroll = KernelUnroll.Row)]
[Input(height: 32, width: 32, channels: 3)]
[Conv(filters: 6, kernel: 5, stride: 1, padding: 0, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class LeNet5RgbRowUnroll { }

/// <summary>LeNet-5 on three channels (LeNet5Rgb) with plain loops over the kernel window.</summary>
[Network(Unroll = KernelUnroll.None)]
[Input(height: 32, width: 32, channels: 3)]
[Conv(filters: 6, kernel: 5, stride: 1, padding: 0, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class LeNet5RgbNoUnroll { }
