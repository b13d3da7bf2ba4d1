using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Hashing;
using System.Linq;
using LeNet.Runtime.Tests.Infrastructure;
using LeNet.Training;
using Xunit;

namespace LeNet.Runtime.Tests;

/// <summary>
/// Checkpoints record the weight average of a run (format version 3): a resume continues the training and the average
/// bit for bit, and a resume with another decay is refused.
/// </summary>
public sealed class CheckpointAverageTests : IDisposable
{
    private const float Decay = 0.9f;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static TrainingOptions Options(int threads) => new()
    {
        Threads = threads,
        BatchSize = 8,
        Seed = 5,
        Schedule = Schedules.Cosine(4),
        Augmentation = new ImageAugmentation { MaxShift = 1, MaxRotationDegrees = 5, MaxScale = 0.05f, RampEpochs = 1 },
    };

    private static readonly Dataset Data = SmallData.Make(96, seed: 2);

    private static (Trainer<SmallNet> Trainer, WeightAverage Average) NewRun(int threads, float decay = Decay)
    {
        var network = new SmallNet();
        Initializer.Initialize(network, seed: 5);
        var trainer = new Trainer<SmallNet>(network, new Adam(0.01f), Options(threads)) { PlannedEpochs = 4 };
        return (trainer, new WeightAverage(decay, network.Parameters));
    }

    private static void Train(Trainer<SmallNet> trainer, WeightAverage average, int epochs)
    {
        for (int e = 0; e < epochs; e++)
        {
            trainer.TrainEpoch(Data, _ => average.Update(trainer.Network.Parameters), default);
        }
    }

