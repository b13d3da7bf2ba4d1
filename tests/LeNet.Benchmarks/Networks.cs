// The benchmarks run the tests' LeNet-5 declarations: the sample's own (src/LeNet.Sample/Networks.cs) and the variants
// of tests/Shared/LeNet5Variants.cs, both compiled into this project. These aliases name them by the unroll depth the
// benchmarks compare (Window is the default, so it is the sample's network itself).
global using LeNet5Window = LeNet.Sample.LeNet5;
global using LeNet5Row = LeNet.Tests.Shared.LeNet5RowUnroll;
global using LeNet5Loops = LeNet.Tests.Shared.LeNet5NoUnroll;
global using LeNet5RgbWindow = LeNet.Sample.LeNet5Rgb;
global using LeNet5RgbRow = LeNet.Tests.Shared.LeNet5RgbRowUnroll;
global using LeNet5RgbLoops = LeNet.Tests.Shared.LeNet5RgbNoUnroll;
using LeNet;

namespace LeNet.Benchmarks;

/// <summary>
/// LeNet-5, 1 channel, a type of its own on purpose: its partial in LeNet5Batched.cs attaches the hand-written batched
/// backward prototype (IBatchBackward), which the trainer benchmarks compare with the generated per-image Backward.
/// </summary>
[Network]
[Input(height: 32, width: 32, channels: 1)]
[Conv(filters: 6, kernel: 5, stride: 1, padding: 0, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
[MaxPool(size: 2, stride: 2)]
[Dense(120, Activation = Activation.ReLU)]
[Dense(84, Activation = Activation.ReLU)]
[Dense(10, Activation = Activation.Softmax)]
public partial class LeNet5Batched { }
