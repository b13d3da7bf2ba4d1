using System;
using System.CommandLine;
using System.IO;
using LeNet.Training;

namespace LeNet.Sample.Cli;

/// <summary>
/// The command tree (System.CommandLine: POSIX parsing, generated help and AOT-safe) and the one place that turns
/// failures into exit codes: 0 done, 1 failed (bad data, a refused file), 2 a usage mistake, 130 stopped by Ctrl+C.
/// </summary>
internal static class SampleCli
{
    public const int Failed = 1;
    public const int UsageError = 2;
    public const int Interrupted = 130;

    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("LeNet-5 on MNIST, compiled by the LeNetGen source generator. Without a command it trains.");
        TrainCommand.Configure(root);
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(PlotCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(DownloadCommand.Create());
        root.Subcommands.Add(SummaryCommand.Create());
        return root;
    }

    public static int Run(string[] args)
    {
        RootCommand root = CreateRoot();
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors)
            {
                Console.Error.WriteLine(error.Message);
            }

            string command = parsed.CommandResult.Command == root ? "" : " " + parsed.CommandResult.Command.Name;
            Console.Error.WriteLine($"Run 'LeNet.Sample{command} --help' for the options.");
            return UsageError;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException error)
        {
            Console.Error.WriteLine(error.Message);
            return UsageError;
        }
        catch (Exception error) when (error is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            // Bad data, a refused model file, an unwritable path, a diverged run: the message says which and why.
            Console.Error.WriteLine(error.Message);
            return Failed;
        }
    }

    /// <summary>Parses the --threads value: at least 1 and at most <see cref="MaxThreads"/>, so a typo cannot exhaust memory.</summary>
    public static int MaxThreads => Math.Max(64, 4 * Environment.ProcessorCount);

    public static Option<int> ThreadsOption() => new("--threads")
    {
        Description = $"worker threads, 1 to {MaxThreads} (all cores: {Environment.ProcessorCount})",
        DefaultValueFactory = _ => Environment.ProcessorCount,
        CustomParser = result => Parsing.IntegerIn(result, 1, MaxThreads),
        HelpName = "T",
    };

    public static Option<bool> JsonOption(string description) => new("--json") { Description = description };

    public static Option<string?> DataOption() => new("--data")
    {
        Description = "folder with the four MNIST files (default: $LENET_MNIST_DIR, the user cache folder, then ../shared/data/mnist)",
        HelpName = "DIR",
    };

    public static Option<string?> ModelOption() => new("--model")
    {
        Description = "a checkpoint written by train (lenet5-mnist.ckpt) or a weights file (SaveWeights)",
        HelpName = "FILE",
    };

    /// <summary>The evaluation helper the commands share: every thread of the machine, never more than the data.</summary>
    public static Evaluation Evaluate(LeNet5 network, Dataset data) => Evaluator.Evaluate(network, data, Environment.ProcessorCount);
}
