using System;
using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;
using LeNet.Tests.Shared;
using LeNet.Sample;

namespace LeNet.Runtime.Tests;

/// <summary>Loads the real data set once per test run; a missing data set surfaces as <see cref="Mnist.MissingDataMessage"/>.</summary>
internal static class RealMnist
{
    private static readonly Lazy<(Dataset Data, TimeSpan Elapsed)> s_train = new(() => Timed(MnistSplit.Train));
    private static readonly Lazy<(Dataset Data, TimeSpan Elapsed)> s_test = new(() => Timed(MnistSplit.Test));

    public static Dataset Train => s_train.Value.Data;

    public static Dataset Test => s_test.Value.Data;

    public static TimeSpan TrainLoadTime => s_train.Value.Elapsed;

    public static TimeSpan TestLoadTime => s_test.Value.Elapsed;

    private static (Dataset, TimeSpan) Timed(MnistSplit split)
    {
        var clock = Stopwatch.StartNew();
        Dataset data = Mnist.Load(MnistDirectory.Default(), split);
        return (data, clock.Elapsed);
    }
}

/// <summary>The real MNIST files: counts, known first labels, padding and the well-known mean pixel.</summary>
public sealed class MnistRealDataTests(ITestOutputHelper output)
{
    [MnistFact]
    public void Training_set_has_60000_records_in_the_original_order()
    {
        Dataset train = RealMnist.Train;

        Assert.Equal(60_000, train.Count);
        Assert.Equal(32 * 32, train.InputLength);
        Assert.Equal(new[] { 5, 0, 4, 1, 9, 2, 1, 3, 1, 4 }, train.Labels[..10].ToArray());
        output.WriteLine($"Loaded the training set in {RealMnist.TrainLoadTime.TotalMilliseconds:F0} ms.");
    }

    [MnistFact]
    public void Test_set_has_10000_records_in_the_original_order()
    {
        Dataset test = RealMnist.Test;

        Assert.Equal(10_000, test.Count);
        Assert.Equal(32 * 32, test.InputLength);
        Assert.Equal(new[] { 7, 2, 1, 0, 4, 1, 4, 9, 5, 9 }, test.Labels[..10].ToArray());
        output.WriteLine($"Loaded the test set in {RealMnist.TestLoadTime.TotalMilliseconds:F0} ms.");
    }

    [MnistFact]
    public void Class_counts_are_the_published_ones()
    {
        Assert.Equal(new[] { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 }, ClassCounts(RealMnist.Train));
        Assert.Equal(new[] { 980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009 }, ClassCounts(RealMnist.Test));
    }

    [MnistFact]
    public void Padded_inputs_have_a_zero_two_pixel_border_and_values_in_unit_range()
    {
        Dataset train = RealMnist.Train;
        float max = 0;
        for (int n = 0; n < train.Count; n++)
        {
            ReadOnlySpan<float> input = train.Input(n);
            for (int r = 0; r < 32; r++)
            {
                for (int c = 0; c < 32; c++)
                {
                    float value = input[r * 32 + c];
                    bool border = r < 2 || r >= 30 || c < 2 || c >= 30;
                    if (border && value != 0f)
                    {
                        Assert.Fail($"Record {n}: border pixel ({r},{c}) is {value}, expected 0.");
                    }

                    if (value < 0f || value > 1f)
                    {
                        Assert.Fail($"Record {n}: pixel ({r},{c}) is {value}, expected a value in [0,1].");
                    }

                    max = Math.Max(max, value);
                }
            }
        }
        Assert.Equal(1f, max);
    }

    [MnistFact]
    public void Mean_pixel_of_the_training_images_is_0_1307()
    {
        // The border is zero, so the sum over the padded inputs is the sum over the 28x28 images.
        double sum = 0;
        foreach (float value in RealMnist.Train.Inputs)
        {
            sum += value;
        }

        double mean = sum / (60_000.0 * 28 * 28);

        output.WriteLine($"Mean pixel: {mean:F6}");
        Assert.InRange(mean, 0.1302, 0.1312);
    }

    [MnistFact]
    public void Unpadded_test_images_equal_the_interior_of_the_padded_ones()
    {
        Dataset padded = RealMnist.Test;
        Dataset plain = Mnist.Load(MnistDirectory.Default(), MnistSplit.Test, padTo32: false);

        Assert.Equal(28 * 28, plain.InputLength);
        Assert.Equal(padded.Labels.ToArray(), plain.Labels.ToArray());
        foreach (int n in new[] { 0, 1, 4_999, 9_999 })
        {
            for (int r = 0; r < 28; r++)
            {
                Assert.True(plain.Input(n).Slice(r * 28, 28).SequenceEqual(padded.Input(n).Slice((r + 2) * 32 + 2, 28)), $"record {n}, row {r}");
            }
        }
    }

    [MnistFact]
    public void Pixels_are_the_file_bytes_divided_by_255()
    {
        Dataset test = RealMnist.Test; // first, so missing data fails with Mnist.MissingDataMessage
        string path = System.IO.Path.Combine(MnistDirectory.Default(), Mnist.ImagesFileName(MnistSplit.Test));
        IdxImages images = IdxReader.ReadImages(System.IO.File.Exists(path) ? path : path[..^".gz".Length]);

        Assert.Equal(10_000, images.Count);
        for (int n = 0; n < 10_000; n += 997)
        {
            ReadOnlySpan<byte> image = images.Image(n);
            ReadOnlySpan<float> input = test.Input(n);
            for (int i = 0; i < 28 * 28; i++)
            {
                Assert.Equal(image[i] / 255f, input[(i / 28 + 2) * 32 + i % 28 + 2]);
            }
        }
    }

    private static int[] ClassCounts(Dataset data)
    {
        var counts = new int[Mnist.ClassCount];
        foreach (int label in data.Labels)
        {
            counts[label]++;
        }

        return counts;
    }
}
