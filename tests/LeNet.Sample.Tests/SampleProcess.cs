using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading.Tasks;

namespace LeNet.Sample.Tests;

/// <summary>Runs the sample as a user would: a separate process, its output redirected, its exit code read.</summary>
internal static class SampleProcess
{
    /// <summary>The sample's own build output (the same configuration as these tests), found from the repository root.</summary>
    public static string AssemblyPath { get; } = FindAssembly();

    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(AssemblyPath);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // A narrow, fixed console and no colour codes, whatever the machine running the tests has.
        info.Environment["NO_COLOR"] = "1";
        info.Environment["COLUMNS"] = "160";
        if (environment is not null)
        {
            foreach ((string key, string? value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        return info;
    }

    public static SampleResult Run(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null, string? workingDirectory = null)
    {
        using Process process = Process.Start(StartInfo(arguments, environment, workingDirectory))!;
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"LeNet.Sample {string.Join(' ', arguments)} did not finish in time. Output so far: {stdout.Result}{stderr.Result}");
        }

        process.WaitForExit();
        return new SampleResult(process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }

    private static string FindAssembly()
    {
        // Tests run from tests/LeNet.Sample.Tests/bin/<Configuration>/net10.0/; the sample builds to src/LeNet.Sample/bin/<Configuration>/net10.0/.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = testOutput.Name;
        string configuration = testOutput.Parent!.Name;
        for (DirectoryInfo? directory = testOutput; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LeNetGen.sln")))
            {
                string path = Path.Combine(directory.FullName, "src", "LeNet.Sample", "bin", configuration, framework, "LeNet.Sample.dll");
                return File.Exists(path) ? path : throw new FileNotFoundException($"Expected the sample built at '{path}'.", path);
            }
        }

        throw new DirectoryNotFoundException($"Expected '{AppContext.BaseDirectory}' to be inside the repository (a folder holding LeNetGen.sln).");
    }
}

/// <summary>What a run of the sample gave.</summary>
internal sealed record SampleResult(int ExitCode, string Output, string Error, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}
