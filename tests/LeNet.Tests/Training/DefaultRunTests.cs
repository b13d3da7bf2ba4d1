using System;
using System.Diagnostics;
using System.Globalization;
using LeNet.Sample;
using LeNet.Sample.Runs;
using LeNet.Training;
using Xunit;
using Xunit.Abstractions;

namespace LeNet.Tests.Training;

/// <summary>
/// The sample's default run (<see cref="DefaultTraining"/>): LeNet-5 on all of MNIST. It takes about a minute on an
/// idle 2-core machine, too long for the suite, so it runs only when <see cref="Variable"/> is 1:
/// <c>LENET_DEFAULT_RUN=1 LENET_DEFAULT_RUN_SEED=2 dotnet test tests/LeNet.Tests -c Release --filter DefaultRunTests
/// --logger "console;verbosity=detailed"</c> prints the epoch table, with the cumulative training time.
/// </summary>
public sealed class DefaultRunTests(ITestOutputHelper output)
{
    public const string Variable = "LENET_DEFAULT_RUN";

    [DefaultRunFact]
    public void The_default_run_reaches_99_point_5_percent()
    {
        int seed = int.Parse(Environment.GetEnvironmentVariable(Variable + "_SEED") ?? "1", CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        string directory = MnistDirectory.Default();
        Dataset train = Mnist.Load(directory, MnistSplit.Train);
        Dataset test = Mnist.Load(directory, MnistSplit.Test);
        var network = new LeNet5();
        Initializer.Initialize(network, seed);
        var trainer = new Trainer<LeNet5>(network, new Adam(DefaultTraining.LearningRate), DefaultTraining.Options(seed));
        output.WriteLine($"seed {seed}, {trainer.Options.Threads} threads, {Schedules.Describe(trainer.Options.Schedule)}, augmentation {ImageAugmentation.Describe(trainer.Options.Augmentation)}");
        output.WriteLine("epoch      loss   train %    test %   seconds  train s");
        double trainSeconds = 0;
        trainer.Fit(train, new FitOptions
        {
            Epochs = DefaultTraining.Epochs,
            Validation = test,
            RestoreBestWeights = false,
            EpochProgress = new Synchronous(epoch =>
            {
                trainSeconds += epoch.Training.Seconds;
                output.WriteLine(string.Format(
                    CultureInfo.InvariantCulture,
                    "{0,5} {1,9:F4} {2,9:F2} {3,9:F2} {4,9:F1} {5,8:F1}",
                    epoch.Training.Epoch,
                    epoch.Training.Loss,
                    epoch.Training.TrainAccuracy * 100,
                    epoch.Validation!.Accuracy * 100,
                    epoch.Training.Seconds,
                    trainSeconds));
            }),
        });
        double accuracy = trainer.Evaluate(test).Accuracy;
        output.WriteLine($"test accuracy {accuracy * 100:F2}% after {DefaultTraining.Epochs} epochs, {clock.Elapsed.TotalSeconds:F1} s wall");
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
