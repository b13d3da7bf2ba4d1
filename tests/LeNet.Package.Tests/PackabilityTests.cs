using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace LeNet.Package.Tests;

/// <summary><c>dotnet pack LeNetGen.sln</c> makes one package: only the runtime project packs, as LeNetGen.</summary>
[Collection(DotnetCliCollection.Name)]
public partial class PackabilityTests
{
    [Fact]
    public void Only_the_runtime_project_of_the_solution_is_packable_and_its_package_id_is_LeNetGen()
    {
        string root = DotnetCli.RepositoryRoot;
        string[] projects = ProjectLine().Matches(File.ReadAllText(Path.Combine(root, "LeNetGen.sln")))
            .Select(m => m.Groups[1].Value.Replace('\\', Path.DirectorySeparatorChar))
            .ToArray();
        Assert.Contains(projects, p => p.EndsWith("LeNet.Runtime.csproj", StringComparison.Ordinal));

        foreach (string project in projects)
        {
            string[] values = DotnetCli.Dotnet(root, TimeSpan.FromMinutes(2), null,
                    "msbuild", project, "-getProperty:IsPackable", "-getProperty:PackageId", "-p:Configuration=Release", "-nodeReuse:false")
                .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            string json = string.Join("", values);
            bool runtime = project.EndsWith("LeNet.Runtime.csproj", StringComparison.Ordinal);
            Assert.True(json.Contains($"\"IsPackable\": \"{(runtime ? "true" : "false")}\"", StringComparison.Ordinal), $"{project}: {json}");
            if (runtime)
            {
                Assert.Contains("\"PackageId\": \"LeNetGen\"", json, StringComparison.Ordinal);
            }
        }
    }

    [GeneratedRegex(@"Project\(""\{[^}]+\}""\) = ""[^""]+"", ""([^""]+\.csproj)""")]
    private static partial Regex ProjectLine();
}
