using LeNet;

// Networks the forward tests run against their hand-written reference (see NetworkCases).
// Each one exercises a different path of the emitter; the comment above it says which. LeNet5 and LeNet5Rgb are the
// sample's own declarations (src/LeNet.Sample/Networks.cs, compiled into this project), so tests check what ships;
// their other unroll depths are tests/Shared/LeNet5Variants.cs, shared with the benchmarks.
namespace LeNet.Tests;

/// <summary>
/// Padded convolutions ("same" size), an output row exactly one vector wide (8), and two pools after one conv
/// (Pool2, Pool2b).
/// </summary>
[Network]
[Input(height: 16, width: 16)]
[Conv(filters: 4, kernel: 5, padding: 2, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 6, kernel: 3, padding: 1, Activation = Activation.Tanh)]
[MaxPool(size: 2)]
[AvgPool(size: 2)]
[Dense(10, Activation = Activation.Softmax)]
public partial class PaddedNet { }

/// <summary>Stride-2 convolutions (the scalar column path), the second one padded; no unrolling; linear output.</summary>
[Network(Unroll = KernelUnroll.None)]
[Input(height: 15, width: 15, channels: 2)]
[Conv(filters: 8, kernel: 3, stride: 2, Activation = Activation.ReLU)]
[Conv(filters: 4, kernel: 3, stride: 2, padding: 1)]
[Dense(3)]
public partial class StridedNet { }

/// <summary>
/// A non-square 12x20 input with three channels, 3x3 kernels, average pooling, tanh and sigmoid, an output row of
/// 18 (two overlapping vectors) then of 7 (narrower than a vector), and a single sigmoid output; row unrolling.
/// </summary>
[Network(Unroll = KernelUnroll.Row)]
[Input(height: 12, width: 20, channels: 3)]
[Conv(filters: 5, kernel: 3, Activation = Activation.Tanh)]
[AvgPool(size: 2)]
[Conv(filters: 4, kernel: 3, Activation = Activation.Sigmoid)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class WideNet { }

/// <summary>Dense layers only: the (2,4,5) input is read flattened.</summary>
[Network]
[Input(height: 4, width: 5, channels: 2)]
[Dense(16, Activation = Activation.Tanh)]
[Dense(8, Activation = Activation.ReLU)]
[Dense(4, Activation = Activation.Softmax)]
public partial class DenseNet { }

/// <summary>Output rows narrower than a vector (7 and 3) and overlapping 3x3 pooling windows with stride 2.</summary>
[Network]
[Input(height: 9, width: 9, channels: 3)]
[Conv(filters: 6, kernel: 3, Activation = Activation.ReLU)]
[MaxPool(size: 3, stride: 2)]
[Dense(5)]
public partial class NarrowNet { }

/// <summary>
/// Large kernels at the unroll budget: CONV1's 15x15 window (vector and scalar paths) is over it and falls back to row
/// unrolling; CONV2's 8x8 window is the largest that stays fully unrolled (9x9 would not); the max pool's 19x19
/// window, 361 taps, is written out.
/// </summary>
[Network]
[Input(height: 40, width: 40)]
[Conv(filters: 3, kernel: 15, Activation = Activation.ReLU)]
[Conv(filters: 2, kernel: 8)]
[MaxPool(size: 19)]
[Dense(4)]
public partial class BigKernelNet { }

// Rows and columns a pool or a strided convolution leaves unused are part of what these two test.
#pragma warning disable LENET010
/// <summary>
/// The output-channel vector paths of the single-image Forward: CONV1's 8 channels (Vector256) fused with a 2x2 max
/// pool over odd 9x25 maps (the last row and column dropped, pool blocks that overlap); CONV2's 32 channels (two
/// Vector512 groups), stride 2, no activation, not followed by a pool.
/// </summary>
[Network]
[Input(height: 11, width: 27, channels: 2)]
[Conv(filters: 8, kernel: 3, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Conv(filters: 32, kernel: 3, stride: 2)]
[Dense(3)]
public partial class ChannelVectorNet { }

/// <summary>
/// The output-column path of the single-image Forward: CONV1's 10 channels in two passes of 5, no activation, fused
/// with a 2x2 max pool over 17x18 maps (overlapping blocks); then a 16-channel ReLU convolution whose average pool does
/// not fuse.
/// </summary>
[Network(Unroll = KernelUnroll.Row)]
[Input(height: 20, width: 21, channels: 3)]
[Conv(filters: 10, kernel: 4)]
[MaxPool(size: 2)]
[Conv(filters: 16, kernel: 2, Activation = Activation.ReLU)]
[AvgPool(size: 2)]
[Dense(4, Activation = Activation.Softmax)]
public partial class ColumnVectorNet { }

#pragma warning restore LENET010

/// <summary>A 16-channel convolution fused with a 3x3 max pool (3 rows x 6 columns a pass, overlapping blocks); no unrolling.</summary>
[Network(Unroll = KernelUnroll.None)]
[Input(height: 14, width: 17)]
[Conv(filters: 16, kernel: 3, Activation = Activation.ReLU)]
[MaxPool(size: 3)]
[Dense(2, Activation = Activation.Softmax)]
public partial class PoolThreeNet { }
