using System;
using System.IO;
using LeNet.Runtime.Tests.Infrastructure;
using LeNet.Training;
using Xunit;

namespace LeNet.Runtime.Tests;

/// <summary>Well-formed checkpoints (right checksum) whose values no training run can have are refused on load.</summary>
public sealed class HostileCheckpointTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Writes a checkpoint with a valid checksum, bypassing Save's own validation.</summary>
    private string Write(CheckpointData data)
    {
        string path = _dir.File($"{Guid.NewGuid():N}.ckpt");
        File.WriteAllBytes(path, Checkpoint.Serialize(data, validate: false));
        return path;
    }

    private static CheckpointData Adam(Action<float[], float[], float[]>? spoil = null, long step = 10, int epoch = 1)
    {
        var parameters = new float[SmallNet.ParameterCount];
        var m = new float[SmallNet.ParameterCount];
        var v = new float[SmallNet.ParameterCount];
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = 0.01f * (i % 7);
            m[i] = 0.001f;
            v[i] = 0.0001f;
        }

        spoil?.Invoke(parameters, m, v);
        return new CheckpointData
        {
            Fingerprint = SmallNet.Fingerprint,
            Parameters = parameters,
            OptimizerName = "adam",
            Step = step,
            Epoch = epoch,
            OptimizerState = [m, v],
        };
    }

    private static Trainer<SmallNet> NewTrainer() =>
        new(new SmallNet(), new Adam(), new TrainingOptions { Threads = 1 });

    private static void AssertRefusedAndUnchanged(string path, string expected)
    {
        Trainer<SmallNet> trainer = NewTrainer();
        trainer.Network.Parameters.Fill(0.5f);

        var e = Assert.Throws<InvalidDataException>(() => trainer.LoadCheckpoint(path));

        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.All(trainer.Network.Parameters.ToArray(), p => Assert.Equal(0.5f, p));
        Assert.Equal(0, trainer.CompletedEpochs);
        Assert.Equal(0, trainer.Optimizer.Step);
    }

    [Fact]
    public void A_valid_checkpoint_loads()
    {
        Trainer<SmallNet> trainer = NewTrainer();

        trainer.LoadCheckpoint(Write(Adam()));

        Assert.Equal(10, trainer.Optimizer.Step);
        Assert.Equal(1, trainer.CompletedEpochs);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_parameters_are_refused(float value)
    {
        AssertRefusedAndUnchanged(Write(Adam((p, _, _) => p[17] = value)), "parameter 17 is not finite");
    }

    [Fact]
    public void Non_finite_optimizer_state_is_refused()
    {
        AssertRefusedAndUnchanged(Write(Adam((_, m, _) => m[3] = float.NaN)), "optimizer buffer 0 has a non-finite value at 3");
    }

    [Fact]
    public void Negative_Adam_second_moments_are_refused()
    {
        AssertRefusedAndUnchanged(Write(Adam((_, _, v) => v[5] = -1f)), "second moment");
    }

    [Fact]
    public void An_epoch_count_at_the_top_of_int_is_refused()
    {
        AssertRefusedAndUnchanged(Write(Adam(epoch: int.MaxValue)), "epoch count");
    }

    [Fact]
    public void A_step_count_at_the_top_of_long_is_refused()
    {
        AssertRefusedAndUnchanged(Write(Adam(step: long.MaxValue)), "optimizer step");
    }

    [Fact]
    public void Save_refuses_non_finite_parameters_and_keeps_the_old_file()
    {
        string path = _dir.File("model.ckpt");
        Checkpoint.Save(path, Adam());
        byte[] before = File.ReadAllBytes(path);

        var e = Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, Adam((p, _, _) => p[2] = float.NaN)));

        Assert.Contains("parameter 2 is not finite", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }
}
