using System;
using System.Globalization;
using System.IO;
using LeNet.Training;

namespace LeNet.Sample;

internal static class Program
{
    private const string Usage = """
        Usage: LeNet.Sample [train] [options]     train LeNet-5 on MNIST (the default)
               LeNet.Sample summary               print the layer tables of both LeNet-5 variants

        Options for train:
          --data DIR          folder with the four MNIST .gz files (default: $LENET_MNIST_DIR, else ../shared/data/mnist)
          --epochs N          epochs to train (10)
          --batch M           mini-batch size (64)
          --optimizer NAME    sgd | momentum | rmsprop | adam (adam)
          --lr X              base learning rate (adam 0.002; otherwise the optimizer's default: rmsprop 0.001, sgd and momentum 0.1)
          --schedule NAME     constant | cosine | step (cosine: decays to 1% of the rate over the run)
          --weight-decay X    L2 weight decay on the weights (0.0005)
          --seed S            seed for initialisation and shuffling (1)
          --threads T         worker threads (all cores)
          --limit N           train on the first N training images only (all)
          --save FILE         checkpoint written after training (lenet5-mnist.ckpt)
          --resume FILE       continue from a checkpoint written with the same optimizer
          --json              print one final JSON line: epochs, testAccuracy, trainSeconds, imagesPerSecond
        """;

    private static int Main(string[] args)
    {
        try
        {
            if (args.Length > 0 && args[0] is "summary")
            {
                Console.WriteLine("LeNet-5, 1 channel (MNIST digits):");
                Console.WriteLine(LeNet5.Summary);
                Console.WriteLine("LeNet-5, 3 channels:");
                Console.WriteLine(LeNet5Rgb.Summary);
                return 0;
            }

            if (args.Length > 0 && args[0] is "-h" or "--help" or "help")
            {
                Console.WriteLine(Usage);
                return 0;
            }

            string[] options = args.Length > 0 && args[0] == "train" ? args[1..] : args;
            return Train(TrainArguments.Parse(options));
        }
        catch (UsageException error)
        {
            Console.Error.WriteLine(error.Message);
            Console.Error.WriteLine();
            Console.Error.WriteLine(Usage);
            return 2;
        }
        catch (Exception error) when (error is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            // Bad data, a refused checkpoint or an unwritable save path: the message says which and why.
            Console.Error.WriteLine(error.Message);
            return 1;
        }
    }

    private static int Train(TrainArguments arguments)
    {
        string directory = arguments.DataDirectory ?? MnistDirectory.Default();
        if (!Mnist.IsAvailable(directory))
        {
            Console.Error.WriteLine(MnistDirectory.MissingDataMessage(directory));
            return 1;
        }

        Dataset train = Mnist.Load(directory, MnistSplit.Train);
        Dataset test = Mnist.Load(directory, MnistSplit.Test);
        if (arguments.Limit is int limit)
        {
            train = train.Take(Math.Min(limit, train.Count));
        }

        var network = new LeNet5();
        Initializer.Initialize(network, arguments.Seed);
        Optimizer optimizer = Optimizer.Create(arguments.Optimizer, arguments.EffectiveLearningRate);
        var trainer = new Trainer<LeNet5>(network, optimizer, new TrainingOptions
        {
            BatchSize = arguments.BatchSize,
            Seed = arguments.Seed,
            Threads = arguments.Threads,
            WeightDecay = arguments.WeightDecay,
            Schedule = arguments.Schedule switch
            {
                "constant" => null,
                "step" => Schedules.StepDecay(Math.Max(1, arguments.Epochs / 3), 0.3f),
                _ => Schedules.Cosine(arguments.Epochs),
            },
        });

        if (arguments.Resume is { } resume)
        {
            trainer.LoadCheckpoint(resume);
            Console.WriteLine($"Resumed from {resume} after epoch {trainer.CompletedEpochs}.");
        }

        if (!arguments.Json)
        {
            Console.WriteLine($"LeNet-5 on MNIST: {train.Count} training and {test.Count} test images from {directory}");
            Console.WriteLine($"{optimizer.Name}, learning rate {optimizer.LearningRate.ToString(CultureInfo.InvariantCulture)}, {arguments.Schedule} schedule, weight decay {arguments.WeightDecay.ToString(CultureInfo.InvariantCulture)}, batch {arguments.BatchSize}, seed {arguments.Seed}, {arguments.Threads} thread(s)");
            Console.WriteLine("epoch      loss   train %    test %   seconds   images/s  allocated");
        }

        double trainSeconds = 0;
        long imagesTrained = 0;
        Evaluation evaluation = trainer.Evaluate(test);
        while (trainer.CompletedEpochs < arguments.Epochs)
        {
            EpochReport report = trainer.TrainEpoch(train);
            trainSeconds += report.Seconds;
            imagesTrained += train.Count;
            evaluation = trainer.Evaluate(test);
            if (!arguments.Json)
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

        trainer.SaveCheckpoint(arguments.SavePath);
        double imagesPerSecond = trainSeconds > 0 ? imagesTrained / trainSeconds : 0;
        if (arguments.Json)
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
            Console.WriteLine($"Test accuracy {(evaluation.Accuracy * 100).ToString("F2", CultureInfo.InvariantCulture)}% after {trainer.CompletedEpochs} epochs; checkpoint saved to {Path.GetFullPath(arguments.SavePath)}");
        }

        return 0;
    }
}
