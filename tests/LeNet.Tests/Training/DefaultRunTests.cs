using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using LeNet.Sample;
using LeNet.Sample.Runs;
using LeNet.Training;
using Xunit;
using Xunit.Abstractions;

namespace LeNet.Tests.Training;

/// <summary>
/// The sample's default run (<see cref="DefaultTraining"/>): LeNet-5 on all of MNIST. It takes under a minute on an
/// idle 2-core machine, too long for the suite, so it runs only when <see cref="Variable"/> is 1:
/// <c>LENET_DEFAULT_RUN=1 LENET_DEFAULT_RUN_SEED=2 dotnet test tests/LeNet.Tests -c Release --filter DefaultRunTests
/// --logger "console;verbosity=detailed"</c> prints the epoch table, with the cumulative training time.
/// </summary>
public sealed class DefaultRunTests(ITestOutputHelper output)
{
    public const string Variable = "LENET_DEFAULT_RUN";

    /// <summary>The epoch by which the averaged weights first reach 99%: within 5 s of training at about 30,000 images/s.</summary>
    public const int EpochOf99Percent = 2;

    [DefaultRunFact]
    public void The_default_run_reaches_99_point_5_percent_and_99_percent_by_epoch_2()
    {
        int seed = int.Parse(Environment.GetEnvironmentVariable(Variable + "_SEED") ?? "1", CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        string directory = MnistDirectory.Default();
        Dataset train = Mnist.Load(directory, MnistSplit.Train);
        Dataset test = Mnist.Load(directory, MnistSplit.Test);
        var network = new LeNet5();
        Initializer.Initialize(network, seed);
        var trainer = new Trainer<LeNet5>(network, new Adam(DefaultTraining.LearningRate), DefaultTraining.Options(seed));
        var average = new WeightAverage(DefaultTraining.WeightAverageDecay, network.Parameters);
        var averaged = new LeNet5();
        output.WriteLine($"seed {seed}, {trainer.Options.Threads} threads, {Schedules.Describe(trainer.Options.Schedule)}, augmentation {ImageAugmentation.Describe(trainer.Options.Augmentation)}, label smoothing {trainer.Options.LabelSmoothing}, weight average {DefaultTraining.WeightAverageDecay}");
        output.WriteLine("epoch      loss   train %    test %   seconds  train s");
        double trainSeconds = 0, accuracy = 0;
        int first99 = 0;
        for (int epoch = 1; epoch <= DefaultTraining.Epochs; epoch++)
        {
            // As the sample's train does: the average follows every step, and the averaged weights are evaluated.
            EpochReport report = trainer.TrainEpoch(train, _ => average.Update(network.Parameters), CancellationToken.None);
            average.Parameters.CopyTo(averaged.Parameters);
            accuracy = Evaluator.Evaluate(averaged, test, trainer.Options.Threads).Accuracy;
            trainSeconds += report.Seconds;
            first99 = first99 == 0 && accuracy >= 0.99 ? epoch : first99;
            output.WriteLine(string.Format(
                CultureInfo.InvariantCulture,
                "{0,5} {1,9:F4} {2,9:F2} {3,9:F2} {4,9:F1} {5,8:F1}",
                epoch,
                report.Loss,
                report.TrainAccuracy * 100,
                accuracy * 100,
                report.Seconds,
                trainSeconds));
        }

        output.WriteLine($"test accuracy {accuracy * 100:F2}% after {DefaultTraining.Epochs} epochs, 99% first after epoch {first99}, {clock.Elapsed.TotalSeconds:F1} s wall");
        Assert.True(accuracy >= 0.995, $"test accuracy {accuracy:P2}");
        Assert.True(first99 is > 0 and <= EpochOf99Percent, $"99% first reached after epoch {first99}, expected by epoch {EpochOf99Percent}");
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
