using System;
using System.Globalization;
using System.IO;

namespace LeNet.SaveCrashHelper;

/// <summary>
/// Usage: <c>LeNet.SaveCrashHelper PATH PARAMETERS</c>. Saves version after version of a checkpoint to PATH until it is
/// killed, continuing from the version already there. Version k has every parameter and state value equal to k and
/// step k, so a reader can tell a whole version from a mix. Prints "ready" once, then "saved k" after each save.
/// </summary>
public static class Program
{
    /// <summary>The fingerprint of the helper's made-up architecture.</summary>
    public const ulong Fingerprint = 0x5AFE_C0DE_0000_0001UL;

    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        if (args.Length != 2 || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out int parameters) || parameters <= 0)
        {
            Console.Error.WriteLine("Usage: LeNet.SaveCrashHelper PATH PARAMETERS");
            return 2;
        }

        string path = args[0];
        long version = File.Exists(path) ? Checkpoint.Load(path, Fingerprint, parameters).Step : 0;
        Console.WriteLine("ready");
        Console.Out.Flush();
        while (true)
        {
            version++;
            Checkpoint.Save(path, Version(version, parameters));
            Console.WriteLine($"saved {version}");
            Console.Out.Flush();
        }
    }

    /// <summary>Checkpoint version <paramref name="version"/>: every float equals the version.</summary>
    public static CheckpointData Version(long version, int parameters)
    {
        var values = new float[parameters];
        Array.Fill(values, version);
        var moments = new float[parameters];
        Array.Fill(moments, version);
        return new CheckpointData
        {
            Fingerprint = Fingerprint,
            Parameters = values,
            OptimizerName = "adam",
            Step = version,
            Epoch = (int)(version % Checkpoint.MaxEpoch),
            OptimizerState = [moments, moments],
        };
    }
}
