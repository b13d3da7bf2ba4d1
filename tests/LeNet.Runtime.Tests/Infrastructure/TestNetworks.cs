namespace LeNet.Runtime.Tests.Infrastructure;

/// <summary>A small classifier of 6x6 images into 3 classes (conv, pool, two dense layers: 197 parameters).</summary>
[Network]
[Input(height: 6, width: 6, channels: 1)]
[Conv(filters: 2, kernel: 3, Activation = Activation.ReLU)]
[MaxPool(size: 2)]
[Dense(8, Activation = Activation.ReLU)]
[Dense(3, Activation = Activation.Softmax)]
public partial class SmallNet
{
}
