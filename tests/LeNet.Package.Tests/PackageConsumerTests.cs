using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using Xunit;
using Xunit.Sdk;

namespace LeNet.Package.Tests;

/// <summary>
/// The LeNetGen package as a new user meets it: packed from the repository, restored from a local folder feed by a
/// fresh console project that references nothing else, built with warnings as errors, and run.
/// </summary>
[Collection(DotnetCliCollection.Name)]
public class PackageConsumerTests
{
    private const string Version = "0.1.0";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(4);

    /// <summary>A network that is not LeNet-5: padded 3x3 convolution with tanh, average pooling, softmax.</summary>
    private const string ConsumerProgram = """
        using System;
        using System.Globalization;
        using System.IO;
        using LeNet;
        using LeNet.Onnx;

        var network = new ConsumerNet();
        Span<float> parameters = network.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = (((i * 7) % 13) - 6) / 20f;
        }

        float[] input = new float[ConsumerNet.InputLength];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (((i * 5) % 11) - 5) / 10f;
        }

        float[] output = new float[ConsumerNet.OutputLength];
        network.Forward(input, output);
        using var onnx = new MemoryStream();
        OnnxExporter.Export(network, onnx);

        Console.WriteLine(ConsumerNet.Summary);
        Console.WriteLine($"ParameterCount {ConsumerNet.ParameterCount}");
        Console.WriteLine($"InputLength {ConsumerNet.InputLength}");
        Console.WriteLine("Output " + string.Join(" ", Array.ConvertAll(output, v => v.ToString("R", CultureInfo.InvariantCulture))));
        Console.WriteLine($"Predict {network.Predict(input)}");
        Console.WriteLine($"OnnxBytes {onnx.Length}");
        Console.WriteLine($"Fingerprint {ConsumerNet.Fingerprint:X16}");

        [Network]
        [Input(height: 6, width: 8, channels: 2)]
        [Conv(filters: 3, kernel: 3, padding: 1, Activation = Activation.Tanh)]
        [AvgPool(size: 2)]
        [Dense(4, Activation = Activation.Softmax)]
        public partial class ConsumerNet { }
        """;

    /// <summary>The same network with its weights baked in from consumer.weights: it must compute the same output.</summary>
    private const string BakedProgram = """
        using System;
        using System.Globalization;
        using LeNet;

        float[] input = new float[ConsumerNet.InputLength];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (((i * 5) % 11) - 5) / 10f;
        }

        float[] output = new float[ConsumerNet.OutputLength];
        ConsumerNet.CreateTrained().Forward(input, output);
        Console.WriteLine("Output " + string.Join(" ", Array.ConvertAll(output, v => v.ToString("R", CultureInfo.InvariantCulture))));

        [Network(Weights = "consumer.weights")]
        [Input(height: 6, width: 8, channels: 2)]
        [Conv(filters: 3, kernel: 3, padding: 1, Activation = Activation.Tanh)]
        [AvgPool(size: 2)]
        [Dense(4, Activation = Activation.Softmax)]
        public partial class ConsumerNet { }
        """;

