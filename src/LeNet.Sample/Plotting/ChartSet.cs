using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using LeNet.Sample.Models;
using LeNet.Sample.Runs;
using LeNet.Sample.Scoring;

namespace LeNet.Sample.Plotting;

/// <summary>The charts of <c>plot</c>: training history, confusion heat map, misclassified digits, CONV1 filters and feature maps.</summary>
internal static class ChartSet
{
    public const string HistoryFile = "history.png";
    public const string ConfusionFile = "confusion.png";
    public const string MisclassifiedFile = "misclassified.png";
    public const string Conv1File = "conv1.png";

    /// <summary>Draws every chart into <paramref name="directory"/> and names each file on <paramref name="log"/>.</summary>
    public static void DrawAll(string directory, LeNet5 network, Dataset test, IReadOnlyList<EpochRecord> history, TextWriter log, ClassificationReport? report = null)
    {
        Directory.CreateDirectory(directory);
        report ??= ClassificationReport.Compute(network, test, Environment.ProcessorCount);
        void Save(Raster raster, string name, string what)
        {
            string path = Path.Combine(directory, name);
            raster.SavePng(path);
            log.WriteLine($"Wrote {path} ({what}, {raster.Width}x{raster.Height})");
        }

        if (history.Count > 0)
        {
            Save(History(history), HistoryFile, "loss and accuracy per epoch");
        }
        else
        {
            log.WriteLine($"No training history beside the model, so no {HistoryFile} ('train' writes FILE.history.json beside its checkpoint).");
        }

        Save(Confusion(report), ConfusionFile, "confusion matrix");
        Save(Misclassified(test, report), MisclassifiedFile, "misclassified test digits");
        Save(Conv1(network, test), Conv1File, "CONV1 filters and feature maps");
    }

    public static Raster History(IReadOnlyList<EpochRecord> history)
    {
        var raster = new Raster(960, 400, Colour.White);
        var epochs = new double[history.Count];
        var loss = new double[history.Count];
        var train = new double[history.Count];
        var test = new double[history.Count];
        for (int i = 0; i < history.Count; i++)
        {
            epochs[i] = history[i].Epoch;
            loss[i] = history[i].Loss;
            train[i] = history[i].TrainAccuracy * 100;
            test[i] = history[i].TestAccuracy * 100;
        }

        Panel(raster, 0, "TRAINING LOSS", epochs, [(loss, Colour.Blue, "LOSS")], "F3", lowest: 0, highest: double.MaxValue);
        Panel(raster, 480, "ACCURACY %", epochs, [(train, Colour.Blue, "TRAIN"), (test, Colour.Orange, "TEST")], "F2", lowest: 0, highest: 100);
        return raster;
    }

