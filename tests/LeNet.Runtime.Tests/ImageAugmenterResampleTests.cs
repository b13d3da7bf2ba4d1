using System;
using System.Runtime.Intrinsics.X86;
using LeNet.Training;
using Xunit;
using Xunit.Abstractions;

namespace LeNet.Runtime.Tests;

/// <summary>The augmenter's vectorised resample against <see cref="ReferenceResample"/>: the same bits for every shape, transform, fill and displacement field.</summary>
public sealed class ImageAugmenterResampleTests(ITestOutputHelper output)
{
    // 32x32 and 28x28 fill whole vectors; 13x11 leaves a scalar tail on every row; 5x5 is all tail; 3 channels share the mapping.
    [Theory]
    [InlineData(1, 32, 32, null)]
    [InlineData(1, 28, 28, null)]
    [InlineData(1, 32, 32, 0f)]
    [InlineData(3, 11, 13, -0.5f)]
    [InlineData(3, 11, 13, null)]
    [InlineData(1, 5, 5, null)]
    public void Fast_resample_equals_the_reference_bit_for_bit(int channels, int height, int width, float? fill)
    {
        output.WriteLine($"AVX2 {(Avx2.IsSupported ? "on: the vector path runs" : "off: only the scalar path runs")}");
        // Wide ranges so that many reads fall outside the image, on every side.
        var settings = new ImageAugmentation { MaxShift = 6, MaxRotationDegrees = 60, MaxScale = 0.5f, Fill = fill, Channels = channels, Height = height, Width = width };
        int length = channels * height * width;
        var augmenter = new ImageAugmenter(settings, length);
        var random = new Random(7);
        var image = new float[length];
        var fast = new float[length];
        var reference = new float[length];
        var displacementX = new float[height * width];
        var displacementY = new float[height * width];
        for (int trial = 0; trial < 200; trial++)
        {
            for (int i = 0; i < length; i++)
            {
                image[i] = (float)random.NextDouble();
            }

            ImageTransform transform = augmenter.Draw(seed: 1, epoch: 0, index: trial);
            augmenter.Apply(image, fast, transform);
            ReferenceResample.Apply(image, reference, channels, height, width, transform, default, default, fill);
            AssertSameBits(reference, fast, $"trial {trial}, {transform}");

            // A rough displacement field (up to 4 pixels), as the elastic step adds it per output pixel.
            for (int p = 0; p < displacementX.Length; p++)
            {
                displacementX[p] = (float)((random.NextDouble() * 8) - 4);
                displacementY[p] = (float)((random.NextDouble() * 8) - 4);
            }

            augmenter.Apply(image, fast, transform, displacementX, displacementY);
            ReferenceResample.Apply(image, reference, channels, height, width, transform, displacementX, displacementY, fill);
            AssertSameBits(reference, fast, $"trial {trial} displaced, {transform}");
        }
    }

    [Fact]
    public void Seeded_elastic_augmentation_equals_the_reference_with_its_drawn_field()
    {
        var settings = new ImageAugmentation { ElasticAlpha = 34, ElasticSigma = 4 };
        var augmenter = new ImageAugmenter(settings, 1024);
        var random = new Random(3);
        var image = new float[1024];
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = (float)random.NextDouble();
        }

        var fast = new float[1024];
        var reference = new float[1024];
        var displacementX = new float[1024];
        var displacementY = new float[1024];
        for (int index = 0; index < 20; index++)
        {
            augmenter.Apply(image, fast, seed: 2, epoch: 1, index);
            augmenter.DrawDisplacements(seed: 2, epoch: 1, index, displacementX, displacementY);
            ReferenceResample.Apply(image, reference, 1, 32, 32, augmenter.Draw(seed: 2, epoch: 1, index), displacementX, displacementY, null);
            AssertSameBits(reference, fast, $"index {index}");
        }
    }

    private static void AssertSameBits(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}: float {i} is {actual[i]:R}, the reference gives {expected[i]:R}");
            }
        }
    }
}
