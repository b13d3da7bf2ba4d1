using System;
using System.CommandLine;
using LeNet.Sample.Data;
using LeNet.Sample.Models;
using LeNet.Sample.Plotting;
using LeNet.Sample.Runs;

namespace LeNet.Sample.Cli;

/// <summary><c>plot [--model FILE] [--to DIR]</c>: the PNG charts of a trained model.</summary>
internal static class PlotCommand
{
    public static Command Create()
    {
        Option<string?> model = SampleCli.ModelOption();
        Option<string?> data = SampleCli.DataOption();
        var to = new Option<string>("--to") { Description = "folder for the PNG files", DefaultValueFactory = _ => "plots", HelpName = "DIR" };
        var command = new Command("plot", "Draw PNG charts: loss and accuracy per epoch, the confusion matrix, misclassified digits, CONV1's filters and feature maps.")
        {
            model, data, to,
        };
        command.SetAction(parsed =>
        {
            string directory = parsed.GetValue(to)!;
            OutputPath.CheckWritableFolder(directory, "--to");
            string? modelPath = parsed.GetValue(model);
            LeNet5 network = ModelSource.Load(modelPath, "plot");
            string? dataDirectory = DataLocator.Find(parsed.GetValue(data));
            if (dataDirectory is null)
            {
                Console.Error.WriteLine(DataLocator.NotFoundMessage(parsed.GetValue(data)));
                return SampleCli.Failed;
            }

            Dataset test = Mnist.Load(dataDirectory, MnistSplit.Test);
            ChartSet.DrawAll(directory, network, test, modelPath is null ? [] : TrainingHistory.Load(TrainingHistory.PathFor(modelPath)), Console.Out);
            return 0;
        });
        return command;
    }
}
