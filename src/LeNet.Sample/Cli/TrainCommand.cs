using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using LeNet.Sample.Runs;

namespace LeNet.Sample.Cli;

/// <summary><c>train</c> (also what runs without a command): its options, checked before any training starts.</summary>
internal sealed class TrainCommand
{
    private readonly Option<string?> _data = SampleCli.DataOption();
    private readonly Option<bool> _download = new("--download") { Description = "fetch MNIST into the user cache folder first when it is not found" };
    private readonly Option<int> _epochs = new("--epochs") { Description = "epochs to train, in all (a resumed run continues up to this)", DefaultValueFactory = _ => DefaultTraining.Epochs, CustomParser = r => Parsing.IntegerIn(r, 1, 10_000), HelpName = "N" };
    private readonly Option<int> _batch = new("--batch") { Description = "mini-batch size", DefaultValueFactory = _ => DefaultTraining.BatchSize, CustomParser = r => Parsing.IntegerIn(r, 1, 60_000), HelpName = "M" };
    private readonly Option<string> _optimizer = new("--optimizer") { Description = "sgd | momentum | rmsprop | adam", DefaultValueFactory = _ => DefaultTraining.Optimizer, HelpName = "NAME" };
    private readonly Option<float?> _lr = new("--lr") { Description = "base learning rate (adam 0.003; otherwise the optimizer's default: rmsprop 0.001, sgd and momentum 0.1)", CustomParser = r => Parsing.FloatIn(r, 0, minExclusive: true), HelpName = "X" };
    private readonly Option<string> _schedule = new("--schedule") { Description = "constant | cosine | step (cosine decays to 1% of the rate over the run)", DefaultValueFactory = _ => DefaultTraining.Schedule, HelpName = "NAME" };
    private readonly Option<float> _weightDecay = new("--weight-decay") { Description = "L2 weight decay on the weights", DefaultValueFactory = _ => DefaultTraining.WeightDecay, CustomParser = r => Parsing.FloatIn(r, 0, minExclusive: false), HelpName = "X" };
    private readonly Option<string> _network = new("--network") { Description = "lenet5 (the lecture's LeNet-5: ReLU, max pooling) | lecun1998 (the 1998 LeNet-5: tanh, average pooling, C5 a convolution) | batchnorm (the lecture's with a batch norm after each hidden layer)", DefaultValueFactory = _ => "lenet5", HelpName = "NAME" };
    private readonly Option<string> _augment = new("--augment") { Description = "none | default (shift 2 px, rotation 10 degrees, scale 10%) | elastic (default plus elastic distortion, for handwriting)", DefaultValueFactory = _ => DefaultTraining.Augmentation, HelpName = "NAME" };
    private readonly Option<float> _labelSmoothing = new("--label-smoothing") { Description = "label smoothing of the cross-entropy's target (0: none)", DefaultValueFactory = _ => DefaultTraining.LabelSmoothing, CustomParser = Parsing.FractionBelowOne, HelpName = "E" };
    private readonly Option<float> _average = new("--average") { Description = "decay of the moving average of the weights that the run evaluates and saves (0: the last step's weights)", DefaultValueFactory = _ => DefaultTraining.WeightAverageDecay, CustomParser = Parsing.FractionBelowOne, HelpName = "D" };
    private readonly Option<int> _seed = new("--seed") { Description = "seed for initialisation, shuffling and augmentation", DefaultValueFactory = _ => DefaultTraining.Seed, HelpName = "S" };
    private readonly Option<int> _threads = SampleCli.ThreadsOption();
    private readonly Option<int?> _limit = new("--limit") { Description = "train on the first N training images only", CustomParser = r => Parsing.IntegerIn(r, 1, int.MaxValue), HelpName = "N" };
    private readonly Option<string> _save = new("--save") { Description = "checkpoint written after training (and its FILE.history.json)", DefaultValueFactory = _ => "lenet5-mnist.ckpt", HelpName = "FILE" };
    private readonly Option<string?> _resume = new("--resume") { Description = "continue from a checkpoint written with the same optimizer", HelpName = "FILE" };
    private readonly Option<string?> _plots = new("--plots") { Description = "also draw the PNG charts of 'plot' into DIR after training", HelpName = "DIR" };
    private readonly Option<bool> _json = SampleCli.JsonOption("print one JSON object per epoch, then one final line: epochs, testAccuracy, trainSeconds, imagesPerSecond");

