using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using LeNet.Sample.Imaging;
using LeNet.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace LeNet.Sample.Tests;

/// <summary><c>predict</c> on image files these tests render from MNIST test digits at other sizes and colours.</summary>
[Collection(TrainedModelCollection.Name)]
public sealed class PredictCommandTests(TrainedModel model, ITestOutputHelper log)
{
    private const int Digits = 100;

    [MnistFact]
    public void Rendered_png_and_jpeg_digits_are_at_least_97_percent_right()
    {
        Dataset test = Mnist.Load(model.DataDirectory, MnistSplit.Test);
        using var folder = new TempDirectory();
        var expected = new Dictionary<string, int>();
        for (int k = 0; k < Digits; k++)
        {
            int index = (k * 97) % test.Count;

            // Dark blue on cream, enlarged 4.5 times with uneven margins, as PNG; yellow on dark green, 2.3 times, as JPEG.
            string png = folder.File($"digit-{index}.png");
            DigitImages.SavePng(png, DigitImages.Render(test, index, 4.5, (20, 30, 110), (250, 245, 225), 10, 30));
            string jpeg = folder.File($"digit-{index}.jpg");
            DigitImages.SaveJpeg(jpeg, DigitImages.Render(test, index, 2.3, (250, 230, 80), (20, 60, 30), 25, 5));
            expected[png] = test.Label(index);
            expected[jpeg] = test.Label(index);
        }

        SampleResult result = SampleProcess.Run(["predict", "--model", model.CheckpointPath, "--json", .. expected.Keys]);
        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected.Count, lines.Length);
        int right = 0;
        foreach (string line in lines)
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            string file = root.GetProperty("file").GetString()!;
            float[] probabilities = root.GetProperty("probabilities").EnumerateArray().Select(p => p.GetSingle()).ToArray();
            Assert.Equal(10, probabilities.Length);
            Assert.Equal(1.0, probabilities.Sum(), 3);
            int predicted = root.GetProperty("class").GetInt32();
            Assert.Equal(Array.IndexOf(probabilities, probabilities.Max()), predicted);
            if (predicted == expected[file])
            {
                right++;
            }
        }

        double accuracy = (double)right / expected.Count;
        log.WriteLine($"{right} of {expected.Count} rendered digits right ({accuracy:P1})");
        Assert.True(accuracy >= 0.97, $"{right} of {expected.Count} rendered digits right");
    }

    [MnistFact]
    public void A_bad_file_gets_a_clear_error_the_rest_still_run_and_the_exit_code_is_1()
    {
        Dataset test = Mnist.Load(model.DataDirectory, MnistSplit.Test);
        using var folder = new TempDirectory();
        string good = folder.File("seven.png");
        DigitImages.SavePng(good, DigitImages.Render(test, 0, 3, (0, 0, 0), (255, 255, 255), 8, 8));
        string text = folder.File("notes.png");
        File.WriteAllText(text, "this is not an image");
        string blank = folder.File("blank.png");
        DigitImages.SavePng(blank, (Enumerable.Repeat((byte)200, 40 * 40 * 3).ToArray(), 40, 40));
        string missing = folder.File("missing.jpg");

        SampleResult result = SampleProcess.Run(["predict", "--model", model.CheckpointPath, text, good, missing, blank]);
        Assert.Equal(1, result.ExitCode);
        Assert.Matches($"{System.Text.RegularExpressions.Regex.Escape(good)}: 7  \\(7 \\d+\\.\\d%", result.Output);
        Assert.Contains($"{text}: expected a PNG or JPEG image, found 20 bytes starting", result.Error, StringComparison.Ordinal);
        Assert.Contains($"{missing}: '{missing}' does not exist.", result.Error, StringComparison.Ordinal);
        Assert.Contains($"{blank}: Expected a digit, found no ink", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Preprocessing_gives_the_same_digit_for_dark_on_light_and_light_on_dark()
    {
        var darkOnLight = new float[60 * 40];
        Array.Fill(darkOnLight, 0.9f);
        for (int y = 10; y < 50; y++)
        {
            darkOnLight[(y * 40) + 18] = 0.1f;
            darkOnLight[(y * 40) + 19] = 0.1f;
        }

        float[] lightOnDark = darkOnLight.Select(v => 1 - v).ToArray();
        float[] a = DigitPreprocessor.ToMnist(new GreyImage(40, 60, darkOnLight));
        float[] b = DigitPreprocessor.ToMnist(new GreyImage(40, 60, lightOnDark));
        Assert.Equal(a, b);

        // A vertical bar: 20 rows tall after fitting into 20x20, centred in 28x28 by its centre of mass.
        int[] inkRows = Enumerable.Range(0, 28).Where(y => Enumerable.Range(0, 28).Any(x => a[(y * 28) + x] > 0.5f)).ToArray();
        Assert.Equal(20, inkRows.Length);
        Assert.Equal(4, inkRows[0]);
        double massX = Enumerable.Range(0, 28 * 28).Sum(i => a[i] * ((i % 28) + 0.5)) / a.Sum();
        Assert.InRange(massX, 13.5, 14.5);
    }
}
