using System;
using System.IO;
using System.Runtime.InteropServices;
using Xunit;

namespace LeNet.Package.Tests;

/// <summary>The sample published as a NativeAOT executable: one native file that runs with no .NET beside it.</summary>
[Collection(DotnetCliCollection.Name)]
public class NativeAotPublishTests
{
    [Fact]
    public void Sample_publishes_as_a_native_executable_that_runs()
    {
        using var temp = new TempFolder("lenetgen-aot");
        string output = Path.Combine(temp.Path, "out");
        string rid = RuntimeInformation.RuntimeIdentifier;

        // The README's command, building in the temp folder so the repository's bin/obj stay as they are.
        DotnetCli.Dotnet(DotnetCli.RepositoryRoot, TimeSpan.FromMinutes(8), null,
            "publish", Path.Combine("src", "LeNet.Sample"), "-c", "Release", "-r", rid, "-p:PublishAot=true", "-o", output,
            "-p:UseArtifactsOutput=true", $"-p:ArtifactsPath={Path.Combine(temp.Path, "build")}", "--disable-build-servers", "-nodeReuse:false");

        string executable = Path.Combine(output, OperatingSystem.IsWindows() ? "LeNet.Sample.exe" : "LeNet.Sample");
        Assert.True(File.Exists(executable), $"No native executable at {executable}.");
        Assert.False(File.Exists(Path.Combine(output, "LeNet.Sample.dll")), "The publish output holds IL assemblies: it is not a NativeAOT build.");
        Assert.False(File.Exists(Path.Combine(output, "LeNet.Runtime.dll")), "The runtime was not compiled into the executable.");

        // Run it with no DOTNET_ROOT: a native binary needs no .NET installation to find.
        string printed = DotnetCli.Run(executable, temp.Path, TimeSpan.FromMinutes(1),
            new System.Collections.Generic.Dictionary<string, string> { ["DOTNET_ROOT"] = Path.Combine(temp.Path, "no-dotnet-here") }, "summary");
        Assert.Contains("CONV1", printed, StringComparison.Ordinal);
        Assert.Contains("61706", printed, StringComparison.Ordinal);

        // No weights file is published beside it: the trained weights are baked into the executable.
        Assert.Empty(Directory.GetFiles(output, "*.weights"));

        // With no model file it evaluates the baked LeNet-5 on the MNIST test set (the default run's weights).
        string mnist = Environment.GetEnvironmentVariable("LENET_MNIST_DIR") is { Length: > 0 } set
            ? set
            : Path.Combine(DotnetCli.RepositoryRoot, "..", "shared", "data", "mnist");
        if (!Directory.Exists(mnist) && Environment.GetEnvironmentVariable("CI") != "true")
        {
            return;
        }

        string evaluated = DotnetCli.Run(executable, temp.Path, TimeSpan.FromMinutes(2),
            new System.Collections.Generic.Dictionary<string, string> { ["DOTNET_ROOT"] = Path.Combine(temp.Path, "no-dotnet-here") },
            "eval", "--data", mnist, "--json");
        using System.Text.Json.JsonDocument report = System.Text.Json.JsonDocument.Parse(evaluated);
        double accuracy = report.RootElement.GetProperty("accuracy").GetDouble();
        Assert.True(accuracy >= 0.99, $"The baked network in the native binary scored {accuracy} on the MNIST test set; expected the default run's 0.994.");
    }
}
