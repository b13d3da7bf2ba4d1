using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LeNet.Training;
using Xunit;

namespace LeNet.Tests.Training;

public sealed class FitTests
{
    private static readonly Dataset Train = SyntheticData.Digits(200, seed: 31);
    private static readonly Dataset Validation = SyntheticData.Digits(100, seed: 32);

    private static Trainer<TinyClassifier> NewTrainer(int threads = 2, ImageAugmentation? augmentation = null)
    {
        var network = new TinyClassifier();
        Initializer.Initialize(network, seed: 4);
        return new Trainer<TinyClassifier>(network, new Adam(0.01f), new TrainingOptions { BatchSize = 16, Threads = threads, Seed = 4, Augmentation = augmentation });
    }

    private static float[] AfterEpochs(int epochs)
    {
        var trainer = NewTrainer();
        for (int e = 0; e < epochs; e++)
        {
            trainer.TrainEpoch(Train);
        }

        return trainer.Network.Parameters.ToArray();
    }

    [Fact]
    public void Reports_every_batch_and_every_epoch_in_order()
    {
        var batches = new List<BatchReport>();
        var epochs = new List<FitEpochReport>();
        FitResult result = NewTrainer().Fit(Train, new FitOptions
        {
            Epochs = 3,
            Validation = Validation,
            BatchProgress = new Synchronous<BatchReport>(batches.Add),
            EpochProgress = new Synchronous<FitEpochReport>(epochs.Add),
        });

        // 200 examples in batches of 16: 12 full batches and one of 8, per epoch.
        Assert.Equal(3 * 13, batches.Count);
        Assert.Equal(Enumerable.Range(1, 3).SelectMany(e => Enumerable.Range(1, 13).Select(b => (e, b))), batches.Select(r => (r.Epoch, r.Batch)));
        Assert.All(batches, r => Assert.Equal(13, r.BatchCount));
        Assert.Equal(8, batches[12].Examples);
        Assert.All(batches, r => Assert.True(r.Loss > 0 && double.IsFinite(r.Loss)));

        // The batch losses, weighted by batch size, make up the epoch's mean loss.
        for (int e = 0; e < 3; e++)
        {
            double weighted = batches.Skip(e * 13).Take(13).Sum(r => r.Loss * r.Examples) / Train.Count;
            Assert.Equal(epochs[e].Training.Loss, weighted, 9);
        }

        Assert.Equal([1, 2, 3], epochs.Select(r => r.Training.Epoch));
        Assert.All(epochs, r => Assert.Equal(Validation.Count, r.Validation!.Count));
        Assert.Equal(epochs, result.History);
        Assert.False(result.StoppedEarly);
        Assert.True(epochs[^1].Validation!.Loss < epochs[0].Validation!.Loss, "validation loss should fall on this learnable data");
    }

    [Fact]
    public void Fit_gives_the_same_parameters_as_TrainEpoch_loops()
    {
        var trainer = NewTrainer();
        trainer.Fit(Train, new FitOptions { Epochs = 2 });
        Assert.Equal(AfterEpochs(2), trainer.Network.Parameters.ToArray());
    }

    [Fact]
    public void Cancellation_stops_between_batches_and_rolls_back_the_epoch()
    {
        using var cancellation = new CancellationTokenSource();
        var trainer = NewTrainer();
        var progress = new Synchronous<BatchReport>(r =>
        {
            if (r.Epoch == 2 && r.Batch == 5)
            {
                cancellation.Cancel();
            }
        });

        int reported = 0;
        var epochs = new Synchronous<FitEpochReport>(_ => reported++);
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(Train, new FitOptions { Epochs = 4, BatchProgress = progress, EpochProgress = epochs }, cancellation.Token));

        // Exactly as after one epoch: parameters, epoch count and optimizer step.
        Assert.Equal(1, reported);
        Assert.Equal(1, trainer.CompletedEpochs);
        Assert.Equal(13, trainer.Optimizer.Step);
        Assert.Equal(AfterEpochs(1), trainer.Network.Parameters.ToArray());