    private const string ConsumerProject = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>disable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="LeNetGen" Version="0.1.0" />
          </ItemGroup>
        </Project>
        """;

    [Fact]
    public void Fresh_console_project_referencing_only_the_package_builds_warning_free_and_computes_the_network()
    {
        using var temp = new TempFolder("lenetgen-consumer");
        string feed = Path.Combine(temp.Path, "feed");
        string packages = Path.Combine(temp.Path, "packages");
        string consumer = Path.Combine(temp.Path, "Consumer");
        Directory.CreateDirectory(feed);
        Directory.CreateDirectory(consumer);

        // Pack into the feed, building in the temp folder so the repository's own bin/obj stay as they are.
        DotnetCli.Dotnet(DotnetCli.RepositoryRoot, StepTimeout, null,
            "pack", Path.Combine("src", "LeNet.Runtime", "LeNet.Runtime.csproj"), "-c", "Release", "-o", feed,
            "-p:UseArtifactsOutput=true", $"-p:ArtifactsPath={Path.Combine(temp.Path, "build")}", "--disable-build-servers", "-nodeReuse:false");

        string package = Path.Combine(feed, $"LeNetGen.{Version}.nupkg");
        Assert.True(File.Exists(Path.Combine(feed, $"LeNetGen.{Version}.snupkg")), "dotnet pack wrote no symbols package.");
        XElement metadata = CheckPackageLayout(package);

        // The package's dependencies come into the feed from the machine's package cache, so the consumer restores
        // from this folder alone, into a package folder of its own (a stale LeNetGen in the user cache cannot mask this one).
        CopyDependencies(metadata, feed);
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), ConsumerProject);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), ConsumerProgram);

        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages };
        DotnetCli.Dotnet(consumer, StepTimeout, environment, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");
        Assert.True(Directory.Exists(Path.Combine(packages, "lenetgen", Version)), "The consumer did not restore LeNetGen from the feed.");

        string output = DotnetCli.Dotnet(consumer, StepTimeout, environment, Path.Combine("bin", "Release", "net10.0", "Consumer.dll"));
        CheckOutput(output);

        // The package README's example, as a user would paste it, builds and runs the same way.
        string readme = Path.Combine(temp.Path, "Readme");
        Directory.CreateDirectory(readme);
        File.Copy(Path.Combine(consumer, "nuget.config"), Path.Combine(readme, "nuget.config"));
        File.WriteAllText(Path.Combine(readme, "Readme.csproj"), ConsumerProject);
        File.WriteAllText(Path.Combine(readme, "Program.cs"), PackageReadmeExample(package));
        DotnetCli.Dotnet(readme, StepTimeout, environment, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");
        string readmeOutput = DotnetCli.Dotnet(readme, StepTimeout, environment, Path.Combine("bin", "Release", "net10.0", "Readme.dll"));
        Assert.Contains("Total", readmeOutput, StringComparison.Ordinal);

        // Weights baked in from the package: the same parameters compiled in give the same output, bit for bit; a file
        // of another architecture fails the build with LENET023 on the Weights argument.
        ulong fingerprint = ulong.Parse(OutputValue(output, "Fingerprint"), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        float[] parameters = Enumerable.Range(0, 205).Select(i => (((i * 7) % 13) - 6) / 20f).ToArray();
        string baked = Path.Combine(temp.Path, "Baked");
        Directory.CreateDirectory(baked);
        File.Copy(Path.Combine(consumer, "nuget.config"), Path.Combine(baked, "nuget.config"));
        File.WriteAllText(Path.Combine(baked, "Baked.csproj"), ConsumerProject.Replace("</Project>",
            "  <ItemGroup>\n    <AdditionalFiles Include=\"consumer.weights\" />\n  </ItemGroup>\n</Project>", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(baked, "Program.cs"), BakedProgram);
        File.WriteAllBytes(Path.Combine(baked, "consumer.weights"), WeightsFile(fingerprint, parameters));
        DotnetCli.Dotnet(baked, StepTimeout, environment, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false");
        string bakedOutput = DotnetCli.Dotnet(baked, StepTimeout, environment, Path.Combine("bin", "Release", "net10.0", "Baked.dll"));
        Assert.Equal(OutputValue(output, "Output"), OutputValue(bakedOutput, "Output"));

        File.WriteAllBytes(Path.Combine(baked, "consumer.weights"), WeightsFile(fingerprint ^ 1, parameters));
        XunitException failed = Assert.Throws<XunitException>(() =>
            DotnetCli.Dotnet(baked, StepTimeout, environment, "build", "-c", "Release", "--disable-build-servers", "-nodeReuse:false"));
        int line = BakedProgram.Split('\n').ToList().FindIndex(l => l.Contains("Weights = ", StringComparison.Ordinal)) + 1;
        Assert.Contains($"Program.cs({line},10): error LENET023: ConsumerNet: 'consumer.weights' holds weights of architecture 0x{fingerprint ^ 1:X16}; " +
            $"ConsumerNet is architecture 0x{fingerprint:X16}", failed.Message, StringComparison.Ordinal);
    }

    private static string OutputValue(string output, string key) =>
        output.Split('\n', StringSplitOptions.TrimEntries).Single(l => l.StartsWith(key + " ", StringComparison.Ordinal))[(key.Length + 1)..];

    /// <summary>A weights file as SaveWeights writes it (docs/weights-format.md), written here independently.</summary>
    private static byte[] WeightsFile(ulong fingerprint, float[] parameters)
    {
        byte[] bytes = new byte[24 + (4 * parameters.Length) + 8];
        "LENETWTS"u8.CopyTo(bytes);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(12), fingerprint);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), parameters.Length);
        for (int i = 0; i < parameters.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(24 + (4 * i)), parameters[i]);
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8),
            System.IO.Hashing.XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)));
        return bytes;
    }

    /// <summary>The first C# block of the README inside the package.</summary>
    private static string PackageReadmeExample(string package)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        using var reader = new StreamReader(zip.GetEntry("README.md")!.Open());
        string text = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
        int start = text.IndexOf("```csharp\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "The package README has no C# example.");
        start += "```csharp\n".Length;
        return text[start..text.IndexOf("```", start, StringComparison.Ordinal)];
    }

    /// <summary>lib holds the runtime only, analyzers/dotnet/cs the generator only; README, MIT licence, tags, description.</summary>
    private static XElement CheckPackageLayout(string package)
    {
        using ZipArchive zip = ZipFile.OpenRead(package);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();
        Assert.Contains("lib/net10.0/LeNet.Runtime.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/LeNet.Generator.dll", entries);
        Assert.Contains("README.md", entries);
        Assert.Equal(["lib/net10.0/LeNet.Runtime.dll", "lib/net10.0/LeNet.Runtime.xml"], entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(["analyzers/dotnet/cs/LeNet.Generator.dll"], entries.Where(e => e.StartsWith("analyzers/", StringComparison.Ordinal)));

        using Stream nuspec = zip.GetEntry("LeNetGen.nuspec")!.Open();
        XElement metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
        Assert.Equal("LeNetGen", Field("id"));
        Assert.Equal(Version, Field("version"));
        Assert.Equal("MIT", Field("license"));
        Assert.Equal("README.md", Field("readme"));
        Assert.Contains("source-generator", Field("tags"), StringComparison.Ordinal);
        Assert.NotEmpty(Field("description"));
        return metadata;
    }

    private static void CopyDependencies(XElement metadata, string feed)
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        IEnumerable<XElement> dependencies = metadata.Descendants()
            .Where(e => e.Name.LocalName == "group" && (string?)e.Attribute("targetFramework") == "net10.0")
            .SelectMany(g => g.Elements().Where(e => e.Name.LocalName == "dependency"));
        foreach (XElement dependency in dependencies)
        {
            string id = ((string)dependency.Attribute("id")!).ToLowerInvariant();
            string version = (string)dependency.Attribute("version")!;
            string nupkg = Path.Combine(cache, id, version, $"{id}.{version}.nupkg");
            Assert.True(File.Exists(nupkg), $"Dependency {id} {version} is not in the package cache at {nupkg}; restore the solution first.");
            File.Copy(nupkg, Path.Combine(feed, Path.GetFileName(nupkg)));
        }
    }

    private static void CheckOutput(string output)
    {
        string[] lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string Value(string key) => lines.Single(l => l.StartsWith(key + " ", StringComparison.Ordinal))[(key.Length + 1)..];

        // conv 3x2x3x3 + 3 = 57, dense 4x36 + 4 = 148.
        Assert.Equal("205", Value("ParameterCount"));
        Assert.Equal("96", Value("InputLength"));
        Assert.Contains(lines, l => l.StartsWith("CONV1", StringComparison.Ordinal) && l.EndsWith(" 57", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith(" 148", StringComparison.Ordinal));
        Assert.True(int.Parse(Value("OnnxBytes"), CultureInfo.InvariantCulture) > 205 * sizeof(float));

        double[] expected = ConsumerNetReference();
        float[] actual = Value("Output").Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5, $"output {i}: generated {actual[i]}, reference {expected[i]}\n{output}");
        }

        int predicted = Array.IndexOf(expected, expected.Max());
        Assert.Equal(predicted.ToString(CultureInfo.InvariantCulture), Value("Predict"));
    }

    /// <summary>The consumer's network computed by plain loops in double precision from the same parameters and input.</summary>
    private static double[] ConsumerNetReference()
    {
        const int inC = 2, h = 6, w = 8, filters = 3, k = 3, pad = 1, units = 4;
        double[] p = Enumerable.Range(0, 205).Select(i => (((i * 7) % 13) - 6) / 20.0).ToArray();
        double[] x = Enumerable.Range(0, inC * h * w).Select(i => (((i * 5) % 11) - 5) / 10.0).ToArray();

        // Conv (PyTorch layout: weight (out, in, kh, kw) then bias) with zero padding, then tanh.
        double[] conv = new double[filters * h * w];
        for (int oc = 0; oc < filters; oc++)
        {
            for (int oy = 0; oy < h; oy++)
            {
                for (int ox = 0; ox < w; ox++)
                {
                    double sum = p[(filters * inC * k * k) + oc];
                    for (int ic = 0; ic < inC; ic++)
                    {
                        for (int ky = 0; ky < k; ky++)
                        {
                            for (int kx = 0; kx < k; kx++)
                            {
                                int iy = oy + ky - pad, ix = ox + kx - pad;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                                {
                                    sum += p[(((oc * inC) + ic) * k * k) + (ky * k) + kx] * x[(ic * h * w) + (iy * w) + ix];
                                }
                            }
                        }
                    }

                    conv[(oc * h * w) + (oy * w) + ox] = Math.Tanh(sum);
                }
            }
        }

        // 2x2 average pool, stride 2: 6x8 -> 3x4.
        const int ph = 3, pw = 4;
        double[] pool = new double[filters * ph * pw];
        for (int c = 0; c < filters; c++)
        {
            for (int py = 0; py < ph; py++)
            {
                for (int px = 0; px < pw; px++)
                {
                    double sum = 0;
                    for (int dy = 0; dy < 2; dy++)
                    {
                        for (int dx = 0; dx < 2; dx++)
                        {
                            sum += conv[(c * h * w) + (((py * 2) + dy) * w) + (px * 2) + dx];
                        }
                    }

                    pool[(c * ph * pw) + (py * pw) + px] = sum / 4;
                }
            }
        }

        // Dense 36 -> 4 (weight (out, in) then bias), softmax.
        const int denseOffset = 57, inputs = filters * ph * pw;
        double[] z = new double[units];
        for (int o = 0; o < units; o++)
        {
            double sum = p[denseOffset + (units * inputs) + o];
            for (int i = 0; i < inputs; i++)
            {
                sum += p[denseOffset + (o * inputs) + i] * pool[i];
            }

            z[o] = sum;
        }

        double max = z.Max();
        double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }
}
