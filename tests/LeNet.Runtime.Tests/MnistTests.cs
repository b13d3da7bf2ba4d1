using System;
using System.IO;
using Xunit;
using LeNet.Sample;
using LeNet.Tests.Shared;

namespace LeNet.Runtime.Tests;

/// <summary><see cref="Mnist"/> on small synthetic files: padding, scaling, validation, locating the data.</summary>
public sealed class MnistTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Writes a synthetic MNIST: 3 training and 2 test images of 28x28 with the given labels.</summary>
    private void WriteSet(bool gzip = true, byte[]? trainLabels = null, int trainImages = 3, int side = 28)
    {
        string suffix = gzip ? ".gz" : "";
        IdxFiles.Write(_dir.File("train-images-idx3-ubyte" + suffix), IdxFiles.Images(trainImages, side, side, IdxFiles.Pattern), gzip);
        IdxFiles.Write(_dir.File("train-labels-idx1-ubyte" + suffix), IdxFiles.Labels(trainLabels ?? [5, 0, 4]), gzip);
        IdxFiles.Write(_dir.File("t10k-images-idx3-ubyte" + suffix), IdxFiles.Images(2, side, side, IdxFiles.Pattern), gzip);
        IdxFiles.Write(_dir.File("t10k-labels-idx1-ubyte" + suffix), IdxFiles.Labels(7, 2), gzip);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Pads_to_32x32_with_a_zero_border_and_scales_to_unit_range(bool gzip)
    {
        WriteSet(gzip);

        Dataset train = Mnist.Load(_dir.Path, MnistSplit.Train);

        Assert.Equal(3, train.Count);
        Assert.Equal(32 * 32, train.InputLength);
        Assert.Equal(new[] { 5, 0, 4 }, train.Labels.ToArray());
        for (int n = 0; n < train.Count; n++)
        {
            ReadOnlySpan<float> input = train.Input(n);
            for (int r = 0; r < 32; r++)
            {
                for (int c = 0; c < 32; c++)
                {
                    bool inside = r >= 2 && r < 30 && c >= 2 && c < 30;
                    float expected = inside ? IdxFiles.Pattern(n, r - 2, c - 2) / 255f : 0f;
                    Assert.Equal(expected, input[r * 32 + c]);
                }
            }
        }
    }

    [Fact]
    public void Without_padding_the_inputs_are_the_28x28_images()
    {
        WriteSet();

        Dataset test = Mnist.Load(_dir.Path, MnistSplit.Test, padTo32: false);

        Assert.Equal(2, test.Count);
        Assert.Equal(28 * 28, test.InputLength);
        Assert.Equal(new[] { 7, 2 }, test.Labels.ToArray());
        Assert.Equal(IdxFiles.Pattern(1, 27, 27) / 255f, test.Input(1)[27 * 28 + 27]);
        Assert.Equal(IdxFiles.Pattern(0, 0, 0) / 255f, test.Input(0)[0]);
    }

    [Fact]
    public void Normalize_maps_pixels_and_border_with_mean_and_std()
    {
        WriteSet();

        Dataset test = Mnist.Load(_dir.Path, MnistSplit.Test, normalize: true);

        float background = (0f - Mnist.Mean) / Mnist.StdDev;
        Assert.Equal(background, test.Input(0)[0]);
        Assert.Equal((IdxFiles.Pattern(0, 0, 0) / 255f - Mnist.Mean) / Mnist.StdDev, test.Input(0)[2 * 32 + 2]);
    }

    [Fact]
    public void Label_out_of_range_names_the_file_index_and_value()
    {
        WriteSet(trainLabels: [5, 10, 4]);

        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(_dir.Path, MnistSplit.Train));

        Assert.Contains(_dir.File("train-labels-idx1-ubyte.gz"), e.Message);
        Assert.Contains("expected labels 0 to 9, label 1 is 10", e.Message);
    }

    [Fact]
    public void Count_mismatch_names_both_files_and_counts()
    {
        WriteSet(trainImages: 4);

        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(_dir.Path, MnistSplit.Train));

        Assert.Contains("holds 4 images", e.Message);
        Assert.Contains("holds 3 labels", e.Message);
        Assert.Contains(_dir.File("train-images-idx3-ubyte.gz"), e.Message);
        Assert.Contains(_dir.File("train-labels-idx1-ubyte.gz"), e.Message);
    }

    [Fact]
    public void Images_of_another_size_are_refused()
    {
        WriteSet(side: 20);

        var e = Assert.Throws<InvalidDataException>(() => Mnist.Load(_dir.Path, MnistSplit.Test));

        Assert.Contains("expected 28x28 images, found 20x20", e.Message);
    }

    [Fact]
    public void Missing_files_give_the_missing_data_message()
    {
        IdxFiles.Write(_dir.File("train-images-idx3-ubyte.gz"), IdxFiles.Images(1, 28, 28, IdxFiles.Pattern), gzip: true);

        Assert.False(Mnist.IsAvailable(_dir.Path));
        var e = Assert.Throws<FileNotFoundException>(() => Mnist.Load(_dir.Path, MnistSplit.Train));

        Assert.Equal(Mnist.MissingDataMessage(_dir.Path), e.Message);
        Assert.Equal(_dir.File("train-labels-idx1-ubyte.gz"), e.FileName);
    }

    [Fact]
    public void Missing_data_message_says_where_what_and_how()
    {
        IdxFiles.Write(_dir.File("t10k-labels-idx1-ubyte"), IdxFiles.Labels(1), gzip: false);

        string message = Mnist.MissingDataMessage(_dir.Path);

        Assert.StartsWith($"MNIST data not found: looked in '{_dir.Path}'.\n", message);
        foreach (string name in Mnist.FileNames)
        {
            Assert.Contains(name, message);
        }

        Assert.Contains("Missing: train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz.", message);
        Assert.DoesNotContain("LENET_MNIST_DIR", message);
        Assert.DoesNotContain("../shared", message);
        Assert.False(message.EndsWith('\n'), "the message ends without a newline, for callers to add to");
    }

    [Fact]
    public void Sample_missing_data_message_adds_how_to_provide_the_files()
    {
        string message = MnistDirectory.MissingDataMessage(_dir.Path, variable: null);

        Assert.StartsWith(Mnist.MissingDataMessage(_dir.Path) + "\n", message);
        Assert.Contains("LENET_MNIST_DIR", message);
        Assert.Contains("../shared/data/mnist", message);
    }

    [Fact]
    public void Default_directory_prefers_the_environment_variable()
    {
        string current = _dir.Path;

        Assert.Equal(Path.Combine(current, "data", "mnist"), MnistDirectory.Default("data/mnist", "/anywhere", current));
        Assert.Equal(Path.GetFullPath("/elsewhere/mnist"), MnistDirectory.Default("/elsewhere/mnist", "/anywhere", current));
    }

    [Fact]
    public void Default_directory_is_beside_the_folder_holding_the_solution()
    {
        string repository = Directory.CreateDirectory(_dir.File("checkout")).FullName;
        File.WriteAllText(Path.Combine(repository, "LeNetGen.sln"), "");
        string binaries = Directory.CreateDirectory(Path.Combine(repository, "tests", "X", "bin", "Release", "net10.0")).FullName;

        string found = MnistDirectory.Default(null, binaries, "/ignored");

        Assert.Equal(Path.Combine(_dir.Path, "shared", "data", "mnist"), found);
    }

    [Fact]
    public void Default_directory_without_a_solution_is_relative_to_the_current_directory()
    {
        string start = Directory.CreateDirectory(_dir.File("no-solution")).FullName;
        string current = Directory.CreateDirectory(_dir.File("cwd")).FullName;

        Assert.Equal(Path.Combine(_dir.Path, "shared", "data", "mnist"), MnistDirectory.Default("  ", start, current));
    }

    [Fact]
    public void Default_directory_from_the_test_binaries_is_a_full_path_to_shared_data()
    {
        string directory = MnistDirectory.Default();

        Assert.True(Path.IsPathFullyQualified(directory), directory);
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(MnistDirectory.Variable)))
        {
            Assert.EndsWith(Path.Combine("shared", "data", "mnist"), directory);
        }
    }

    [Fact]
    public void Missing_data_message_for_the_default_folder_explains_where_that_is()
    {
        string message = MnistDirectory.MissingDataMessage(MnistDirectory.Default());

        string expected = string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(MnistDirectory.Variable))
            ? "LENET_MNIST_DIR is not set, so that folder is ../shared/data/mnist beside the repository.\n"
            : "That folder is named by LENET_MNIST_DIR.\n";
        Assert.Contains($"looked in '{MnistDirectory.Default()}'.\n", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void MnistFact_skips_only_when_the_data_is_missing_and_not_on_CI()
    {
        Assert.Null(MnistFactAttribute.SkipReason(available: true, ci: null, "/data"));
        Assert.Null(MnistFactAttribute.SkipReason(available: true, ci: "true", "/data"));
        Assert.Null(MnistFactAttribute.SkipReason(available: false, ci: "true", "/data"));
        Assert.Equal(MnistDirectory.MissingDataMessage("/data"), MnistFactAttribute.SkipReason(available: false, ci: null, "/data"));
        Assert.Equal(MnistDirectory.MissingDataMessage("/data"), MnistFactAttribute.SkipReason(available: false, ci: "false", "/data"));
    }
}
