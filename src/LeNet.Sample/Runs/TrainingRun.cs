using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using LeNet;
using LeNet.Sample.Cli;
using LeNet.Sample.Data;
using LeNet.Sample.Plotting;
using LeNet.Training;
using Spectre.Console;

namespace LeNet.Sample.Runs;

/// <summary>One <c>train</c> run: find (or fetch) the data, train with live progress, save, and report.</summary>
internal static class TrainingRun
{
    public static int Run(TrainSettings settings) => settings.Network switch
    {
        "lecun1998" => Run<Lecun1998>(settings, "The 1998 LeNet-5"),
        "batchnorm" => Run<LeNet5BatchNorm>(settings, "LeNet-5 with batch normalisation"),
        _ => Run<LeNet5>(settings, "LeNet-5"),
    };

    private static int Run<TNet>(TrainSettings settings, string title)
        where TNet : class, INetwork<TNet>
    {
        TNet network = TNet.Create();
        Initializer.Initialize(network, settings.Seed);
        Optimizer optimizer = Optimizer.Create(settings.Optimizer, settings.LearningRate);
        var trainer = new Trainer<TNet>(network, optimizer, new TrainingOptions
        {
            BatchSize = settings.BatchSize,
            Seed = settings.Seed,
            Threads = settings.Threads,
            WeightDecay = settings.WeightDecay,
            LabelSmoothing = settings.LabelSmoothing,
            Schedule = DefaultTraining.ScheduleFor(settings.Schedule, settings.Epochs),
            Augmentation = DefaultTraining.AugmentationFor(settings.Augmentation),
        })
        {
            PlannedEpochs = settings.Epochs,
        };

        // The run evaluates and saves the moving average of the weights; a resume restores it from the checkpoint.
        WeightAverage? average = settings.WeightAverageDecay > 0 ? new WeightAverage(settings.WeightAverageDecay, network.Parameters) : null;
        TNet averaged = average is null ? network : TNet.Create();
        Action<BatchProgress>? afterBatch = average is null ? null : _ => average.Update(network.Parameters);

        // The checkpoint is read before the data: a refused or finished checkpoint is reported at once.
        var history = new List<EpochRecord>();
        if (settings.Resume is { } resume)
        {
            foreach (string warning in trainer.LoadCheckpoint(resume, average))
            {
                Console.Error.WriteLine("Warning: " + warning);
            }

            if (trainer.CompletedEpochs >= settings.Epochs)
            {
                Console.Error.WriteLine(
                    $"'{resume}' has already trained {trainer.CompletedEpochs} epoch(s) and --epochs is {settings.Epochs}: nothing to train. " +
                    $"Pass --epochs {trainer.CompletedEpochs + 1} or more to continue it.");
                return SampleCli.UsageError;
            }

            history.AddRange(TrainingHistory.Load(TrainingHistory.PathFor(resume)).FindAll(r => r.Epoch <= trainer.CompletedEpochs));
        }

        string? directory = LocateData(settings);
        if (directory is null)
        {
            return SampleCli.Failed;
        }

        Dataset train = Mnist.Load(directory, MnistSplit.Train);
        Dataset test = Mnist.Load(directory, MnistSplit.Test);
        if (settings.Limit is int limit)
        {
            train = train.Take(Math.Min(limit, train.Count));
        }

        bool live = !settings.Json && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!settings.Json)
        {
            if (settings.Resume is { } resumed)
            {
                Console.WriteLine($"Resumed from {resumed} after epoch {trainer.CompletedEpochs}.");
            }

            Console.WriteLine($"{title} on MNIST: {train.Count} training and {test.Count} test images from {directory}");
            Console.WriteLine($"{optimizer.Name}, learning rate {optimizer.LearningRate.ToString(CultureInfo.InvariantCulture)}, {settings.Schedule} schedule, augmentation {settings.Augmentation}, weight decay {settings.WeightDecay.ToString(CultureInfo.InvariantCulture)}, label smoothing {settings.LabelSmoothing.ToString(CultureInfo.InvariantCulture)}, batch {settings.BatchSize}, seed {settings.Seed}, {settings.Threads} thread(s)");
            Console.WriteLine("epoch      loss   train %    test %   seconds   images/s  allocated");
        }

        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (!stop.IsCancellationRequested)
            {
                // The first Ctrl+C stops after the current batch and saves; a second one ends the process.
                e.Cancel = true;
                stop.Cancel();
                Console.Error.WriteLine("Stopping after the current batch (Ctrl+C again to abort without saving)...");
            }
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            double trainSeconds = history.Count > 0 ? history[^1].TrainSeconds : 0;
            long imagesTrained = 0;
            double runSeconds = 0;
            Evaluation evaluation = Evaluate(averaged, average, test, settings.Threads);
            string? stoppedMessage = null;
            while (trainer.CompletedEpochs < settings.Epochs && stoppedMessage is null)
            {
                EpochReport report;
                try
                {
                    report = live ? TrainWithProgressBar(trainer, train, settings.Epochs, afterBatch, stop.Token) : trainer.TrainEpoch(train, afterBatch, stop.Token);
                }
                catch (OperationCanceledException stopped)
                {
                    stoppedMessage = stopped.Message;
                    break;
                }

                trainSeconds += report.Seconds;
                runSeconds += report.Seconds;
                imagesTrained += train.Count;
                evaluation = Evaluate(averaged, average, test, settings.Threads);
                var record = new EpochRecord(report.Epoch, report.Loss, report.TrainAccuracy, evaluation.Accuracy, report.Seconds, trainSeconds, report.ImagesPerSecond);
                history.Add(record);
                if (settings.Json)
                {
                    TrainingHistory.Write(Console.Out, record);
                }
                else
                {
                    Console.WriteLine(string.Format(
                        CultureInfo.InvariantCulture,
                        "{0,5} {1,9:F4} {2,9:F2} {3,9:F2} {4,9:F1} {5,10:F0} {6,8:N0} B",
                        report.Epoch,
                        report.Loss,
                        report.TrainAccuracy * 100,
                        evaluation.Accuracy * 100,
                        report.Seconds,
                        report.ImagesPerSecond,
                        report.AllocatedBytes));
                }
            }

