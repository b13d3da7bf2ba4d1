using System;
using System.IO;
using LeNet.Sample.Cli;

namespace LeNet.Sample.Models;

/// <summary>
/// The one place where the sample gets a trained network: a weights file (<c>SaveWeights</c>) or a checkpoint written
/// by <c>train</c>. When the network with weights baked in at compile time lands, it is chosen here and nowhere else.
/// </summary>
internal static class ModelSource
{
    /// <summary>Loads the network from <paramref name="modelPath"/>.</summary>
    /// <exception cref="UsageException">No model was named (there is no baked network yet).</exception>
    /// <exception cref="InvalidDataException">The file is not a weights file or checkpoint of this LeNet-5.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static LeNet5 Load(string? modelPath, string command)
    {
        if (modelPath is null)
        {
            throw new UsageException(
                $"{command} needs --model FILE: this build has no network with weights baked in yet. " +
                "Train one first ('LeNet.Sample train' writes lenet5-mnist.ckpt), then pass --model lenet5-mnist.ckpt.");
        }

        if (modelPath.Length == 0)
        {
            throw new UsageException("Option --model expects a file name, got an empty string.");
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