    private static int[] Bits(ReadOnlySpan<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_resumed_run_with_its_average_is_bit_identical_to_an_uninterrupted_one(int threads)
    {
        (Trainer<SmallNet> whole, WeightAverage wholeAverage) = NewRun(threads);
        Train(whole, wholeAverage, 4);

        (Trainer<SmallNet> first, WeightAverage firstAverage) = NewRun(threads);
        Train(first, firstAverage, 2);
        string path = _dir.File("half.ckpt");
        first.SaveCheckpoint(path, firstAverage);

        // A new process: a fresh network, optimizer and average, all restored from the file.
        (Trainer<SmallNet> resumed, WeightAverage resumedAverage) = NewRun(threads);
        Assert.Empty(resumed.LoadCheckpoint(path, resumedAverage));
        Assert.Equal(firstAverage.Updates, resumedAverage.Updates);
        Train(resumed, resumedAverage, 2);

        Assert.Equal(4, resumed.CompletedEpochs);
        Assert.Equal(wholeAverage.Updates, resumedAverage.Updates);
        Assert.Equal(Bits(whole.Network.Parameters), Bits(resumed.Network.Parameters));
        Assert.Equal(Bits(wholeAverage.Parameters), Bits(resumedAverage.Parameters));

        // The average differs from the last step's weights, so the test tells them apart.
        Assert.NotEqual(Bits(wholeAverage.Parameters), Bits(whole.Network.Parameters));
    }

    [Fact]
    public void The_file_holds_the_averaged_weights_and_the_last_steps_after_them()
    {
        (Trainer<SmallNet> trainer, WeightAverage average) = NewRun(threads: 1);
        Train(trainer, average, 1);
        string path = _dir.File("averaged.ckpt");
        trainer.SaveCheckpoint(path, average);

        CheckpointData data = Checkpoint.Load(path, SmallNet.Fingerprint, SmallNet.ParameterCount);
        Assert.Equal(Bits(average.Parameters), Bits(data.Parameters));
        CheckpointAverage saved = Assert.IsType<CheckpointAverage>(data.Average);
        Assert.Equal(Decay, saved.Decay);
        Assert.Equal(12, saved.Updates);
        Assert.Equal(Bits(trainer.Network.Parameters), Bits(saved.LastStepParameters));

        // What LoadWeights, eval and predict use: the averaged weights.
        var loaded = new SmallNet();
        loaded.LoadWeights(path);
        Assert.Equal(Bits(average.Parameters), Bits(loaded.Parameters));

        // The block ends the file before the checksum: flag, decay, updates, P floats.
        byte[] bytes = File.ReadAllBytes(path);
        int block = bytes.Length - 8 - (4 + 4 + 8 + (4 * SmallNet.ParameterCount));
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(block)));
        Assert.Equal(Decay, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(block + 4)));
        Assert.Equal(12L, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(block + 8)));
        Assert.Equal(saved.LastStepParameters[0], BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(block + 16)));
    }

    [Fact]
    public void A_resume_with_another_decay_is_refused_naming_both_and_changes_nothing()
    {
        (Trainer<SmallNet> trainer, WeightAverage average) = NewRun(threads: 1);
        Train(trainer, average, 1);
        string path = _dir.File("decay.ckpt");
        trainer.SaveCheckpoint(path, average);

        (Trainer<SmallNet> resumed, WeightAverage other) = NewRun(threads: 1, decay: 0.99f);
        float[] before = resumed.Network.Parameters.ToArray();
        float[] averageBefore = other.Parameters.ToArray();

        var error = Assert.Throws<InvalidDataException>(() => resumed.LoadCheckpoint(path, other));

        Assert.Contains("weight-average decay: the checkpoint has 0.9, this run has 0.99", error.Message);
        Assert.Equal(before, resumed.Network.Parameters.ToArray());
        Assert.Equal(averageBefore, other.Parameters.ToArray());
        Assert.Equal(0, other.Updates);
        Assert.Equal(0, resumed.CompletedEpochs);
        Assert.Equal(0, resumed.Optimizer.Step);
    }

    [Fact]
    public void A_resume_without_an_average_warns_and_trains_on_from_the_last_steps_weights()
    {
        (Trainer<SmallNet> trainer, WeightAverage average) = NewRun(threads: 1);
        Train(trainer, average, 1);
        string path = _dir.File("no-average.ckpt");
        trainer.SaveCheckpoint(path, average);

        (Trainer<SmallNet> resumed, _) = NewRun(threads: 1);
        string warning = Assert.Single(resumed.LoadCheckpoint(path));

        Assert.Contains("records a weight average (decay 0.9) that this run does not continue", warning);
        Assert.Equal(Bits(trainer.Network.Parameters), Bits(resumed.Network.Parameters));
    }

    [Fact]
    public void A_checkpoint_without_an_average_warns_and_the_average_starts_again_from_its_weights()
    {
        (Trainer<SmallNet> trainer, WeightAverage average) = NewRun(threads: 1);
        Train(trainer, average, 1);
        string path = _dir.File("plain.ckpt");
        trainer.SaveCheckpoint(path);

        (Trainer<SmallNet> resumed, WeightAverage restarted) = NewRun(threads: 1);
        string warning = Assert.Single(resumed.LoadCheckpoint(path, restarted));

        Assert.Contains("records no weight average", warning);
        Assert.Equal(0, restarted.Updates);
        Assert.Equal(Bits(trainer.Network.Parameters), Bits(restarted.Parameters));
        Assert.Equal(Bits(trainer.Network.Parameters), Bits(resumed.Network.Parameters));
    }

    [Fact]
    public void A_version_2_file_still_loads_without_an_average()
    {
        // A version 2 file is a version 3 file without the label smoothing that ends the settings and without the
        // weight-average flag, with version 2 and its own checksum.
        var data = new CheckpointData
        {
            Fingerprint = SmallNet.Fingerprint,
            Parameters = Enumerable.Repeat(0.25f, SmallNet.ParameterCount).ToArray(),
            Settings = new TrainingSettings { BatchSize = 4, LearningRate = 0.5f, LabelSmoothing = 0.2f },
        };
        byte[] v3 = Checkpoint.Serialize(data);
        byte[] v2 = new byte[v3.Length - 8];
        v3.AsSpan(0, v2.Length - 8).CopyTo(v2);
        BinaryPrimitives.WriteInt32LittleEndian(v2.AsSpan(8), 2);
        BinaryPrimitives.WriteUInt64LittleEndian(v2.AsSpan(v2.Length - 8), XxHash64.HashToUInt64(v2.AsSpan(0, v2.Length - 8)));

        CheckpointData loaded = Checkpoint.Read(new MemoryStream(v2), SmallNet.Fingerprint, SmallNet.ParameterCount, "v2");

        Assert.Null(loaded.Average);
        Assert.Equal(4, loaded.Settings?.BatchSize);
        Assert.Equal(0f, loaded.Settings?.LabelSmoothing);
        Assert.Equal(0.25f, loaded.Parameters[^1]);
    }

    [Theory]
    [InlineData(0, 2, "expected the weight-average flag to be 0 or 1, found 2")]
    [InlineData(4, 0x3F800000, "expected a weight-average decay in [0, 1), found 1")]
    [InlineData(4, 0x7FC00000, "expected a weight-average decay in [0, 1), found NaN")]
    [InlineData(8, -1, "expected a weight-average update count from 0 to 9007199254740992, found -1")]
    [InlineData(16, 0x7F800000, "the last step's parameter 0 is not finite (Infinity)")]
    public void Hostile_average_fields_with_a_valid_checksum_are_refused(int offsetInBlock, int value, string expected)
    {
        var data = new CheckpointData
        {
            Fingerprint = SmallNet.Fingerprint,
            Parameters = new float[SmallNet.ParameterCount],
            Average = new CheckpointAverage { Decay = 0.5f, Updates = 3, LastStepParameters = new float[SmallNet.ParameterCount] },
        };
        byte[] bytes = Checkpoint.Serialize(data);
        int block = 44 + (4 * SmallNet.ParameterCount) + 4;
        if (offsetInBlock == 8)
        {
            // The update count is an int64.
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(block + offsetInBlock), value);
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(block + offsetInBlock), value);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)));

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(new MemoryStream(bytes), SmallNet.Fingerprint, SmallNet.ParameterCount, "hostile"));

        Assert.StartsWith("Checkpoint 'hostile': ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_truncated_average_is_reported_as_truncated()
    {
        var data = new CheckpointData
        {
            Fingerprint = SmallNet.Fingerprint,
            Parameters = new float[SmallNet.ParameterCount],
            Average = new CheckpointAverage { Decay = 0.5f, Updates = 3, LastStepParameters = new float[SmallNet.ParameterCount] },
        };
        byte[] bytes = Checkpoint.Serialize(data)[..^20];

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(new MemoryStream(bytes), SmallNet.Fingerprint, SmallNet.ParameterCount, "short"));

        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void An_average_of_another_length_is_refused_on_save()
    {
        var data = new CheckpointData
        {
            Fingerprint = 1,
            Parameters = [0f, 1f],
            Average = new CheckpointAverage { Decay = 0.5f, Updates = 1, LastStepParameters = [0f] },
        };

        var error = Assert.Throws<ArgumentException>(() => Checkpoint.Serialize(data));

        Assert.Contains("expected the weight average's last-step parameters to be 2 floats", error.Message);
    }
}
