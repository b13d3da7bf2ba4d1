using System;
using System.IO;

namespace LeNet.Sample.Tests;

/// <summary>
/// One model trained by the sample itself (<c>train --limit 30000 --epochs 2 --json</c>) and shared by every test class
/// that needs one: eval, predict, plot and serve. Its run's output is kept for the tests of train's JSON.
/// </summary>
public sealed class TrainedModel : IDisposable
{
    public const int Limit = 30_000;
    public const int Epochs = 2;
    private readonly TempDirectory _folder = new();

    public TrainedModel()
    {
        DataDirectory = Mnist.DefaultDirectory();
        CheckpointPath = _folder.File("model.ckpt");
        if (!Mnist.IsAvailable(DataDirectory))
        {
            // The tests using the model are [MnistFact]s: they are skipped (or fail on CI) with the reason.
            return;
        }

        Result = SampleProcess.Run(["train", "--data", DataDirectory, "--limit", $"{Limit}", "--epochs", $"{Epochs}", "--save", CheckpointPath, "--json"]);
        if (Result.ExitCode != 0)
        {
            throw new InvalidOperationException($"Training the shared model failed: {Result}");
        }
    }

    public string DataDirectory { get; }

    public string CheckpointPath { get; }

    internal SampleResult? Result { get; }

    public void Dispose() => _folder.Dispose();
}
