using System;
using System.Linq;
using LeNet.Training;
using Xunit;

namespace LeNet.Runtime.Tests;

public sealed class ImageAugmenterTests
{
    /// <summary>A 5x5 image whose pixel (x, y) is 10·y + x + 1, so every value names its position.</summary>
    private static float[] Numbered(int side = 5, int channels = 1)
    {
        var image = new float[channels * side * side];
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < side; y++)
            {
                for (int x = 0; x < side; x++)
                {
                    image[(c * side * side) + (y * side) + x] = (100 * c) + (10 * y) + x + 1;
                }
            }
        }

        return image;
    }

    private static ImageAugmenter Augmenter(ImageAugmentation settings, int inputLength = 25) => new(settings, inputLength);

    [Fact]
    public void Identity_transform_gives_the_input_exactly()
    {
        float[] image = Numbered();
        var output = new float[25];
        Augmenter(new ImageAugmentation()).Apply(image, output, ImageTransform.Identity);
        Assert.Equal(image, output);

        // No distortion configured: every drawn example is the input.
        Augmenter(ImageAugmentation.None).Apply(image, output, seed: 3, epoch: 1, index: 7);
        Assert.Equal(image, output);
    }

    [Fact]
    public void Whole_pixel_shift_moves_every_pixel_exactly()
    {
        float[] image = Numbered();
        var output = new float[25];
        Augmenter(new ImageAugmentation { Fill = -1 }).Apply(image, output, new ImageTransform(2, -1, 0, 1));
        for (int y = 0; y < 5; y++)
        {
            for (int x = 0; x < 5; x++)
            {
                // Content moves 2 right and 1 up: output (x, y) is input (x - 2, y + 1), the fill where that is outside.
                int fromX = x - 2, fromY = y + 1;
                float expected = fromX is >= 0 and < 5 && fromY is >= 0 and < 5 ? image[(fromY * 5) + fromX] : -1;
                Assert.Equal(expected, output[(y * 5) + x]);
            }
        }
    }

    [Fact]
    public void Pixels_from_outside_repeat_the_edge_without_a_fill()
    {
        float[] image = Numbered();
        var output = new float[25];
        Augmenter(new ImageAugmentation()).Apply(image, output, new ImageTransform(1, 0, 0, 1));
        for (int y = 0; y < 5; y++)
        {
            Assert.Equal(image[y * 5], output[y * 5]);          // column 0 repeats the old column 0
            Assert.Equal(image[y * 5], output[(y * 5) + 1]);    // column 1 is the old column 0
            Assert.Equal(image[(y * 5) + 3], output[(y * 5) + 4]);
        }
    }

    [Fact]
    public void Quarter_turn_is_clockwise_about_the_centre()
    {
        float[] image = Numbered();
        var output = new float[25];
        Augmenter(new ImageAugmentation()).Apply(image, output, new ImageTransform(0, 0, 90, 1));
        for (int y = 0; y < 5; y++)
        {
            for (int x = 0; x < 5; x++)
            {
                // Clockwise as shown: output (x, y) comes from input (y, 4 - x); the top-right corner goes to the bottom-right.
                Assert.Equal(image[((4 - x) * 5) + y], output[(y * 5) + x], 4);
            }
        }

        Assert.Equal(image[4], output[24], 4);
    }

    [Fact]
    public void Scale_two_enlarges_about_the_centre_with_bilinear_reads()
    {
        float[] image = Numbered();
        var output = new float[25];
        Augmenter(new ImageAugmentation()).Apply(image, output, new ImageTransform(0, 0, 0, 2));
        // Output (x, y) reads input (2 + (x - 2) / 2, 2 + (y - 2) / 2).
        Assert.Equal(image[12], output[12]);                    // the centre stays
        Assert.Equal(image[(1 * 5) + 1], output[0]);            // corner (0,0) reads (1,1)
        Assert.Equal(image[(3 * 5) + 3], output[24]);           // corner (4,4) reads (3,3)
        Assert.Equal((image[12] + image[13]) / 2, output[13]);  // (3,2) reads (2.5,2): half of each neighbour
        float quarter = (image[6] + image[7] + image[11] + image[12]) / 4;
        Assert.Equal(quarter, output[6], 5);                    // (1,1) reads (1.5,1.5): the mean of four
    }

    [Fact]
    public void Channels_share_one_distortion()
    {
        float[] image = Numbered(channels: 3);
        var output = new float[75];
        var augmenter = Augmenter(new ImageAugmentation { Channels = 3, ElasticAlpha = 3, ElasticSigma = 1 }, 75);
        augmenter.Apply(image, output, seed: 1, epoch: 0, index: 0);
        // Channel c is channel 0 plus 100·c, and bilinear weights sum to one, so the offsets survive any distortion.
        for (int i = 0; i < 25; i++)
        {
            Assert.InRange(output[25 + i] - output[i], 100 - 1e-3, 100 + 1e-3);
            Assert.InRange(output[50 + i] - output[i], 200 - 1e-3, 200 + 1e-3);
        }
    }

    [Fact]
    public void Uniform_elastic_field_is_a_translation()
    {
        float[] image = Numbered();
        var output = new float[25];
        float[] right = Enumerable.Repeat(1f, 25).ToArray(), none = new float[25];
        Augmenter(new ImageAugmentation { Fill = 0 }).Apply(image, output, ImageTransform.Identity, right, none);
        for (int y = 0; y < 5; y++)
        {
            for (int x = 0; x < 5; x++)
            {
                // Simard's step: output (x, y) = input (x + Δx, y + Δy).
                Assert.Equal(x < 4 ? image[(y * 5) + x + 1] : 0, output[(y * 5) + x]);
            }
        }
    }

    [Fact]
    public void Elastic_field_is_smooth_and_bounded_by_alpha()
    {
        const float alpha = 34;
        var augmenter = new ImageAugmenter(new ImageAugmentation { ElasticAlpha = alpha, ElasticSigma = 4 }, 28 * 28);
        var dx = new float[784];
        var dy = new float[784];
        augmenter.DrawDisplacements(seed: 1, epoch: 0, index: 5, dx, dy);
        double neighbourStep = 0;
        for (int y = 0; y < 28; y++)
        {
            for (int x = 0; x < 27; x++)
            {
                neighbourStep += Math.Abs(dx[(y * 28) + x + 1] - dx[(y * 28) + x]);
            }
        }

        neighbourStep /= 28 * 27;
        double spread = Math.Sqrt(dx.Select(d => (double)d * d).Average());
        Assert.All(dx.Concat(dy), d => Assert.InRange(Math.Abs(d), 0, alpha));
        // Unsmoothed noise times α would step by about 2α/3 between neighbours; the Gaussian makes the field smooth,
        // yet it still moves pixels by around a pixel or more (Simard's α = 34, σ = 4 on 28x28 digits).
        Assert.True(neighbourStep < 0.02 * alpha, $"mean neighbour step {neighbourStep:F3} px");
        Assert.InRange(spread, 0.3, 5);
    }

    [Fact]
    public void Same_seed_epoch_and_index_give_the_same_image()
    {
        var settings = new ImageAugmentation { ElasticAlpha = 8, ElasticSigma = 3 };
        var random = new Random(4);
        float[] image = Enumerable.Range(0, 256).Select(_ => (float)random.NextDouble()).ToArray();
        var first = new float[256];
        var second = new float[256];
        new ImageAugmenter(settings, 256).Apply(image, first, seed: 1, epoch: 2, index: 3);
        var augmenter = new ImageAugmenter(settings, 256);
        augmenter.Apply(image, second, seed: 1, epoch: 0, index: 0);
        augmenter.Apply(image, second, seed: 1, epoch: 2, index: 3);
        Assert.Equal(first, second);
        foreach ((int seed, int epoch, int index) in new[] { (2, 2, 3), (1, 3, 3), (1, 2, 4) })
        {
            augmenter.Apply(image, second, seed, epoch, index);
            Assert.NotEqual(first, second);
        }
    }

    [Fact]
    public void Draws_stay_in_their_ranges_and_span_them()
    {
        var settings = new ImageAugmentation { MaxShift = 3, MaxRotationDegrees = 15, MaxScale = 0.2f };
        var augmenter = new ImageAugmenter(settings, 1024);
        ImageTransform[] draws = Enumerable.Range(0, 2000).Select(i => augmenter.Draw(seed: 1, epoch: 0, index: i)).ToArray();
        Assert.All(draws, t =>
        {
            Assert.InRange(t.ShiftX, -3f, 3f);
            Assert.InRange(t.ShiftY, -3f, 3f);
            Assert.InRange(t.RotationDegrees, -15f, 15f);
            Assert.InRange(t.Scale, 0.8f, 1.2f);
        });
        Assert.True(draws.Max(t => t.ShiftX) > 2.9 && draws.Min(t => t.ShiftX) < -2.9);
        Assert.True(draws.Max(t => t.RotationDegrees) > 14.5 && draws.Min(t => t.RotationDegrees) < -14.5);
        Assert.True(draws.Max(t => t.Scale) > 1.19 && draws.Min(t => t.Scale) < 0.81);
        Assert.InRange(draws.Average(t => t.ShiftY), -0.2, 0.2);
    }

    [Fact]
    public void Apply_allocates_nothing()
    {
        var augmenter = new ImageAugmenter(new ImageAugmentation { ElasticAlpha = 34 }, 1024);
        var image = new float[1024];
        var output = new float[1024];
        augmenter.Apply(image, output, 1, 0, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            augmenter.Apply(image, output, 1, 0, i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Distortions_ramp_in_over_the_first_epochs_and_end_at_the_end_epoch()
    {
        var full = new ImageAugmentation { MaxShift = 3, MaxRotationDegrees = 12, MaxScale = 0.2f, ElasticAlpha = 8, ElasticSigma = 2 };
        var ramped = full with { RampEpochs = 2 };
        var half = full with { MaxShift = full.MaxShift * 0.5f, MaxRotationDegrees = full.MaxRotationDegrees * 0.5f, MaxScale = full.MaxScale * 0.5f, ElasticAlpha = full.ElasticAlpha * 0.5f };
        var random = new Random(2);
        float[] image = Enumerable.Range(0, 256).Select(_ => (float)random.NextDouble()).ToArray();
        var output = new float[256];
        var expected = new float[256];
        var augmenter = new ImageAugmenter(ramped, 256);

        // Epoch 0 trains on the images as they are.
        augmenter.Apply(image, output, seed: 1, epoch: 0, index: 3);
        Assert.Equal(image, output);
        Assert.Equal(ImageTransform.Identity, augmenter.Draw(seed: 1, epoch: 0, index: 3));

        // Epoch 1 draws the same numbers at half the ranges; from epoch 2 on the full distortion.
        foreach ((int epoch, ImageAugmentation same) in new[] { (1, half), (2, full), (5, full) })
        {
            augmenter.Apply(image, output, seed: 1, epoch, index: 3);
            new ImageAugmenter(same, 256).Apply(image, expected, seed: 1, epoch, index: 3);
            Assert.Equal(expected, output);
            Assert.Equal(new ImageAugmenter(same, 256).Draw(seed: 1, epoch, index: 3), augmenter.Draw(seed: 1, epoch, index: 3));
        }

        // From EndEpoch on, the images as they are again.
        var ended = ramped with { EndEpoch = 4 };
        augmenter = new ImageAugmenter(ended, 256);
        augmenter.Apply(image, output, seed: 1, epoch: 3, index: 3);
        Assert.NotEqual(image, output);
        augmenter.Apply(image, output, seed: 1, epoch: 4, index: 3);
        Assert.Equal(image, output);
        Assert.Equal(ImageTransform.Identity, augmenter.Draw(seed: 1, epoch: 9, index: 3));
        Assert.Equal("shift=3, rotation=12, scale=0.2, elastic=8, sigma=2, ramp=2, end=4", ImageAugmentation.Describe(ended));
        Assert.Contains("EndEpoch", Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmenter(full with { EndEpoch = -1 }, 256)).Message);

        Assert.Equal(0.5f, ramped.StrengthAt(1));
        Assert.Equal(1f, full.StrengthAt(0));
        Assert.Equal("shift=3, rotation=12, scale=0.2, elastic=8, sigma=2, ramp=2", ImageAugmentation.Describe(ramped));
        Assert.Contains("RampEpochs", Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmenter(full with { RampEpochs = -1 }, 256)).Message);
    }

    [Fact]
    public void Bad_settings_and_shapes_are_refused_naming_what_was_expected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ImageAugmenter(new ImageAugmentation { MaxShift = -1 }, 25));
        Assert.Contains("MaxShift", error.Message);
        var shape = Assert.Throws<ArgumentException>(() => new ImageAugmenter(new ImageAugmentation(), 24));
        Assert.Contains("not a square", shape.Message);
        Assert.Contains("Height and Width", shape.Message);
        shape = Assert.Throws<ArgumentException>(() => new ImageAugmenter(new ImageAugmentation { Height = 4, Width = 5 }, 24));
        Assert.Contains("1 x 4 x 5 = 20", shape.Message);
        Assert.Contains("24", shape.Message);
        Assert.Equal((2, 3, 4), Dimensions(new ImageAugmenter(new ImageAugmentation { Channels = 2, Height = 3, Width = 4 }, 24)));

        var augmenter = new ImageAugmenter(new ImageAugmentation(), 25);
        var lengths = Assert.Throws<ArgumentException>(() => augmenter.Apply(new float[25], new float[24], 1, 0, 0));
        Assert.Contains("25 floats", lengths.Message);
        Assert.Contains("got 25 and 24", lengths.Message);
        Assert.Throws<ArgumentException>(() => augmenter.Apply(new float[25], new float[25], new ImageTransform(0, 0, 0, 0)));

        static (int, int, int) Dimensions(ImageAugmenter a) => (a.Channels, a.Height, a.Width);
    }
}