            // The checkpoint's parameters are the averaged weights, the ones evaluated; it also keeps the last step's, which a resume trains on from.
            trainer.SaveCheckpoint(settings.SavePath, average);
            TrainingHistory.Save(TrainingHistory.PathFor(settings.SavePath), history);
            if (stoppedMessage is not null)
            {
                Console.Error.WriteLine($"{stoppedMessage} Saved {Path.GetFullPath(settings.SavePath)} ({trainer.CompletedEpochs} full epoch(s) plus the updates of the stopped one; --resume repeats that epoch).");
                return SampleCli.Interrupted;
            }

            if (settings.PlotDirectory is { } plots && averaged is LeNet5 lenet5)
            {
                ChartSet.DrawAll(plots, lenet5, test, history, Console.Out);
            }

            double imagesPerSecond = runSeconds > 0 ? imagesTrained / runSeconds : 0;
            if (settings.Json)
            {
                Console.WriteLine(string.Format(
                    CultureInfo.InvariantCulture,
                    "{{\"epochs\":{0},\"testAccuracy\":{1:F4},\"trainSeconds\":{2:F1},\"imagesPerSecond\":{3:F0}}}",
                    trainer.CompletedEpochs,
                    evaluation.Accuracy,
                    trainSeconds,
                    imagesPerSecond));
            }
            else
            {
                Console.WriteLine($"Test accuracy {(evaluation.Accuracy * 100).ToString("F2", CultureInfo.InvariantCulture)}% after {trainer.CompletedEpochs} epochs; checkpoint saved to {Path.GetFullPath(settings.SavePath)}");
            }

            return 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The data folder, fetching it first when asked to (or when the person at the terminal agrees); null after explaining why not.</summary>
    private static string? LocateData(TrainSettings settings)
    {
        if (DataLocator.Find(settings.DataDirectory) is { } found)
        {
            return found;
        }

        string target = settings.DataDirectory ?? DataLocator.CacheDirectory();
        bool download = settings.Download;
        if (!download && !Console.IsInputRedirected && !Console.IsOutputRedirected && !settings.Json)
        {
            Console.Error.WriteLine(DataLocator.NotFoundMessage(settings.DataDirectory));
            download = AnsiConsole.Confirm($"Download MNIST (about 11 MB) into {target} now?", defaultValue: true);
        }
        else if (!download)
        {
            Console.Error.WriteLine(DataLocator.NotFoundMessage(settings.DataDirectory));
            return null;
        }

        if (!download)
        {
            return null;
        }

        var downloader = new MnistDownloader(MnistSources.Default, settings.Json ? Console.Error : Console.Out);
        return downloader.DownloadAll(target, CancellationToken.None) ? target : null;
    }

    /// <summary>The accuracy of the averaged weights (copied into <paramref name="averaged"/>), or of the network itself without an average.</summary>
    private static Evaluation Evaluate<TNet>(TNet averaged, WeightAverage? average, Dataset test, int threads)
        where TNet : class, INetwork<TNet>
    {
        average?.Parameters.CopyTo(averaged.Parameters);
        return Evaluator.Evaluate(averaged, test, threads);
    }

    private static EpochReport TrainWithProgressBar<TNet>(Trainer<TNet> trainer, Dataset train, int epochs, Action<BatchProgress>? afterBatch, CancellationToken stop)
        where TNet : class, INetwork<TNet>
    {
        EpochReport? report = null;
        var clock = Stopwatch.StartNew();
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                int epoch = trainer.CompletedEpochs + 1;
                ProgressTask task = context.AddTask($"epoch {epoch}/{epochs}", maxValue: train.Count);
                int batches = 0;
                report = trainer.TrainEpoch(
                    train,
                    progress =>
                    {
                        afterBatch?.Invoke(progress);
                        batches++;
                        task.Value = progress.ImagesDone;
                        double rate = progress.ImagesDone / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                        task.Description = string.Format(
                            CultureInfo.InvariantCulture,
                            "epoch {0}/{1}  batch {2,4}/{3}  loss {4:F4}  {5,6:F0} images/s",
                            epoch,
                            epochs,
                            batches,
                            (train.Count + trainer.Options.BatchSize - 1) / trainer.Options.BatchSize,
                            progress.MeanLoss,
                            rate);
                    },
                    stop);
            });
        return report!;
    }
}
