using System;
using System.IO;
using System.Runtime.InteropServices;

namespace LeNet.Tests.Onnx;

/// <summary>
/// The LeNet-5 that libtorch trained (shared/data/libtorch-lenet5 beside the repository, or the folder named by
/// LENET_LIBTORCH_DIR): its parameters in named_parameters() order, 200 test images and libtorch's softmax outputs.
/// </summary>
internal static class LibtorchLeNet5
{
    public const int Images = 200;

    public static readonly (string Name, long[] Shape)[] Parameters =
    [
        ("conv1.weight", [6, 1, 5, 5]), ("conv1.bias", [6]),
        ("conv2.weight", [16, 6, 5, 5]), ("conv2.bias", [16]),
        ("fc3.weight", [120, 400]), ("fc3.bias", [120]),
        ("fc4.weight", [84, 120]), ("fc4.bias", [84]),
        ("fc5.weight", [10, 84]), ("fc5.bias", [10]),
    ];

    public static string Directory
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable("LENET_LIBTORCH_DIR");
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return Path.GetFullPath(configured);
            }

            for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "data", "libtorch-lenet5");
                if (System.IO.Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            return Path.Combine("..", "shared", "data", "libtorch-lenet5");
        }
    }

    public static bool IsAvailable => File.Exists(Path.Combine(Directory, "params.bin"));

    public static string MissingMessage =>
        $"The libtorch LeNet-5 fixture is not at {Directory}: put the shared/ folder (data/libtorch-lenet5 with params.bin, " +
        "inputs.bin, outputs.bin) beside the repository or set LENET_LIBTORCH_DIR to that folder.";

    public static float[] Read(string file, int expectedCount)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(Directory, file));
        if (bytes.Length != expectedCount * sizeof(float))
        {
            throw new InvalidDataException($"{file}: {bytes.Length} bytes, expected {expectedCount} floats.");
        }

        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }
}
