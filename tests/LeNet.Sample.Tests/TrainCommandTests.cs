using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using LeNet.Tests.Shared;
using Xunit;

namespace LeNet.Sample.Tests;

/// <summary><c>train</c> as a process: its JSON lines, the options it refuses before training, resume and Ctrl+C.</summary>
[Collection(TrainedModelCollection.Name)]
public sealed class TrainCommandTests(TrainedModel model)
{
    [MnistFact]
    public void Json_prints_one_object_per_epoch_then_the_final_line()
    {
        string[] lines = model.Result!.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(TrainedModel.Epochs + 1, lines.Length);
        double cumulative = 0;
        for (int i = 0; i < TrainedModel.Epochs; i++)
        {
            using JsonDocument epoch = JsonDocument.Parse(lines[i]);
            JsonElement e = epoch.RootElement;
            Assert.Equal(i + 1, e.GetProperty("epoch").GetInt32());
            Assert.InRange(e.GetProperty("loss").GetDouble(), 0.001, 3);
            Assert.InRange(e.GetProperty("trainAccuracy").GetDouble(), 0.5, 1);
            Assert.InRange(e.GetProperty("testAccuracy").GetDouble(), 0.9, 1);
            double seconds = e.GetProperty("seconds").GetDouble();
            cumulative += seconds;
            Assert.Equal(cumulative, e.GetProperty("trainSeconds").GetDouble(), 0.02);
            Assert.InRange(e.GetProperty("imagesPerSecond").GetDouble(), (TrainedModel.Limit / seconds) * 0.95, (TrainedModel.Limit / seconds) * 1.05);
        }

        using JsonDocument final = JsonDocument.Parse(lines[^1]);
        JsonElement f = final.RootElement;
        Assert.Equal(TrainedModel.Epochs, f.GetProperty("epochs").GetInt32());
        Assert.Equal(JsonDocument.Parse(lines[TrainedModel.Epochs - 1]).RootElement.GetProperty("testAccuracy").GetDouble(), f.GetProperty("testAccuracy").GetDouble(), 4);
        Assert.Equal(cumulative, f.GetProperty("trainSeconds").GetDouble(), 0.1);
        Assert.True(f.GetProperty("imagesPerSecond").GetDouble() > 0);
        Assert.True(File.Exists(model.CheckpointPath + ".history.json"), "train writes the history beside its checkpoint");
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Save_paths_that_cannot_be_written_are_refused_before_training()
    {
        using var folder = new TempDirectory();
        string readOnly = folder.File("kept.ckpt");
        File.WriteAllText(readOnly, "keep me");
        File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        string missingFolder = Path.Combine(folder.Path, "no-such-folder", "model.ckpt");
        (string Save, string Expected)[] cases =
        [
            ("", "Option --save expects a file name, got an empty string."),
            (missingFolder, $"the folder '{Path.GetDirectoryName(missingFolder)}' of '{missingFolder}' does not exist"),
            (folder.Path, $"'{folder.Path}' is a folder"),
            ("/dev/null", "'/dev/null' exists and is not a regular file (it is a character device)"),
            (readOnly, $"'{readOnly}' is read-only"),
        ];
        foreach ((string save, string expected) in cases)
        {
            // No --data: training would load MNIST first; the refusal must come before that, in well under the time of an epoch.
            SampleResult result = SampleProcess.Run(["train", "--save", save, "--data", folder.Path]);
            Assert.True(result.ExitCode == 2, $"--save '{save}': {result}");
            Assert.Contains(expected, result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("epoch", result.Output, StringComparison.Ordinal);
        }

        Assert.Equal("keep me", File.ReadAllText(readOnly));
    }

    [Fact]
    public void Resume_files_that_cannot_be_read_are_refused_before_training()
    {
        using var folder = new TempDirectory();
        string fifo = folder.File("pipe.ckpt");
        using (Process mkfifo = Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
        }

        (string Resume, string Expected)[] cases =
        [
            (fifo, $"Option --resume: '{fifo}' is not a regular file (it is a FIFO)."),
            (folder.Path, $"Option --resume expects a file, but '{folder.Path}' is a folder."),
            (folder.File("missing.ckpt"), $"Option --resume: '{folder.File("missing.ckpt")}' does not exist."),
            ("", "Option --resume expects a file name, got an empty string."),
        ];
        foreach ((string resume, string expected) in cases)
        {
            SampleResult result = SampleProcess.Run(["train", "--resume", resume, "--save", folder.File("out.ckpt"), "--data", folder.Path], timeout: TimeSpan.FromSeconds(60));
            Assert.True(result.ExitCode == 2, $"--resume '{resume}': {result}");
            Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Threads_are_bounded()
    {
        SampleResult result = SampleProcess.Run(["train", "--threads", "1000000"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Option --threads expects a whole number from 1 to", result.Error, StringComparison.Ordinal);
        Assert.Contains("got 1000000", result.Error, StringComparison.Ordinal);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(20), result.ToString());
    }

    [Fact]
    public void The_weight_average_decay_must_be_below_one()
    {
        foreach (string decay in new[] { "1", "-0.1", "NaN" })
        {
            SampleResult result = SampleProcess.Run(["train", "--average", decay]);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains($"Option --average expects a number from 0 up to (not including) 1, got '{decay}'.", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_label_smoothing_must_be_below_one()
    {
        foreach (string smoothing in new[] { "1", "-0.1", "NaN" })
        {
            SampleResult result = SampleProcess.Run(["train", "--label-smoothing", smoothing]);
            Assert.Equal(2, result.ExitCode);
            Assert.Contains($"Option --label-smoothing expects a number from 0 up to (not including) 1, got '{smoothing}'.", result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Train_help_works_like_help()
    {
        SampleResult train = SampleProcess.Run(["train", "--help"]);
        SampleResult root = SampleProcess.Run(["--help"]);
        Assert.Equal(0, train.ExitCode);
        Assert.Equal(0, root.ExitCode);
        foreach (string option in new[] { "--epochs", "--save", "--resume", "--threads", "--json", "--plots", "--download", "--average", "--label-smoothing" })
        {
            Assert.Contains(option, train.Output, StringComparison.Ordinal);
            Assert.Contains(option, root.Output, StringComparison.Ordinal);
        }

        foreach (string command in new[] { "train", "eval", "predict", "plot", "serve", "download", "summary" })
        {
            Assert.Contains("  " + command, root.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Missing_data_says_where_it_looked_and_to_run_download()
    {
        using var empty = new TempDirectory();
        SampleResult result = SampleProcess.Run(["train", "--data", empty.Path, "--save", empty.File("m.ckpt")]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Looked in:\n  {empty.Path} (--data)", result.Error, StringComparison.Ordinal);
        Assert.Contains($"Run 'LeNet.Sample download --to {empty.Path}'", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(empty.File("m.ckpt")));
    }

    [MnistFact]
    public void Resume_with_no_epochs_left_says_so()
    {
        using var folder = new TempDirectory();
        string copy = folder.File("done.ckpt");
        File.Copy(model.CheckpointPath, copy);
        SampleResult result = SampleProcess.Run(["train", "--resume", copy, "--epochs", $"{TrainedModel.Epochs}", "--save", folder.File("next.ckpt"), "--data", model.DataDirectory]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"'{copy}' has already trained {TrainedModel.Epochs} epoch(s) and --epochs is {TrainedModel.Epochs}: nothing to train. Pass --epochs {TrainedModel.Epochs + 1} or more", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("epoch      loss", result.Output, StringComparison.Ordinal);
    }

    [MnistFact]
    public void Resume_with_other_settings_is_refused_naming_both_values()
    {
        using var folder = new TempDirectory();
        string copy = folder.File("done.ckpt");
        File.Copy(model.CheckpointPath, copy);

        SampleResult result = SampleProcess.Run(["train", "--resume", copy, "--epochs", $"{TrainedModel.Epochs + 1}", "--seed", "2", "--augment", "none", "--save", folder.File("next.ckpt"), "--data", model.DataDirectory]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"Checkpoint '{copy}': trained with other settings", result.Error, StringComparison.Ordinal);
        Assert.Contains("seed: the checkpoint has 1, this trainer has 2", result.Error, StringComparison.Ordinal);
        Assert.Contains("augmentation: the checkpoint has shift=2, rotation=10, scale=0.1, ramp=2, this trainer has none", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("next.ckpt")));
    }

    [MnistFact]
    public void Resume_with_another_weight_average_decay_is_refused_naming_both()
    {
        using var folder = new TempDirectory();
        string copy = folder.File("done.ckpt");
        File.Copy(model.CheckpointPath, copy);

        SampleResult result = SampleProcess.Run(["train", "--resume", copy, "--epochs", $"{TrainedModel.Epochs + 1}", "--average", "0.999", "--save", folder.File("next.ckpt"), "--data", model.DataDirectory]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"Checkpoint '{copy}': trained with other settings", result.Error, StringComparison.Ordinal);
        Assert.Contains("weight-average decay: the checkpoint has 0.998, this run has 0.999", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("next.ckpt")));
    }

    [MnistFact]
    public void Resume_for_more_epochs_warns_that_the_schedule_stretches_and_trains_on()
    {
        using var folder = new TempDirectory();
        string copy = folder.File("done.ckpt");
        File.Copy(model.CheckpointPath, copy);

        SampleResult result = SampleProcess.Run(["train", "--resume", copy, "--epochs", $"{TrainedModel.Epochs + 1}", "--limit", "640", "--save", folder.File("next.ckpt"), "--data", model.DataDirectory, "--json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Warning: Checkpoint '{copy}': schedule: the checkpoint has cosine(epochs={TrainedModel.Epochs}, floor=0.01), this trainer has cosine(epochs={TrainedModel.Epochs + 1}, floor=0.01)", result.Error, StringComparison.Ordinal);
        Assert.Contains($"planned epochs: the checkpoint has {TrainedModel.Epochs}, this trainer has {TrainedModel.Epochs + 1}", result.Error, StringComparison.Ordinal);
        Assert.Equal(TrainedModel.Epochs + 1, Checkpoint.Load(folder.File("next.ckpt"), LeNet5.Fingerprint, LeNet5.ParameterCount).Epoch);
    }

    [MnistFact]
    public async Task Ctrl_C_stops_after_the_current_batch_and_saves_a_valid_checkpoint()
    {
        using var folder = new TempDirectory();
        string save = folder.File("stopped.ckpt");
        ProcessStartInfo info = SampleProcess.StartInfo(["train", "--data", model.DataDirectory, "--epochs", "3", "--save", save]);
        using Process process = Process.Start(info)!;
        process.StandardInput.Close();
        Task<string> errors = process.StandardError.ReadToEndAsync();

        // Wait until training has started (the table header is printed just before the first batch), then press Ctrl+C.
        string output = "";
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            output += line + "\n";
            if (line.StartsWith("epoch", StringComparison.Ordinal))
            {
                break;
            }
        }

        await Task.Delay(500);
        using (Process kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        output += await process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "the process stops after the current batch");
        string error = await errors;
        Assert.True(process.ExitCode == 130, $"exit {process.ExitCode}\n{output}\n{error}");
        Assert.Contains("Stopping after the current batch", error, StringComparison.Ordinal);
        System.Text.RegularExpressions.Match stopped = System.Text.RegularExpressions.Regex.Match(error, @"Training stopped in epoch (\d) after (\d+) of 60000 examples\.");
        Assert.True(stopped.Success, error);
        int epoch = int.Parse(stopped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        int examples = int.Parse(stopped.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, examples % 64);

        // The file is a whole, valid checkpoint of this network: the full epochs before the stop, and the batches of the stopped one.
        CheckpointData checkpoint = Checkpoint.Load(save, LeNet5.Fingerprint, LeNet5.ParameterCount);
        Assert.Equal(epoch - 1, checkpoint.Epoch);
        Assert.Equal(((epoch - 1) * ((60_000 + 63) / 64)) + (examples / 64), checkpoint.Step);
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
    }

    [MnistFact]
    public void Data_is_looked_for_in_the_variable_then_the_user_cache_folder()
    {
        using var folder = new TempDirectory();
        string emptyVariable = Directory.CreateDirectory(folder.File("empty")).FullName;
        string cache = folder.File("cache");
        string cacheMnist = Directory.CreateDirectory(Path.Combine(cache, "lenetgen", "mnist")).FullName;
        string variableMnist = Directory.CreateDirectory(folder.File("variable")).FullName;
        foreach (string name in Mnist.FileNames)
        {
            // Links to the shared files: nothing is copied.
            File.CreateSymbolicLink(Path.Combine(cacheMnist, name), Path.Combine(model.DataDirectory, name));
            File.CreateSymbolicLink(Path.Combine(variableMnist, name), Path.Combine(model.DataDirectory, name));
        }

        string[] arguments = ["train", "--limit", "64", "--epochs", "1", "--save", folder.File("m.ckpt")];
        SampleResult fromCache = SampleProcess.Run(arguments, new Dictionary<string, string?> { [MnistDirectory.Variable] = emptyVariable, ["XDG_CACHE_HOME"] = cache });
        Assert.True(fromCache.ExitCode == 0, fromCache.ToString());
        Assert.Contains($"64 training and 10000 test images from {cacheMnist}", fromCache.Output, StringComparison.Ordinal);

        SampleResult fromVariable = SampleProcess.Run(arguments, new Dictionary<string, string?> { [MnistDirectory.Variable] = variableMnist, ["XDG_CACHE_HOME"] = cache });
        Assert.True(fromVariable.ExitCode == 0, fromVariable.ToString());
        Assert.Contains($"64 training and 10000 test images from {variableMnist}", fromVariable.Output, StringComparison.Ordinal);
    }
}
