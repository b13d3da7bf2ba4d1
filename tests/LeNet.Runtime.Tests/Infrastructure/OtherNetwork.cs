namespace LeNet.Runtime.Tests.Infrastructure;

/// <summary>Another architecture, to check that one network's files are refused by another.</summary>
[Network]
[Input(height: 6, width: 6, channels: 1)]
[Dense(5, Activation = Activation.ReLU)]
[Dense(3, Activation = Activation.Softmax)]
public partial class OtherNet
{
}
