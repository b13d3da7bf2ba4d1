using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using LeNet.Runtime.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;
using Helper = LeNet.SaveCrashHelper.Program;

namespace LeNet.Runtime.Tests;

/// <summary>
/// Kills a real process (LeNet.SaveCrashHelper, saving checkpoint after checkpoint) at random moments, many times,
/// and checks after every kill that the file is one whole version (the last one the helper confirmed, or the one it
/// was writing) and that the next save leaves no temporary behind. LENET_CRASH_KILLS sets the number of kills (30).
/// </summary>
public sealed class SaveCrashTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>256K parameters: a 3 MB checkpoint, so a save (write, fsync, rename) takes long enough to be hit often.</summary>
    private const int Parameters = 1 << 18;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static int Kills =>
        int.TryParse(Environment.GetEnvironmentVariable("LENET_CRASH_KILLS"), out int kills) && kills > 0 ? kills : 30;

    [LinuxFact]
    public void A_save_killed_at_any_moment_leaves_the_old_or_the_new_version_and_the_next_save_cleans_up()
    {
        string path = _dir.File("crash.ckpt");
        string helper = Path.Combine(AppContext.BaseDirectory, "LeNet.SaveCrashHelper.dll");
        Assert.True(File.Exists(helper), $"the helper was not built next to the tests: {helper}");
        var random = new Random(2024);
        int killsWithTemporaries = 0, killsFindingTheNewVersion = 0;
        long helperSaves = 0;
        long version = 1;
        Checkpoint.Save(path, Helper.Version(version, Parameters));

        for (int kill = 0; kill < Kills; kill++)
        {
            long confirmed = RunAndKill(helper, path, random.Next(5, 120), out bool started);
            Assert.True(started, $"kill {kill}: the helper did not start");

            CheckpointData data = Checkpoint.Load(path, Helper.Fingerprint, Parameters);
            long found = data.Step;
            long last = Math.Max(confirmed, version);
            Assert.True(found == last || found == last + 1,
                $"kill {kill}: the file holds version {found}; the helper had confirmed {confirmed}, the file held {version} before");
            Assert.All(new[] { data.Parameters, data.OptimizerState[0], data.OptimizerState[1] }, values => Assert.True(values.All(v => v == found), $"kill {kill}: version {found} is not whole"));
            killsFindingTheNewVersion += found == last + 1 ? 1 : 0;
            helperSaves += found - version;

            string[] temporaries = Temporaries();
            killsWithTemporaries += temporaries.Length > 0 ? 1 : 0;

            // The next save (here, in this process) removes what the killed one left.
            version = found + 1;
            Checkpoint.Save(path, Helper.Version(version, Parameters));
            Assert.Empty(Temporaries());
        }

        output.WriteLine($"{Kills} kills during {helperSaves} saves by the helper: {killsWithTemporaries} left a temporary (removed by the next save), "
            + $"{killsFindingTheNewVersion} found the version being saved already renamed in, the rest the last confirmed one; the file was whole every time");
    }

    private string[] Temporaries() => Directory.GetFiles(_dir.Path, ".crash.ckpt.*.tmp");

    /// <summary>Starts the helper, waits until it saves, kills it after <paramref name="delayMs"/> ms; returns the last version it confirmed.</summary>
    private static long RunAndKill(string helper, string path, int delayMs, out bool started)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(helper);
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(Parameters.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the helper.");
        long confirmed = 0;
        using var ready = new ManualResetEventSlim();
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data == "ready")
            {
                ready.Set();
            }
            else if (line.Data is string text && text.StartsWith("saved ", StringComparison.Ordinal))
            {
                Interlocked.Exchange(ref confirmed, long.Parse(text.AsSpan(6), System.Globalization.CultureInfo.InvariantCulture));
            }
        };
        process.BeginOutputReadLine();
        started = ready.Wait(TimeSpan.FromSeconds(60));
        Thread.Sleep(delayMs);
        process.Kill();
        process.WaitForExit();
        return Interlocked.Read(ref confirmed);
    }
}
