using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using Xunit.Sdk;

namespace LeNet.Package.Tests;

/// <summary>Runs the dotnet CLI (or a built program) as a user would, with a time limit and the output kept for failures.</summary>
internal static class DotnetCli
{
    /// <summary>The repository root: the folder holding LeNetGen.sln above the test binaries.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LeNetGen.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new XunitException($"No LeNetGen.sln above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/>; fails the test with the full output on a non-zero exit.</summary>
    public static string Dotnet(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        Run("dotnet", workingDirectory, timeout, environment, arguments);

    public static string Run(string fileName, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host runs under dotnet test: its MSBuild variables would steer the child build to this one's state.
        foreach (string name in new List<string>(EnvironmentNames(start)))
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (environment is not null)
        {
            foreach ((string name, string value) in environment)
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new XunitException($"Could not start {fileName}.");
        var output = new StringBuilder();
        Task stdout = Task.Run(() => Copy(process.StandardOutput, output));
        Task stderr = Task.Run(() => Copy(process.StandardError, output));
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new XunitException($"{fileName} {string.Join(' ', arguments)} did not finish in {timeout.TotalSeconds:F0} s:\n{output}");
        }

        Task.WaitAll(stdout, stderr);
        if (process.ExitCode != 0)
        {
            throw new XunitException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}");
        }

        return output.ToString();
    }

    private static IEnumerable<string> EnvironmentNames(ProcessStartInfo start) => start.Environment.Keys;

    private static void Copy(StreamReader reader, StringBuilder output)
    {
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
