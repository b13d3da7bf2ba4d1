using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using LeNet.Sample.Data;
using LeNet.Sample.Models;
using LeNet.Sample.Plotting;
using LeNet.Sample.Runs;
using LeNet.Sample.Scoring;
using Spectre.Console;

namespace LeNet.Sample.Cli;

/// <summary><c>eval [--model FILE]</c>: accuracy, per-class precision, recall and F1, and the confusion matrix on the MNIST test set.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        Option<string?> model = SampleCli.ModelOption();
        Option<string?> data = SampleCli.DataOption();
        Option<bool> json = SampleCli.JsonOption("print one JSON object: accuracy, perClass (precision, recall, f1, support) and confusion (rows: true class)");
        var plots = new Option<string?>("--plots") { Description = "also draw the PNG charts of 'plot' into DIR", HelpName = "DIR" };
        var command = new Command("eval", "Evaluate a trained model on the 10,000 MNIST test images.") { model, data, json, plots };
        command.SetAction(parsed =>
        {
            string? plotDirectory = parsed.GetValue(plots);
            if (plotDirectory is not null)
            {
                OutputPath.CheckWritableFolder(plotDirectory, "--plots");
            }

            LeNet5 network = ModelSource.Load(parsed.GetValue(model), "eval");
            string? directory = DataLocator.Find(parsed.GetValue(data));
            if (directory is null)
            {
                Console.Error.WriteLine(DataLocator.NotFoundMessage(parsed.GetValue(data)));
                return SampleCli.Failed;
            }

            Dataset test = Mnist.Load(directory, MnistSplit.Test);
            ClassificationReport report = ClassificationReport.Compute(network, test, Environment.ProcessorCount);
            if (parsed.GetValue(json))
            {
                Console.WriteLine(ToJson(report));
            }
            else
            {
                Render(report, ModelSource.Describe(parsed.GetValue(model)));
            }

            if (plotDirectory is not null)
            {
                string? modelPath = parsed.GetValue(model);
                System.Collections.Generic.List<EpochRecord> history = modelPath is null ? [] : TrainingHistory.Load(TrainingHistory.PathFor(modelPath));
                ChartSet.DrawAll(plotDirectory, network, test, history, parsed.GetValue(json) ? Console.Error : Console.Out, report);
            }

            return 0;
        });
        return command;
    }

    internal static string ToJson(ClassificationReport report)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("accuracy", Math.Round(report.Accuracy, 4));
            writer.WriteNumber("count", report.Count);
            writer.WriteStartArray("perClass");
            for (int digit = 0; digit < ClassificationReport.Classes; digit++)
            {
                writer.WriteStartObject();
                writer.WriteNumber("class", digit);
                writer.WriteNumber("precision", Math.Round(report.Precision(digit), 4));
                writer.WriteNumber("recall", Math.Round(report.Recall(digit), 4));
                writer.WriteNumber("f1", Math.Round(report.F1(digit), 4));
                writer.WriteNumber("support", report.Support(digit));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("confusion");
            for (int i = 0; i < ClassificationReport.Classes; i++)
            {
                writer.WriteStartArray();
                for (int j = 0; j < ClassificationReport.Classes; j++)
                {
                    writer.WriteNumberValue(report.Confusion[i, j]);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Render(ClassificationReport report, string model)
    {
        string F(double value) => (value * 100).ToString("F2", CultureInfo.InvariantCulture);
        // Plain text, not markup: a long model path must not be wrapped to the console's width.
        Console.WriteLine($"{model}: accuracy {F(report.Accuracy)}% ({report.Correct:N0} of {report.Count:N0} test images right)");
        var perClass = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Per class (%)") };
        perClass.AddColumn("digit");
        foreach (string name in new[] { "precision", "recall", "F1", "images" })
        {
            perClass.AddColumn(new TableColumn(name).RightAligned());
        }

        for (int digit = 0; digit < ClassificationReport.Classes; digit++)
        {
            perClass.AddRow(digit.ToString(CultureInfo.InvariantCulture), F(report.Precision(digit)), F(report.Recall(digit)), F(report.F1(digit)), report.Support(digit).ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(perClass);
        var confusion = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Confusion matrix (rows: true digit, columns: predicted)") };
        confusion.AddColumn("true");
        for (int j = 0; j < ClassificationReport.Classes; j++)
        {
            confusion.AddColumn(new TableColumn(j.ToString(CultureInfo.InvariantCulture)).RightAligned());
        }

        for (int i = 0; i < ClassificationReport.Classes; i++)
        {
            var cells = new string[ClassificationReport.Classes + 1];
            cells[0] = i.ToString(CultureInfo.InvariantCulture);
            for (int j = 0; j < ClassificationReport.Classes; j++)
            {
                int n = report.Confusion[i, j];
                string text = n.ToString(CultureInfo.InvariantCulture);
                cells[j + 1] = i == j ? $"[green]{text}[/]" : n > 0 ? $"[red]{text}[/]" : $"[grey]{text}[/]";
            }

            confusion.AddRow(cells);
        }

        AnsiConsole.Write(confusion);
    }
}
