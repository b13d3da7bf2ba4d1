using LeNet;

namespace LeNet.Sample;

/// <summary>
/// The original LeNet-5 of LeCun, Bottou, Bengio and Haffner (1998), as near as the layer kinds allow: tanh units,
/// average pooling ("sub-sampling") and the 32x32 input of MNIST digits padded by 2 pixels.
/// </summary>
/// <remarks>
/// C5 is a 5x5 convolution over the 5x5 maps of S4, so each of its 120 units sees all of S4, as in the paper.
/// Differences from 1998: every C3 map reads all six S2 maps (the paper wired each to a subset, to break symmetry and
/// save connections), the sub-sampling layers are plain averages (the paper gave each map a trainable coefficient
/// and bias and a sigmoid), tanh is the plain one rather than 1.7159·tanh(2a/3), and the output is a softmax under
/// cross-entropy rather than Euclidean RBF units. The lecture's <see cref="LeNet5"/> uses ReLU and max pooling instead.
/// Trained like the sample's earlier default (10 epochs, Adam at 0.002 with cosine decay, weight decay 0.0005, batch 64,
/// seed 1, no augmentation) it reached 99.10% MNIST test accuracy (98.90% after 8 epochs); the paper reports 99.05% for
/// LeNet-5 without distortions after 20 epochs and 99.20% with them. With the defaults before label smoothing
/// (<c>train --network lecun1998</c>: 20 epochs, no weight decay, the default augmentation) it reached 99.21% (99.26% at
/// its best epoch, 99% first after epoch 9); the present defaults (30 epochs, label smoothing 0.1) are not measured on it.
/// </remarks>
[Network]
[Input(height: 32, width: 32, channels: 1)]
[Conv(filters: 6, kernel: 5, Activation = Activation.Tanh)]
[AvgPool(size: 2, stride: 2)]
[Conv(filters: 16, kernel: 5, Activation = Activation.Tanh)]
[AvgPool(size: 2, stride: 2)]
[Conv(filters: 120, kernel: 5, Activation = Activation.Tanh)]
[Dense(84, Activation = Activation.Tanh)]
[Dense(10, Activation = Activation.Softmax)]
public partial class Lecun1998 { }
