using System;
using System.IO;
using LeNet.Sample;
using LeNet.Training;

namespace LeNet.Benchmarks.Torch;

/// <summary>
/// Real MNIST for every row, loaded once per process: <c>LENET_MNIST_DIR</c>, else ../shared/data/mnist beside the
/// repository (<see cref="MnistDirectory"/>), each 28x28 digit scaled to [0,1] and zero-padded to 32x32 as the sample does.
/// </summary>
internal static class TrainingData
{
    private static readonly Lazy<Dataset> TrainSet = new(() => Load(MnistSplit.Train));
    private static readonly Lazy<Dataset> TestSet = new(() => Load(MnistSplit.Test));

    public static Dataset Train => TrainSet.Value;

    public static Dataset Test => TestSet.Value;

    /// <summary>The initial weights of every comparison: the generator's initialisation with seed 1, as the sample's default run starts.</summary>
    public static float[] InitialParameters()
    {
        var network = new LeNet5();
        Initializer.Initialize(network, seed: 1);
        return network.Parameters.ToArray();
    }

    private static Dataset Load(MnistSplit split)
    {
        string directory = MnistDirectory.Default();
        if (!Mnist.IsAvailable(directory))
        {
            throw new DirectoryNotFoundException(MnistDirectory.MissingDataMessage(directory));
        }

        return Mnist.Load(directory, split);
    }
}
