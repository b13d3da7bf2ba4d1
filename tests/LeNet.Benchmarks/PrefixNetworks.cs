using LeNet;

// The prefixes of LeNet-5 (CONV1; CONV1+POOL1; ...; the whole network), for one and three input channels, with the
// generator's default unrolling: LayerProfile times each prefix and takes differences, which gives every layer's own
// forward and backward time without any hook into the generated kernels (they are private to each network).
namespace LeNet.Benchmarks;

/// <summary>LeNet-5 with 1 input channel, CONV1 (+ReLU).</summary>
[Network]
[Input(height: 32, width: 32, channels: 1)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
internal partial class LeNet5ToConv1 { }

/// <summary>LeNet-5 with 1 input channel, CONV1, POOL1.</summary>
[Network]
[Input(height: 32, width: 32, channels: 1)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
internal partial class LeNet5ToPool1 { }

/// <summary>LeNet-5 with 1 input channel, up to CONV2 (+ReLU).</summary>
[Network]
[Input(height: 32, width: 32, channels: 1)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
internal partial class LeNet5ToConv2 { }

/// <summary>LeNet-5 with 1 input channel, up to POOL2.</summary>
[Network]
[Input(height: 32, width: 32, channels: 1)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
internal partial class LeNet5ToPool2 { }

/// <summary>LeNet-5 with 1 input channel, up to FC3 (+ReLU).</summary>
[Network]
[Input(height: 32, width: 32, channels: 1)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(120, Activation = Activation.ReLU)]
internal partial class LeNet5ToFc3 { }

/// <summary>LeNet-5 with 1 input channel, up to FC4 (+ReLU).</summary>
[Network]
[Input(height: 32, width: 32, channels: 1)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
internal partial class LeNet5ToFc4 { }

/// <summary>LeNet-5 with 1 input channel, the whole LeNet-5, up to FC5 (+softmax).</summary>
[Network]
[Input(height: 32, width: 32, channels: 1)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
internal partial class LeNet5ToFc5 { }

/// <summary>LeNet-5 with 3 input channels, CONV1 (+ReLU).</summary>
[Network]
[Input(height: 32, width: 32, channels: 3)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
internal partial class LeNet5RgbToConv1 { }

/// <summary>LeNet-5 with 3 input channels, CONV1, POOL1.</summary>
[Network]
[Input(height: 32, width: 32, channels: 3)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
internal partial class LeNet5RgbToPool1 { }

/// <summary>LeNet-5 with 3 input channels, up to CONV2 (+ReLU).</summary>
[Network]
[Input(height: 32, width: 32, channels: 3)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
internal partial class LeNet5RgbToConv2 { }

/// <summary>LeNet-5 with 3 input channels, up to POOL2.</summary>
[Network]
[Input(height: 32, width: 32, channels: 3)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
internal partial class LeNet5RgbToPool2 { }

/// <summary>LeNet-5 with 3 input channels, up to FC3 (+ReLU).</summary>
[Network]
[Input(height: 32, width: 32, channels: 3)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(120, Activation = Activation.ReLU)]
internal partial class LeNet5RgbToFc3 { }

/// <summary>LeNet-5 with 3 input channels, up to FC4 (+ReLU).</summary>
[Network]
[Input(height: 32, width: 32, channels: 3)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
internal partial class LeNet5RgbToFc4 { }

/// <summary>LeNet-5 with 3 input channels, the whole LeNet-5, up to FC5 (+softmax).</summary>
[Network]
[Input(height: 32, width: 32, channels: 3)]
[Conv(filters: 6, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
internal partial class LeNet5RgbToFc5 { }