        // And it carries on as if nothing had happened.
        trainer.Fit(Train, new FitOptions { Epochs = 3 });
        Assert.Equal(AfterEpochs(3), trainer.Network.Parameters.ToArray());
    }

    [Fact]
    public void An_already_cancelled_token_trains_nothing()
    {
        var trainer = NewTrainer();
        float[] before = trainer.Network.Parameters.ToArray();
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(Train, new FitOptions { Epochs = 2 }, new CancellationToken(canceled: true)));
        Assert.Equal(0, trainer.CompletedEpochs);
        Assert.Equal(before, trainer.Network.Parameters.ToArray());
    }

    [Fact]
    public void Early_stopping_ends_after_patience_and_restores_the_best_epoch()
    {
        var trainer = NewTrainer();
        // An improvement must beat the best by more than any loss can change, so only epoch 1 is ever best.
        FitResult result = trainer.Fit(Train, new FitOptions { Epochs = 10, Validation = Validation, Patience = 2, MinDelta = 1e9 });

        Assert.True(result.StoppedEarly);
        Assert.Equal(3, trainer.CompletedEpochs);
        Assert.Equal(3, result.History.Count);
        Assert.Equal([true, false, false], result.History.Select(r => r.IsBest));
        Assert.Equal([0, 1, 2], result.History.Select(r => r.EpochsWithoutImprovement));
        Assert.Equal(1, result.BestEpoch);
        Assert.Equal(result.History[0].Validation, result.BestValidation);
        Assert.True(result.RestoredBestWeights);
        Assert.Equal(AfterEpochs(1), trainer.Network.Parameters.ToArray());
    }

    [Fact]
    public void Best_weights_follow_the_monitored_metric()
    {
        var trainer = NewTrainer();
        FitResult result = trainer.Fit(Train, new FitOptions { Epochs = 4, Validation = Validation, Monitor = ValidationMetric.Accuracy });
        FitEpochReport best = result.History.First(r => r.Training.Epoch == result.BestEpoch);
        Assert.Equal(result.History.Max(r => r.Validation!.Accuracy), best.Validation!.Accuracy);
        // Strictly better only: the first epoch that reached the top accuracy is the best one.
        Assert.Equal(result.History.First(r => r.Validation!.Accuracy == best.Validation.Accuracy).Training.Epoch, result.BestEpoch);
        Assert.Equal(best.Validation.Accuracy, trainer.Evaluate(Validation).Accuracy);
        Assert.Equal(result.BestEpoch != 4, result.RestoredBestWeights);
    }

    [Fact]
    public void Without_restore_the_last_epoch_stays()
    {
        var trainer = NewTrainer();
        FitResult result = trainer.Fit(Train, new FitOptions { Epochs = 3, Validation = Validation, Patience = 1, MinDelta = 1e9, RestoreBestWeights = false });
        Assert.Equal(2, trainer.CompletedEpochs);
        Assert.False(result.RestoredBestWeights);
        Assert.Equal(AfterEpochs(2), trainer.Network.Parameters.ToArray());
    }

    [Fact]
    public void Bad_fit_options_are_refused()
    {
        var trainer = NewTrainer();
        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(Train, new FitOptions { Patience = 3 }));
        Assert.Contains("Validation", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(Train, new FitOptions { Validation = Validation, Patience = 0 }));
        error = Assert.Throws<ArgumentException>(() => trainer.Fit(Train, new FitOptions { Validation = new Dataset(new float[10], [0], 10) }));
        Assert.Contains("64 floats", error.Message);
        Assert.Equal(0, trainer.CompletedEpochs);
    }

    [Fact]
    public void Training_refuses_a_network_that_was_never_initialised()
    {
        var trainer = new Trainer<TinyClassifier>(new TinyClassifier(), new Adam(), new TrainingOptions { Threads = 1, Seed = 7 });
        var error = Assert.Throws<InvalidOperationException>(() => trainer.TrainEpoch(Train));
        Assert.Contains("Every weight of TinyClassifier is zero", error.Message);
        Assert.Contains("Initializer.Initialize(network, seed: 7)", error.Message);
        Assert.Equal(0, trainer.CompletedEpochs);
        Assert.Throws<InvalidOperationException>(() => trainer.Fit(Train));
    }

    [Fact]
    public void Augmented_training_is_deterministic_per_seed()
    {
        var augmentation = new ImageAugmentation { MaxShift = 1, ElasticAlpha = 2, ElasticSigma = 1 };
        float[] Run(ImageAugmentation? settings, int threads)
        {
            var trainer = NewTrainer(threads, settings);
            trainer.Fit(Train, new FitOptions { Epochs = 2 });
            return trainer.Network.Parameters.ToArray();
        }

        float[] first = Run(augmentation, 2);
        Assert.Equal(first, Run(augmentation, 2));
        Assert.NotEqual(first, Run(null, 2));

        // The distortion of an example depends on (seed, epoch, index) only, so one thread learns the same up to the
        // order of the gradient sums.
        float[] single = Run(augmentation, 1);
        for (int i = 0; i < first.Length; i++)
        {
            Assert.True(Math.Abs(first[i] - single[i]) < 1e-3, $"parameter {i}: {first[i]} vs {single[i]}");
        }
    }

    [Fact]
    public void Augmentation_that_does_not_fit_the_input_is_refused_at_construction()
    {
        var error = Assert.Throws<ArgumentException>(() => NewTrainer(augmentation: new ImageAugmentation { Channels = 3 }));
        Assert.Contains("3 channel(s)", error.Message);
        Assert.Contains("64", error.Message);
    }

    private sealed class Synchronous<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
