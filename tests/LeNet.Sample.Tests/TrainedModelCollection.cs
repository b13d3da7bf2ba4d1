using Xunit;

namespace LeNet.Sample.Tests;

/// <summary>The test classes sharing <see cref="TrainedModel"/> (xunit builds it once for the collection).</summary>
[CollectionDefinition(Name)]
public sealed class TrainedModelCollection : ICollectionFixture<TrainedModel>
{
    public const string Name = "trained model";
}
