using System;
using System.Diagnostics;
using System.Globalization;
using LeNet.Sample;
using LeNet.Training;
using Xunit;
using Xunit.Abstractions;

namespace LeNet.Tests.Training;

/// <summary>
/// The full run proposed as the sample's default: LeNet-5 on all of MNIST with augmentation. It takes about a minute on
/// an idle 2-core machine, too long for the suite, so it runs only when <see cref="Variable"/> is 1:
/// <c>LENET_DEFAULT_RUN=1 LENET_DEFAULT_RUN_SEED=2 dotnet test tests/LeNet.Tests -c Release --filter DefaultRunTests
/// --logger "console;verbosity=detailed"</c> prints the epoch table.
/// </summary>
/// <remarks>
/// Measured on a shared 2-core machine (load average about 30): 99.40% with seed 1 and 99.42% with seed 2, short of
/// the 99.5%, so this test fails today. Tried as well, all 18 epochs: weight decay 0.0005 (no better by
/// epoch 14), learning rate 0.003 (99.41% and 99.38%), elastic distortion α = 20, σ = 4 on top (99.39% and 99.31%).
/// </remarks>
public sealed class DefaultRunTests(ITestOutputHelper output)
{
    public const string Variable = "LENET_DEFAULT_RUN";

    /// <summary>The settings: everything not listed is the library default.</summary>
    public const int Epochs = 18;
    public const int BatchSize = 64;
    public const float LearningRate = 0.002f;
    public const float WeightDecay = 0f;

    [DefaultRunFact]
    public void DefaultRunReachesNinetyNinePointFivePercent()
    {
        int seed = int.Parse(Environment.GetEnvironmentVariable(Variable + "_SEED") ?? "1", CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        string directory = MnistDirectory.Default();
        Dataset train = Mnist.Load(directory, MnistSplit.Train);
        Dataset test = Mnist.Load(directory, MnistSplit.Test);
        var network = new LeNet5();
        Initializer.Initialize(network, seed);
        var trainer = new Trainer<LeNet5>(network, new Adam(LearningRate), new TrainingOptions
        {
            BatchSize = BatchSize,
            Seed = seed,
            WeightDecay = WeightDecay,
            Schedule = Schedules.Cosine(Epochs),
            Augmentation = new ImageAugmentation(),
        });
        output.WriteLine($"seed {seed}, {trainer.Options.Threads} threads");
        output.WriteLine("epoch      loss   train %    test %   seconds");
        trainer.Fit(train, new FitOptions
        {
            Epochs = Epochs,
            Validation = test,
            RestoreBestWeights = false,
            EpochProgress = new Synchronous(epoch => output.WriteLine(string.Format(
                CultureInfo.InvariantCulture,
                "{0,5} {1,9:F4} {2,9:F2} {3,9:F2} {4,9:F1}",
                epoch.Training.Epoch,
                epoch.Training.Loss,
                epoch.Training.TrainAccuracy * 100,
                epoch.Validation!.Accuracy * 100,
                epoch.Training.Seconds))),
        });
        double accuracy = trainer.Evaluate(test).Accuracy;
        output.WriteLine($"test accuracy {accuracy * 100:F2}% after {Epochs} epochs, {clock.Elapsed.TotalSeconds:F1} s wall");
        Assert.True(accuracy >= 0.995, $"test accuracy {accuracy:P2}");
    }

    private sealed class Synchronous(Action<FitEpochReport> report) : IProgress<FitEpochReport>
    {
        public void Report(FitEpochReport value) => report(value);
    }

    /// <summary>Runs only when <see cref="Variable"/> is 1 (and then needs MNIST).</summary>
    [AttributeUsage(AttributeTargets.Method)]
    private sealed class DefaultRunFactAttribute : FactAttribute
    {
        public DefaultRunFactAttribute()
        {
            if (Environment.GetEnvironmentVariable(Variable) != "1")
            {
                Skip = $"The full default run takes about a minute; set {Variable}=1 to run it.";
            }
        }
    }
}