    /// <summary>One line chart; the padded value range stays within [<paramref name="lowest"/>, <paramref name="highest"/>] (no negative loss, no accuracy over 100%).</summary>
    private static void Panel(Raster raster, int left, string title, double[] x, (double[] Values, Colour Colour, string Name)[] series, string format, double lowest, double highest)
    {
        const int top = 50, height = 280, width = 370;
        int plotLeft = left + 90;
        raster.TextCentered(title, left + 240, 8, Colour.Black);
        double min = double.MaxValue, max = double.MinValue;
        foreach (var s in series)
        {
            foreach (double v in s.Values)
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        if (max - min < 1e-9)
        {
            max += 0.5;
            min -= 0.5;
        }

        double pad = (max - min) * 0.08;
        min = Math.Max(lowest, min - pad);
        max = Math.Min(highest, max + pad);
        double xMin = x[0], xMax = Math.Max(x[^1], x[0] + 1);
        double X(double v) => plotLeft + ((v - xMin) / (xMax - xMin) * width);
        double Y(double v) => top + height - ((v - min) / (max - min) * height);
        for (int t = 0; t <= 4; t++)
        {
            double value = min + ((max - min) * t / 4);
            int y = (int)Y(value);
            raster.Fill(plotLeft, y, width, 1, Colour.LightGrey);
            string label = value.ToString(format, CultureInfo.InvariantCulture);
            raster.Text(label, plotLeft - 8 - PixelFont.Measure(label, 2), y - 7, Colour.Black);
        }

        int ticks = (int)Math.Min(10, xMax - xMin);
        for (int t = 0; t <= ticks; t++)
        {
            double value = xMin + ((xMax - xMin) * t / Math.Max(1, ticks));
            string label = Math.Round(value).ToString(CultureInfo.InvariantCulture);
            raster.TextCentered(label, (int)X(value), top + height + 8, Colour.Black);
        }

        raster.TextCentered("EPOCH", plotLeft + (width / 2), top + height + 30, Colour.Black);
        raster.Rectangle(plotLeft, top, width + 1, height + 1, Colour.Grey);
        int legendX = plotLeft;
        foreach (var s in series)
        {
            for (int i = 0; i < s.Values.Length; i++)
            {
                if (i > 0)
                {
                    raster.Line(X(x[i - 1]), Y(s.Values[i - 1]), X(x[i]), Y(s.Values[i]), s.Colour, 3);
                }

                raster.Fill((int)X(x[i]) - 3, (int)Y(s.Values[i]) - 3, 7, 7, s.Colour);
            }

            // The legend sits above the plot, where no line can cross it.
            raster.Fill(legendX, top - 14, 16, 4, s.Colour);
            raster.Text(s.Name, legendX + 22, top - 19, Colour.Black);
            legendX += PixelFont.Measure(s.Name, 2) + 50;
        }
    }

    public static Raster Confusion(ClassificationReport report)
    {
        const int cell = 50, left = 110, top = 90;
        int classes = ClassificationReport.Classes;
        var raster = new Raster(left + (classes * cell) + 40, top + (classes * cell) + 40, Colour.White);
        raster.TextCentered("CONFUSION MATRIX, " + (report.Accuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + "% RIGHT", raster.Width / 2, 12, Colour.Black);
        raster.TextCentered("PREDICTED", left + (classes * cell / 2), 40, Colour.Black);
        raster.Text("TRUE", 10, top + (classes * cell / 2) - 7, Colour.Black);
        for (int i = 0; i < classes; i++)
        {
            raster.TextCentered(i.ToString(CultureInfo.InvariantCulture), left + (i * cell) + (cell / 2), top - 22, Colour.Black);
            raster.Text(i.ToString(CultureInfo.InvariantCulture), left - 24, top + (i * cell) + (cell / 2) - 7, Colour.Black);
            int support = Math.Max(1, report.Support(i));
            for (int j = 0; j < classes; j++)
            {
                int n = report.Confusion[i, j];

                // The square root of the row share keeps the few confusions visible next to a diagonal near 100%.
                double share = Math.Sqrt((double)n / support);
                Colour colour = Colour.Heat(share);
                raster.Fill(left + (j * cell), top + (i * cell), cell - 1, cell - 1, colour);
                string text = n.ToString(CultureInfo.InvariantCulture);
                raster.TextCentered(text, left + (j * cell) + (cell / 2), top + (i * cell) + (cell / 2) - 5, share > 0.5 ? Colour.White : Colour.Black);
            }
        }

        return raster;
    }

    public static Raster Misclassified(Dataset test, ClassificationReport report, int max = 48)
    {
        const int scale = 3, side = 28, tile = (side * scale) + 12, columns = 8;
        var wrong = new List<int>();
        for (int i = 0; i < test.Count && wrong.Count < max; i++)
        {
            if (report.Predictions[i] != test.Label(i))
            {
                wrong.Add(i);
            }
        }

        int rows = Math.Max(1, (wrong.Count + columns - 1) / columns);
        var raster = new Raster((columns * tile) + 20, 50 + (rows * (tile + 20)), Colour.White);
        raster.TextCentered($"FIRST {wrong.Count} MISCLASSIFIED TEST DIGITS: P PREDICTED, T TRUE", raster.Width / 2, 14, Colour.Black);
        for (int k = 0; k < wrong.Count; k++)
        {
            int index = wrong[k];
            int x0 = 10 + ((k % columns) * tile) + 6, y0 = 44 + ((k / columns) * (tile + 20));
            ReadOnlySpan<float> input = test.Input(index);
            int inputSide = (int)Math.Sqrt(input.Length), border = (inputSide - side) / 2;
            for (int y = 0; y < side; y++)
            {
                for (int x = 0; x < side; x++)
                {
                    float v = input[((y + border) * inputSide) + x + border];
                    raster.Fill(x0 + (x * scale), y0 + (y * scale), scale, scale, Colour.GreyLevel(1 - v));
                }
            }

            raster.Rectangle(x0 - 1, y0 - 1, (side * scale) + 2, (side * scale) + 2, Colour.Grey);
            raster.TextCentered($"P{report.Predictions[index]} T{test.Label(index)}", x0 + (side * scale / 2), y0 + (side * scale) + 5, Colour.Red);
        }

        return raster;
    }

    public static Raster Conv1(LeNet5 network, Dataset test, int index = 0)
    {
        const int filterScale = 14, mapScale = 4, side = Conv1View.MapSide, gap = 24;
        int filters = Conv1View.Filters, kernel = Conv1View.Kernel;
        int tile = side * mapScale;
        var raster = new Raster(40 + ((filters + 1) * (tile + gap)), 380, Colour.White);
        raster.Text("CONV1: 6 LEARNED 5X5 FILTERS (RED POSITIVE, BLUE NEGATIVE)", 20, 10, Colour.Black);
        raster.Text("EACH ONE APPLIED AT EVERY POSITION: PARAMETER SHARING", 20, 30, Colour.Black);
        float maxWeight = 1e-9f;
        for (int f = 0; f < filters; f++)
        {
            foreach (float w in Conv1View.Filter(network, f))
            {
                maxWeight = Math.Max(maxWeight, Math.Abs(w));
            }
        }

        int filterTop = 60;
        for (int f = 0; f < filters; f++)
        {
            int x0 = 20 + ((f + 1) * (tile + gap)) + ((tile - (kernel * filterScale)) / 2);
            ReadOnlySpan<float> weights = Conv1View.Filter(network, f);
            for (int y = 0; y < kernel; y++)
            {
                for (int x = 0; x < kernel; x++)
                {
                    raster.Fill(x0 + (x * filterScale), filterTop + (y * filterScale), filterScale, filterScale, Colour.Diverging(weights[(y * kernel) + x] / maxWeight));
                }
            }

            raster.Rectangle(x0 - 1, filterTop - 1, (kernel * filterScale) + 2, (kernel * filterScale) + 2, Colour.Grey);
            raster.TextCentered($"FILTER {f + 1}", x0 + (kernel * filterScale / 2), filterTop + (kernel * filterScale) + 6, Colour.Black);
        }

        ReadOnlySpan<float> input = test.Input(index);
        (_, float[] maps) = Conv1View.Run(network, input);
        int mapTop = 216;
        raster.Text($"FEATURE MAPS (28X28, AFTER RELU) OF TEST DIGIT {index}, A {test.Label(index)}:", 20, mapTop - 34, Colour.Black);
        int inputSide = (int)Math.Sqrt(input.Length), border = (inputSide - side) / 2;
        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                raster.Fill(20 + (x * mapScale), mapTop + (y * mapScale), mapScale, mapScale, Colour.GreyLevel(1 - input[((y + border) * inputSide) + x + border]));
            }
        }

        raster.TextCentered("INPUT", 20 + (tile / 2), mapTop + tile + 8, Colour.Black);
        for (int f = 0; f < filters; f++)
        {
            int x0 = 20 + ((f + 1) * (tile + gap));
            float max = 1e-9f;
            for (int i = 0; i < side * side; i++)
            {
                max = Math.Max(max, maps[(f * side * side) + i]);
            }

            for (int y = 0; y < side; y++)
            {
                for (int x = 0; x < side; x++)
                {
                    raster.Fill(x0 + (x * mapScale), mapTop + (y * mapScale), mapScale, mapScale, Colour.GreyLevel(1 - (maps[(f * side * side) + (y * side) + x] / max)));
                }
            }

            raster.Rectangle(x0 - 1, mapTop - 1, tile + 2, tile + 2, Colour.Grey);
            raster.TextCentered($"MAP {f + 1}", x0 + (tile / 2), mapTop + tile + 8, Colour.Black);
        }

        return raster;
    }
}
