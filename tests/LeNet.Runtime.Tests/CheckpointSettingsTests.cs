using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Hashing;
using System.Linq;
using LeNet.Runtime.Tests.Infrastructure;
using LeNet.Training;
using Xunit;

namespace LeNet.Runtime.Tests;

/// <summary>Checkpoints record the training settings (format version 2 on, label smoothing from 3), and a resume with other ones is refused or warned about.</summary>
public sealed class CheckpointSettingsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static TrainingOptions Options => new()
    {
        Threads = 1,
        BatchSize = 16,
        Seed = 3,
        WeightDecay = 0.0005f,
        Schedule = Schedules.Cosine(4),
        Augmentation = new ImageAugmentation { MaxShift = 1, MaxRotationDegrees = 5, MaxScale = 0.05f },
    };

    private static Trainer<SmallNet> NewTrainer(TrainingOptions options, float learningRate = 0.002f)
    {
        var network = new SmallNet();
        Initializer.Initialize(network, seed: options.Seed);
        return new Trainer<SmallNet>(network, new Adam(learningRate), options);
    }

    /// <summary>A checkpoint after one epoch of a run planned for 4 epochs with <see cref="Options"/>.</summary>
    private string TrainedCheckpoint()
    {
        Trainer<SmallNet> trainer = NewTrainer(Options);
        trainer.PlannedEpochs = 4;
        trainer.TrainEpoch(SmallData.Make(64, seed: 1));
        string path = _dir.File($"{Guid.NewGuid():N}.ckpt");
        trainer.SaveCheckpoint(path);
        return path;
    }

    [Fact]
    public void A_trainer_checkpoint_records_every_training_setting()
    {
        CheckpointData data = Checkpoint.Load(TrainedCheckpoint(), SmallNet.Fingerprint, SmallNet.ParameterCount);

        Assert.Equal(
            new TrainingSettings
            {
                Seed = 3,
                BatchSize = 16,
                Threads = 1,
                LearningRate = 0.002f,
                WeightDecay = 0.0005f,
                Epochs = 4,
                Schedule = "cosine(epochs=4, floor=0.01)",
                Augmentation = "shift=1, rotation=5, scale=0.05",
            },
            data.Settings);
    }

    [Fact]
    public void The_settings_block_follows_the_parameters_at_the_documented_offsets()
    {
        var data = new CheckpointData
        {
            Fingerprint = 9,
            Parameters = [1f, 2f],
            OptimizerName = "SGD",
            Settings = new TrainingSettings { Seed = -7, BatchSize = 64, Threads = 2, Epochs = 18, LearningRate = 0.5f, WeightDecay = 0.25f, LabelSmoothing = 0.125f, Schedule = "constant", Augmentation = "none" },
        };
        byte[] bytes = Checkpoint.Serialize(data);

        // S = 44 + N with no buffers; the parameters take 4 P bytes, then the block.
        int block = 44 + 3 + (4 * 2);
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(block)));
        Assert.Equal(-7, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(block + 4)));
        Assert.Equal(64, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(block + 8)));
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(block + 12)));
        Assert.Equal(18, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(block + 16)));
        Assert.Equal(0.5f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(block + 20)));
        Assert.Equal(0.25f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(block + 24)));
        Assert.Equal(8, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(block + 28)));
        Assert.Equal("constant", System.Text.Encoding.UTF8.GetString(bytes, block + 32, 8));
        Assert.Equal(4, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(block + 40)));
        Assert.Equal("none", System.Text.Encoding.UTF8.GetString(bytes, block + 44, 4));

        Assert.Equal(0.125f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(block + 48)));

        // The weight-average flag (none here), then the checksum.
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(block + 52)));
        Assert.Equal(block + 56 + 8, bytes.Length);
    }

    [Fact]
    public void A_version_1_file_still_loads_without_settings_and_warns_on_resume()
    {
        // A version 1 file is a version 3 file without the settings and weight-average flags, with version 1 and its own checksum.
        byte[] v3 = Checkpoint.Serialize(new CheckpointData { Fingerprint = SmallNet.Fingerprint, Parameters = Enumerable.Repeat(0.1f, SmallNet.ParameterCount).ToArray() });
        byte[] v1 = new byte[v3.Length - 8];
        v3.AsSpan(0, v1.Length - 8).CopyTo(v1);
        BinaryPrimitives.WriteInt32LittleEndian(v1.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(v1.AsSpan(v1.Length - 8), XxHash64.HashToUInt64(v1.AsSpan(0, v1.Length - 8)));
        string path = _dir.File("old.ckpt");
        File.WriteAllBytes(path, v1);

        CheckpointData data = Checkpoint.Load(path, SmallNet.Fingerprint, SmallNet.ParameterCount);
        Trainer<SmallNet> trainer = NewTrainer(Options);
        string warning = Assert.Single(trainer.LoadCheckpoint(path));

        Assert.Null(data.Settings);
        Assert.Equal(0.1f, data.Parameters[0]);
        Assert.Contains("records no training settings (format version 1", warning);
        Assert.All(trainer.Network.Parameters.ToArray(), p => Assert.Equal(0.1f, p));
    }

    [Theory]
    [InlineData("seed", "seed: the checkpoint has 3, this trainer has 4")]
    [InlineData("batch", "batch size: the checkpoint has 16, this trainer has 32")]
    [InlineData("rate", "learning rate: the checkpoint has 0.002, this trainer has 0.001")]
    [InlineData("decay", "weight decay: the checkpoint has 0.0005, this trainer has 0")]
    [InlineData("smoothing", "label smoothing: the checkpoint has 0, this trainer has 0.1")]
    [InlineData("schedule", "schedule: the checkpoint has cosine(epochs=4, floor=0.01), this trainer has step(every=2, factor=0.5)")]
    [InlineData("augmentation", "augmentation: the checkpoint has shift=1, rotation=5, scale=0.05, this trainer has none")]
    public void A_resume_with_a_setting_that_changes_the_run_is_refused_naming_both_values(string setting, string expected)
    {
        string path = TrainedCheckpoint();
        TrainingOptions options = setting switch
        {
            "seed" => Options with { Seed = 4 },
            "batch" => Options with { BatchSize = 32 },
            "decay" => Options with { WeightDecay = 0 },
            "smoothing" => Options with { LabelSmoothing = 0.1f },
            "schedule" => Options with { Schedule = Schedules.StepDecay(2, 0.5f) },
            "augmentation" => Options with { Augmentation = null },
            _ => Options,
        };
        Trainer<SmallNet> trainer = NewTrainer(options, setting == "rate" ? 0.001f : 0.002f);
        float[] before = trainer.Network.Parameters.ToArray();

        var error = Assert.Throws<InvalidDataException>(() => trainer.LoadCheckpoint(path));

        Assert.StartsWith($"Checkpoint '{path}': trained with other settings", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Equal(before, trainer.Network.Parameters.ToArray());
        Assert.Equal(0, trainer.CompletedEpochs);
        Assert.Equal(0, trainer.Optimizer.Step);
    }

    [Fact]
    public void More_epochs_and_other_threads_only_warn_and_the_resume_goes_on()
    {
        string path = TrainedCheckpoint();
        Trainer<SmallNet> trainer = NewTrainer(Options with { Threads = 2, Schedule = Schedules.Cosine(8) });
        trainer.PlannedEpochs = 8;

        string[] warnings = trainer.LoadCheckpoint(path).ToArray();

        Assert.Equal(
            [
                $"Checkpoint '{path}': schedule: the checkpoint has cosine(epochs=4, floor=0.01), this trainer has cosine(epochs=8, floor=0.01) (the rate follows the new schedule from the next epoch on).",
                $"Checkpoint '{path}': threads: the checkpoint has 1, this trainer has 2 (training goes on, but not bit-identically to an uninterrupted run).",
                $"Checkpoint '{path}': planned epochs: the checkpoint has 4, this trainer has 8.",
            ],
            warnings);
        Assert.Equal(1, trainer.CompletedEpochs);
        trainer.TrainEpoch(SmallData.Make(64, seed: 1));
        Assert.Equal(2, trainer.CompletedEpochs);
    }

    [Fact]
    public void The_same_settings_resume_without_a_warning()
    {
        string path = TrainedCheckpoint();

        Assert.Empty(NewTrainer(Options).LoadCheckpoint(path));
    }

    [Theory]
    [InlineData(0, 2, "expected the training-settings flag to be 0 or 1, found 2")]
    [InlineData(8, 0, "expected a batch size of at least 1 in the training settings, found 0")]
    [InlineData(12, 0, "expected 1 to 256 threads in the training settings, found 0")]
    [InlineData(16, -1, "expected planned epochs from 0 to 1000000000 in the training settings, found -1")]
    [InlineData(28, 257, "expected the schedule description length to be 0 to 256 bytes, found 257")]
    [InlineData(28, 100, "truncated")]
    public void Hostile_settings_with_a_valid_checksum_are_refused(int offsetInBlock, int value, string expected)
    {
        var data = new CheckpointData
        {
            Fingerprint = SmallNet.Fingerprint,
            Parameters = new float[SmallNet.ParameterCount],
            Settings = new TrainingSettings { BatchSize = 1, LearningRate = 1f, Schedule = "constant", Augmentation = "none" },
        };
        byte[] bytes = Checkpoint.Serialize(data);
        int block = 44 + (4 * SmallNet.ParameterCount);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(block + offsetInBlock), value);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)));

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(new MemoryStream(bytes), SmallNet.Fingerprint, SmallNet.ParameterCount, "hostile"));

        Assert.StartsWith("Checkpoint 'hostile': ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Non_finite_or_negative_rates_in_the_settings_are_refused_on_save()
    {
        var data = new CheckpointData
        {
            Fingerprint = 1,
            Parameters = [0f],
            Settings = new TrainingSettings { LearningRate = float.NaN },
        };

        var error = Assert.Throws<ArgumentException>(() => Checkpoint.Serialize(data));

        Assert.Contains("expected a positive, finite learning rate in the training settings, found NaN", error.Message);
    }

    [Fact]
    public void Schedules_describe_themselves_and_custom_ones_are_custom()
    {
        Assert.Equal("constant", Schedules.Describe(null));
        Assert.Equal("cosine(epochs=10, floor=0.01)", Schedules.Describe(Schedules.Cosine(10)));
        Assert.Equal("cosine(epochs=20, warmup=2, floor=0)", Schedules.Describe(Schedules.WarmupCosine(20, 2, 0f)));
        Assert.Equal("step(every=3, factor=0.3)", Schedules.Describe(Schedules.StepDecay(3, 0.3f)));
        Assert.Equal("custom", Schedules.Describe(epoch => 1f / (epoch + 1)));
        Assert.Equal("none", ImageAugmentation.Describe(null));
        Assert.Equal("shift=2, rotation=10, scale=0.1, elastic=34, sigma=4, fill=0", ImageAugmentation.Describe(new ImageAugmentation { ElasticAlpha = 34, Fill = 0 }));
    }

    [Fact]
    public void Warm_up_rises_linearly_then_the_cosine_decays_to_its_floor()
    {
        Func<int, float> schedule = Schedules.WarmupCosine(6, 2, 0.1f);

        Assert.Equal(1f / 3, schedule(0), 6);
        Assert.Equal(2f / 3, schedule(1), 6);
        Assert.Equal(1f, schedule(2), 6);
        Assert.Equal(0.1f + (0.9f * 0.5f * (1 + MathF.Cos(MathF.PI / 4))), schedule(3), 6);
        Assert.Equal(0.1f, schedule(6), 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedules.WarmupCosine(3, 3));
    }
}
