using System;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using LeNet.Generator.Emitting;
using LeNet.Generator.Model;
using LeNet.Generator.Shapes;
using LeNet.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace LeNet.Generator.Tests;

/// <summary>
/// The lecture's LeNet-5 table, read back from the generated <c>Summary</c> constant and checked against the
/// <see cref="ShapeChain"/> it was written from.
/// </summary>
public sealed class SummaryTests
{
    [Fact]
    public void ThreeChannelLeNet5ReadsAsTheLectureTable()
    {
        (string[] rows, string[] notes, ShapeChain chain) = Summary("LeNet5Rgb", Networks.LeNet5(channels: 3, typeName: "LeNet5Rgb"));

        Assert.Equal(
            new[]
            {
                "Layer | Shape (H,W,C) | Activation size | Parameters",
                "Input | (32,32,3) | 3072 | 0",
                "CONV1 | (28,28,6) | 4704 | 456",
                "POOL1 | (14,14,6) | 1176 | 0",
                "CONV2 | (10,10,16) | 1600 | 2416",
                "POOL2 | (5,5,16) | 400 | 0",
                "FC3 | (120,1) | 120 | 48120",
                "FC4 | (84,1) | 84 | 10164",
                "Softmax | (10,1) | 10 | 850",
                "Total | 62006",
            },
            rows);
        Assert.Equal(
            new[]
            {
                "CONV1 as a dense layer would need 3072x4704 = 14,450,688 weights; as a convolution it has 456 parameters.",
                "CONV2 as a dense layer would need 1176x1600 = 1,881,600 weights; as a convolution it has 2,416 parameters.",
            },
            notes);

        Assert.Equal(62006, chain.ParameterCount);
        LayerShape conv1 = chain.Layers[0];
        Assert.Equal((3072, 4704, 456, 14_450_688L), (conv1.InputLength, conv1.OutputLength, conv1.ParameterCount, conv1.DenseEquivalentWeights));
    }

    [Fact]
    public void OneChannelLeNet5HasA156ParameterFirstConvolution()
    {
        (string[] rows, string[] notes, ShapeChain chain) = Summary("LeNet5", Networks.LeNet5(channels: 1, typeName: "LeNet5"));

        Assert.Equal("Input | (32,32,1) | 1024 | 0", rows[1]);
        Assert.Equal("CONV1 | (28,28,6) | 4704 | 156", rows[2]);
        Assert.Equal("CONV2 | (10,10,16) | 1600 | 2416", rows[4]);
        Assert.Equal("Total | 61706", rows[^1]);
        Assert.Equal("CONV1 as a dense layer would need 1024x4704 = 4,816,896 weights; as a convolution it has 156 parameters.", notes[0]);
        Assert.Equal(61706, chain.ParameterCount);
        Assert.Equal(156, chain.Layers[0].ParameterCount);
    }

    /// <summary>
    /// The Summary constant of the compiled output, split into table rows (columns joined by " | ") and the notes
    /// below the table, after checking that it is exactly the text the emitter builds from the checked chain.
    /// </summary>
    private static (string[] Rows, string[] Notes, ShapeChain Chain) Summary(string typeName, string source)
    {
        GeneratorRun run = TestCompiler.Generate(source);
        INamedTypeSymbol? network = run.Output.GetTypeByMetadataName("Demo." + typeName);
        Assert.NotNull(network);
        IFieldSymbol field = Assert.Single(network.GetMembers("Summary").OfType<IFieldSymbol>());
        string summary = Assert.IsType<string>(field.ConstantValue);

        var spec = Assert.IsType<NetworkSpec>(Assert.Single(run.Result.TrackedSteps[TrackingNames.Parse].SelectMany(s => s.Outputs)).Value);
        CheckedNetwork checkedNetwork = ShapeChecker.Check(spec, CancellationToken.None);
        Assert.NotNull(checkedNetwork.Chain);
        Assert.Equal(string.Concat(SurfaceEmitter.SummaryRows(checkedNetwork.Chain).Select(row => row + "\n")), summary);

        string[] lines = summary.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int notesStart = Array.FindIndex(lines, line => line.Contains(" as a dense layer ", StringComparison.Ordinal));
        Assert.True(notesStart > 0, "The summary has no dense-layer comparison.");

        // Values hold no spaces, so data rows split on any run of them; the header's column names hold single spaces.
        string[] rows = lines.Take(notesStart)
            .Select((line, i) => string.Join(" | ", i == 0 ? Regex.Split(line.Trim(), " {2,}") : line.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
            .ToArray();
        return (rows, lines[notesStart..], checkedNetwork.Chain);
    }
}
