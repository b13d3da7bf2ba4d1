using LeNet;

namespace LeNet.Tests.Onnx;

/// <summary>A network whose last layer is spatial: its flat Forward output is the (C,H,W) activations, so the export ends with a Flatten.</summary>
[Network]
[Input(height: 8, width: 10, channels: 2)]
[Conv(filters: 3, kernel: 3, stride: 1, padding: 1, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
public partial class SpatialOutputNet { }
