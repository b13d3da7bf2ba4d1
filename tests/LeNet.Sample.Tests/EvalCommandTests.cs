using System;
using System.Linq;
using System.Text.Json;
using LeNet.Tests.Shared;
using Xunit;

namespace LeNet.Sample.Tests;

/// <summary><c>eval</c> on the MNIST test set with the shared model: JSON consistent with the labels, and the tables.</summary>
[Collection(TrainedModelCollection.Name)]
public sealed class EvalCommandTests(TrainedModel model)
{
    [MnistFact]
    public void Json_has_accuracy_per_class_scores_and_a_confusion_matrix_that_agree_with_the_labels()
    {
        SampleResult result = SampleProcess.Run(["eval", "--model", model.CheckpointPath, "--data", model.DataDirectory, "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument document = JsonDocument.Parse(result.Output.Trim());
        JsonElement root = document.RootElement;
        int[][] confusion = root.GetProperty("confusion").EnumerateArray().Select(row => row.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        Assert.Equal(10, confusion.Length);

        // Rows are true classes: each row sums to the number of test images with that label.
        int[] labels = Mnist.Load(model.DataDirectory, MnistSplit.Test).Labels.ToArray();
        for (int digit = 0; digit < 10; digit++)
        {
            Assert.Equal(10, confusion[digit].Length);
            Assert.Equal(labels.Count(l => l == digit), confusion[digit].Sum());
        }

        int correct = Enumerable.Range(0, 10).Sum(i => confusion[i][i]);
        double accuracy = root.GetProperty("accuracy").GetDouble();
        Assert.Equal(correct / 10_000.0, accuracy, 4);
        Assert.InRange(accuracy, 0.95, 1.0);

        JsonElement[] perClass = root.GetProperty("perClass").EnumerateArray().ToArray();
        Assert.Equal(10, perClass.Length);
        for (int digit = 0; digit < 10; digit++)
        {
            int predicted = Enumerable.Range(0, 10).Sum(i => confusion[i][digit]);
            double precision = (double)confusion[digit][digit] / predicted;
            double recall = (double)confusion[digit][digit] / confusion[digit].Sum();
            Assert.Equal(digit, perClass[digit].GetProperty("class").GetInt32());
            Assert.Equal(precision, perClass[digit].GetProperty("precision").GetDouble(), 4);
            Assert.Equal(recall, perClass[digit].GetProperty("recall").GetDouble(), 4);
            Assert.Equal(2 * precision * recall / (precision + recall), perClass[digit].GetProperty("f1").GetDouble(), 4);
        }
    }

    [MnistFact]
    public void A_weights_file_gives_the_same_evaluation_as_its_checkpoint()
    {
        using var folder = new TempDirectory();
        var network = new LeNet5();
        network.LoadWeights(model.CheckpointPath);
        string weights = folder.File("model.weights");
        network.SaveWeights(weights);
        SampleResult fromCheckpoint = SampleProcess.Run(["eval", "--model", model.CheckpointPath, "--data", model.DataDirectory, "--json"]);
        SampleResult fromWeights = SampleProcess.Run(["eval", "--model", weights, "--data", model.DataDirectory, "--json"]);
        Assert.True(fromWeights.ExitCode == 0, fromWeights.ToString());
        Assert.Equal(fromCheckpoint.Output, fromWeights.Output);
    }

    [MnistFact]
    public void Text_output_shows_accuracy_and_both_tables()
    {
        SampleResult result = SampleProcess.Run(["eval", "--model", model.CheckpointPath, "--data", model.DataDirectory]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"accuracy 9\d\.\d\d% \(\d,\d{3} of 10,000 test images right\)", result.Output);
        Assert.Contains("precision", result.Output, StringComparison.Ordinal);
        Assert.Contains("Confusion matrix (rows: true digit, columns: predicted)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_model_it_evaluates_the_network_baked_in_at_compile_time()
    {
        SampleResult result = SampleProcess.Run(["eval"]);
        Assert.Equal(0, result.ExitCode);
        // The baked weights are those of the default training run, which the README reports at 99.40%.
        Assert.Contains("baked-in LeNet-5 (lenet5-mnist.weights): accuracy 99.40%", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_is_refused_naming_it()
    {
        using var folder = new TempDirectory();
        string bogus = folder.File("bogus.ckpt");
        System.IO.File.WriteAllText(bogus, "not a checkpoint");
        SampleResult result = SampleProcess.Run(["eval", "--model", bogus]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(bogus, result.Error, StringComparison.Ordinal);
    }
}
