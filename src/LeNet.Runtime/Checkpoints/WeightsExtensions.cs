using System;
using System.IO;

namespace LeNet;

/// <summary>
/// <c>network.SaveWeights(path)</c> and <c>network.LoadWeights(path)</c> for every generated network, in the
/// weights-only format of <see cref="Weights"/>.
/// </summary>
public static class WeightsExtensions
{
    /// <summary>Saves the network's parameters to <paramref name="path"/> atomically (see <see cref="Weights.Save"/>).</summary>
    /// <exception cref="ArgumentException">A parameter is not finite, or the path is empty or a folder.</exception>
    /// <exception cref="IOException">The path is not a regular file, or writing failed; the message names the path.</exception>
    public static void SaveWeights<TNet>(this TNet network, string path)
        where TNet : INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        Weights.Save(path, TNet.Fingerprint, network.Parameters);
    }

    /// <summary>Writes the network's parameters to <paramref name="stream"/> as a weights file.</summary>
    public static void WriteWeights<TNet>(this TNet network, Stream stream)
        where TNet : INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        Weights.Write(stream, TNet.Fingerprint, network.Parameters);
    }

    /// <summary>
    /// Replaces the network's parameters with those of the weights file (or checkpoint) at <paramref name="path"/>. The
    /// whole file is validated first: another architecture, a truncated or corrupted file is refused and the network is
    /// left as it was.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not valid weights of this network; the message says why.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static void LoadWeights<TNet>(this TNet network, string path)
        where TNet : INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        float[] parameters = Weights.Load(path, TNet.Fingerprint, TNet.ParameterCount);
        parameters.CopyTo(network.Parameters);
    }

    /// <summary>As <see cref="LoadWeights{TNet}(TNet, string)"/>, from a weights file in <paramref name="stream"/>.</summary>
    /// <exception cref="InvalidDataException">The data is not valid weights of this network; the network is unchanged.</exception>
    public static void LoadWeights<TNet>(this TNet network, Stream stream, string source = "stream")
        where TNet : INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        float[] parameters = Weights.Read(stream, TNet.Fingerprint, TNet.ParameterCount, source);
        parameters.CopyTo(network.Parameters);
    }
}
