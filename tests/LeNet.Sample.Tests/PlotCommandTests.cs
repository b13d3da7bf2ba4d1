using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using LeNet.Tests.Shared;
using StbImageSharp;
using Xunit;

namespace LeNet.Sample.Tests;

/// <summary><c>plot</c> writes valid PNG files of sensible size and content.</summary>
[Collection(TrainedModelCollection.Name)]
public sealed class PlotCommandTests(TrainedModel model)
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [MnistFact]
    public void Writes_four_valid_pngs_of_sensible_size()
    {
        using var folder = new TempDirectory();
        string to = Path.Combine(folder.Path, "charts");
        SampleResult result = SampleProcess.Run(["plot", "--model", model.CheckpointPath, "--data", model.DataDirectory, "--to", to]);
        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (string name in new[] { "history.png", "confusion.png", "misclassified.png", "conv1.png" })
        {
            string path = Path.Combine(to, name);
            Assert.True(File.Exists(path), $"{name} missing: {result}");
            byte[] bytes = File.ReadAllBytes(path);
            Assert.Equal(PngSignature, bytes[..8]);
            Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
            int width = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), height = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20));
            Assert.InRange(width, 400, 2000);
            Assert.InRange(height, 300, 2000);
            Assert.InRange(bytes.Length, 4_000, 2_000_000);

            // It decodes, and it is a picture rather than a blank page: several colours and a fair share of non-white pixels.
            ImageResult image = ImageResult.FromMemory(bytes, ColorComponents.RedGreenBlue);
            Assert.Equal(width, image.Width);
            var colours = new HashSet<int>();
            int inked = 0;
            for (int i = 0; i < image.Data.Length; i += 3)
            {
                colours.Add((image.Data[i] << 16) | (image.Data[i + 1] << 8) | image.Data[i + 2]);
                if (image.Data[i] + image.Data[i + 1] + image.Data[i + 2] < 600)
                {
                    inked++;
                }
            }

            Assert.True(colours.Count >= 5, $"{name} has {colours.Count} colours");
            Assert.True(inked > width * height / 50, $"{name} is almost blank");
            Assert.Contains($"Wrote {path}", result.Output, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.GetFiles(to, "*.tmp"));
    }
}
