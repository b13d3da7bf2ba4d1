using System;
using System.IO;
using LeNet.Sample.Cli;

namespace LeNet.Sample.Models;

/// <summary>
/// The one place where the sample gets a trained network: a weights file (<c>SaveWeights</c>) or a checkpoint written
/// by <c>train</c>, or, when no file is named, the LeNet-5 whose weights are baked into this program at compile time
/// (<c>lenet5-mnist.weights</c>, the project's default training run).
/// </summary>
internal static class ModelSource
{
    /// <summary>What the output calls the baked network.</summary>
    public const string BakedName = "baked-in LeNet-5 (lenet5-mnist.weights)";

    /// <summary>The name of the model for output: the file as given, or <see cref="BakedName"/>.</summary>
    public static string Describe(string? modelPath) => modelPath ?? BakedName;

    /// <summary>Loads the network from <paramref name="modelPath"/>, or the baked network when it is null.</summary>
    /// <exception cref="UsageException">The path is empty or a folder.</exception>
    /// <exception cref="InvalidDataException">The file is not a weights file or checkpoint of this LeNet-5.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static LeNet5 Load(string? modelPath, string command)
    {
        if (modelPath is null)
        {
            return LeNet5.CreateTrained();
        }

        if (modelPath.Length == 0)
        {
            throw new UsageException($"{command}: option --model expects a file name, got an empty string.");
        }

        if (Directory.Exists(modelPath))
        {
            throw new UsageException($"Option --model expects a weights or checkpoint file, got the folder '{modelPath}'.");
        }

        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"Model file '{modelPath}' (--model) does not exist. 'LeNet.Sample train --save {modelPath}' writes one.", modelPath);
        }

        var network = new LeNet5();
        network.LoadWeights(modelPath);
        return network;
    }
}
