using LeNet;

// LeNet-5 at the three unroll depths, for one and three input channels: the same layers, so the benchmark compares
// only how far the kernel windows are written out.
namespace LeNet.Benchmarks;

/// <summary>LeNet-5, 1 channel, every tap of each window written out (the default).</summary>
[Network(Unroll = KernelUnroll.Window)]
[Input(height: 32, width: 32, channels: 1)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class LeNet5Window { }

/// <summary>LeNet-5, 1 channel, a loop over kernel rows.</summary>
[Network(Unroll = KernelUnroll.Row)]
[Input(height: 32, width: 32, channels: 1)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class LeNet5Row { }

/// <summary>LeNet-5, 1 channel, loops over kernel rows and columns.</summary>
[Network(Unroll = KernelUnroll.None)]
[Input(height: 32, width: 32, channels: 1)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class LeNet5Loops { }

/// <summary>LeNet-5, 3 channels, window unrolled.</summary>
[Network(Unroll = KernelUnroll.Window)]
[Input(height: 32, width: 32, channels: 3)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class LeNet5RgbWindow { }

/// <summary>LeNet-5, 3 channels, row unrolled.</summary>
[Network(Unroll = KernelUnroll.Row)]
[Input(height: 32, width: 32, channels: 3)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class LeNet5RgbRow { }

/// <summary>LeNet-5, 3 channels, not unrolled.</summary>
[Network(Unroll = KernelUnroll.None)]
[Input(height: 32, width: 32, channels: 3)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class LeNet5RgbLoops { }

/// <summary>LeNet-5, 1 channel, whose training runs on the hand-written batched prototype (see LeNet5Batched.cs).</summary>
[Network]
[Input(height: 32, width: 32, channels: 1)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class LeNet5Batched { }