    private TrainCommand()
    {
        _optimizer.AcceptOnlyFromAmong("sgd", "momentum", "rmsprop", "adam");
        _schedule.AcceptOnlyFromAmong("constant", "cosine", "step");
        _augment.AcceptOnlyFromAmong("none", "default", "elastic");
        _network.AcceptOnlyFromAmong("lenet5", "lecun1998", "batchnorm");
    }

    /// <summary>The <c>train</c> subcommand.</summary>
    public static Command Create()
    {
        var command = new Command("train", "Train LeNet-5 on MNIST (the default command): a live progress bar per epoch, a checkpoint at the end.");
        new TrainCommand().AddTo(command);
        return command;
    }

    /// <summary>Gives the root command the same options and action, so that no command means train.</summary>
    public static void Configure(RootCommand root) => new TrainCommand().AddTo(root);

    private void AddTo(Command command)
    {
        foreach (Option option in new Option[] { _data, _download, _network, _epochs, _batch, _optimizer, _lr, _schedule, _weightDecay, _labelSmoothing, _augment, _average, _seed, _threads, _limit, _save, _resume, _plots, _json })
        {
            command.Options.Add(option);
        }

        command.SetAction(parsed => TrainingRun.Run(Read(parsed)));
    }

    private TrainSettings Read(ParseResult parsed)
    {
        string optimizer = parsed.GetValue(_optimizer)!;
        var settings = new TrainSettings
        {
            DataDirectory = parsed.GetValue(_data),
            Download = parsed.GetValue(_download),
            Epochs = parsed.GetValue(_epochs),
            Network = parsed.GetValue(_network)!,
            BatchSize = parsed.GetValue(_batch),
            Optimizer = optimizer,
            LearningRate = parsed.GetValue(_lr) ?? (optimizer == "adam" ? DefaultTraining.LearningRate : LeNet.Training.Optimizer.Create(optimizer).LearningRate),
            Schedule = parsed.GetValue(_schedule)!,
            WeightDecay = parsed.GetValue(_weightDecay),
            LabelSmoothing = parsed.GetValue(_labelSmoothing),
            Augmentation = parsed.GetValue(_augment)!,
            WeightAverageDecay = parsed.GetValue(_average),
            Seed = parsed.GetValue(_seed),
            Threads = parsed.GetValue(_threads),
            Limit = parsed.GetValue(_limit),
            SavePath = parsed.GetValue(_save)!,
            Resume = parsed.GetValue(_resume),
            PlotDirectory = parsed.GetValue(_plots),
            Json = parsed.GetValue(_json),
        };

        // Everything that can be refused before training is refused here, naming the user's path.
        OutputPath.CheckWritableFile(settings.SavePath, "--save");
        OutputPath.CheckWritableFile(TrainingHistory.PathFor(settings.SavePath), "--save (its history file)");
        if (settings.Resume is { } resume)
        {
            CheckReadableFile(resume, "--resume");
        }

        if (settings.PlotDirectory is { } plots)
        {
            if (settings.Network != "lenet5")
            {
                throw new UsageException($"Option --plots draws the lecture's LeNet-5 (--network lenet5), got --network {settings.Network}.");
            }

            OutputPath.CheckWritableFolder(plots, "--plots");
        }

        if (settings.DataDirectory is { Length: 0 })
        {
            throw new UsageException("Option --data expects a folder, got an empty string.");
        }

        return settings;
    }

    internal static void CheckReadableFile(string path, string option)
    {
        if (path.Length == 0)
        {
            throw new UsageException($"Option {option} expects a file name, got an empty string.");
        }

        if (Directory.Exists(path))
        {
            throw new UsageException($"Option {option} expects a file, but '{path}' is a folder.");
        }

        if (!File.Exists(path))
        {
            throw new UsageException($"Option {option}: '{path}' does not exist.");
        }

        if (FileKind.Of(Path.GetFullPath(path)) is { } kind && kind != FileKind.Regular)
        {
            throw new UsageException($"Option {option}: '{path}' is not a regular file (it is a {FileKind.Describe(kind)}).");
        }
    }

    internal static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
