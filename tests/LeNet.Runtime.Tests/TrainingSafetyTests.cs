using System;
using System.IO;
using LeNet.Runtime.Tests.Infrastructure;
using LeNet.Training;
using Xunit;

namespace LeNet.Runtime.Tests;

/// <summary>Divergence stops training loudly, and options and optimizers refuse values that cannot train.</summary>
public sealed class TrainingSafetyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static SmallNet Initialized(int seed = 3)
    {
        SmallNet network = new SmallNet();
        Initializer.Initialize(network, seed);
        return network;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_diverging_run_stops_naming_epoch_and_batch_and_keeps_the_last_good_state(int threads)
    {
        Dataset data = SmallData.Make(640, seed: 1);
        var trainer = new Trainer<SmallNet>(Initialized(), new GradientDescent(1e6f), new TrainingOptions { BatchSize = 32, Threads = threads });
        string checkpoint = _dir.File("last-good.ckpt");
        trainer.SaveCheckpoint(checkpoint);
        byte[] saved = File.ReadAllBytes(checkpoint);

        TrainingDivergedException e = Assert.Throws<TrainingDivergedException>(() =>
        {
            for (int epoch = 0; epoch < 5; epoch++)
            {
                trainer.TrainEpoch(data);
                trainer.SaveCheckpoint(checkpoint);
            }
        });

        Assert.Equal(1, e.Epoch);
        Assert.InRange(e.Batch, 1, 20);
        Assert.Contains($"epoch {e.Epoch}", e.Message);
        Assert.Contains($"batch {e.Batch}", e.Message);
        Assert.All(trainer.Network.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
        Assert.Equal(e.Batch - 1, trainer.Optimizer.Step);
        Assert.Equal(0, trainer.CompletedEpochs);
        Assert.Equal(saved, File.ReadAllBytes(checkpoint));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)] // each worker steps and undoes its own slice of the parameters
    public void An_update_that_overflows_the_parameters_is_undone(int threads)
    {
        // Finite loss and gradients (weight decay 1e30 times weights below 1), but a step of rate 1e10 overflows them.
        Dataset data = SmallData.Make(64, seed: 2);
        SmallNet network = Initialized();
        float[] before = network.Parameters.ToArray();
        var options = new TrainingOptions { BatchSize = 64, Threads = threads, WeightDecay = 1e30f };
        var trainer = new Trainer<SmallNet>(network, new GradientDescent(1e10f), options);

        TrainingDivergedException e = Assert.Throws<TrainingDivergedException>(() => trainer.TrainEpoch(data));

        Assert.Equal(1, e.Batch);
        Assert.Contains("parameter", e.Message);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(-0.5f)]
    [InlineData(float.PositiveInfinity)]
    public void A_schedule_returning_an_unusable_factor_is_refused_before_the_epoch(float factor)
    {
        SmallNet network = Initialized();
        float[] before = network.Parameters.ToArray();
        var trainer = new Trainer<SmallNet>(network, new Adam(), new TrainingOptions { Threads = 1, Schedule = epoch => epoch == 0 ? factor : 1f });

        var e = Assert.Throws<InvalidOperationException>(() => trainer.TrainEpoch(SmallData.Make(64, seed: 3)));

        Assert.Contains("epoch 1", e.Message);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void Ready_made_schedules_refuse_unusable_arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedules.StepDecay(2, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedules.StepDecay(2, -0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedules.Cosine(10, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedules.Cosine(10, 1.5f));
    }

    [Fact]
    public void Optimizer_hyper_parameters_are_checked_at_construction()
    {
        Assert.Contains("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: 1f)).ParamName);
        Assert.Contains("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta2: -0.1f)).ParamName);
        Assert.Contains("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(epsilon: float.NaN)).ParamName);
        Assert.Contains("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(epsilon: 0f)).ParamName);
        Assert.Contains("beta", Assert.Throws<ArgumentOutOfRangeException>(() => new Momentum(beta: float.NaN)).ParamName);
        Assert.Contains("beta", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(beta: 1f)).ParamName);
        Assert.Contains("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(epsilon: float.PositiveInfinity)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientDescent(float.NaN));
    }

    [Theory]
    [InlineData(100_000)]
    [InlineData(1_000_000)]
    public void Threads_are_bounded(int threads)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<SmallNet>(new SmallNet(), new Adam(), new TrainingOptions { Threads = threads }));

        Assert.Contains("Threads", e.ParamName);
        Assert.Contains(threads.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Evaluator.Evaluate(new SmallNet(), SmallData.Make(4, 1), threads));
    }
}
