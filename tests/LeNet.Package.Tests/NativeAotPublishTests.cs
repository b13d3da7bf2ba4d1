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

        // No weights file is published beside it. (The baked LeNet5.TrainedParameters reach the executable once a command
        // uses LeNet5.CreateTrained(); until then the trimmer drops them as unused.)
        Assert.Empty(Directory.GetFiles(output, "*.weights"));
    }
}
