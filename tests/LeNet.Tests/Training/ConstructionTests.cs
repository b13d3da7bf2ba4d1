using System;
using Xunit;

namespace LeNet.Tests.Training;

/// <summary>A network whose only constructor takes arguments: generic code cannot create it, and says so.</summary>
[Network]
[Input(height: 4, width: 4)]
[Dense(2, Activation = Activation.Softmax)]
public partial class NetworkWithArguments
{
    public NetworkWithArguments(string name) => Name = name;

    public string Name { get; }
}

public sealed class ConstructionTests
{
    [Fact]
    public void Generic_Create_without_parameterless_constructor_throws_naming_the_fix()
    {
        var error = Assert.Throws<NotSupportedException>(() => Create<NetworkWithArguments>());
        Assert.Contains("parameterless constructor", error.Message);

        var network = new NetworkWithArguments("direct");
        Assert.Equal(NetworkWithArguments.ParameterCount, network.Parameters.Length);
        Assert.Equal(0, network.Predict(new float[NetworkWithArguments.InputLength]));
    }

    private static T Create<T>()
        where T : INetwork<T> => T.Create();
}
