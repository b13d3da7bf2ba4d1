using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using LeNet.Sample.Imaging;
using LeNet.Sample.Models;

namespace LeNet.Sample.Cli;

/// <summary><c>predict [--model FILE] IMAGE...</c>: the digit in each PNG or JPEG file, with the top probabilities.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        Option<string?> model = SampleCli.ModelOption();
        Option<bool> json = SampleCli.JsonOption("print one JSON object per file and line: file, class, probabilities (or file and error)");
        var images = new Argument<string[]>("IMAGE") { Description = "PNG or JPEG files of one hand-written digit each, any size, dark on light or light on dark", Arity = ArgumentArity.OneOrMore };
        var command = new Command("predict", "Classify hand-written digits in image files.") { model, json, images };
        command.SetAction(parsed =>
        {
            LeNet5 network = ModelSource.Load(parsed.GetValue(model), "predict");
            bool asJson = parsed.GetValue(json);
            int failures = 0;
            var output = new float[LeNet5.OutputLength];
            foreach (string file in parsed.GetValue(images) ?? [])
            {
                try
                {
                    float[] input = DigitPreprocessor.ToInput(ImageFiles.ReadGrey(file));
                    network.Forward(input, output);
                    Console.WriteLine(asJson ? ToJson(file, output) : ToText(file, output));
                }
                catch (Exception error) when (error is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
                {
                    // One bad file is reported and the rest still run; the exit code says something failed.
                    failures++;
                    string message = error is FileNotFoundException or DirectoryNotFoundException ? $"'{file}' does not exist." : error.Message;
                    if (asJson)
                    {
                        Console.WriteLine(ErrorJson(file, message));
                    }

                    Console.Error.WriteLine($"{file}: {message}");
                }
            }

            return failures == 0 ? 0 : SampleCli.Failed;
        });
        return command;
    }

    internal static int ArgMax(ReadOnlySpan<float> output) => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(output);

    private static string ToText(string file, float[] output)
    {
        int[] order = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        Array.Sort(order, (a, b) => output[b].CompareTo(output[a]));
        var text = new StringBuilder();
        text.Append(file).Append(": ").Append(order[0]);
        text.Append("  (");
        for (int k = 0; k < 3; k++)
        {
            text.Append(k == 0 ? "" : ", ").Append(order[k]).Append(' ').Append((output[order[k]] * 100).ToString("F1", CultureInfo.InvariantCulture)).Append('%');
        }

        return text.Append(')').ToString();
    }

    private static string ToJson(string file, float[] output)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("file", file);
            writer.WriteNumber("class", ArgMax(output));
            writer.WriteStartArray("probabilities");
            foreach (float p in output)
            {
                writer.WriteNumberValue(Math.Round(p, 6));
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string ErrorJson(string file, string message)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("file", file);
            writer.WriteString("error", message);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
