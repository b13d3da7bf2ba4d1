using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LeNet.Generator.Tests.Infrastructure;

/// <summary>Declarations shared by several test classes.</summary>
internal static class Networks
{
    /// <summary>src/LeNet.Sample/Networks.cs, embedded in this assembly: the declarations the product ships.</summary>
    private static readonly Lazy<CompilationUnitSyntax> Sample = new(() =>
    {
        using Stream stream = typeof(Networks).Assembly.GetManifestResourceStream("SampleNetworks.cs")
            ?? throw new InvalidOperationException("Expected the embedded resource SampleNetworks.cs (src/LeNet.Sample/Networks.cs), found none.");
        using var reader = new StreamReader(stream);
        return CSharpSyntaxTree.ParseText(reader.ReadToEnd()).GetCompilationUnitRoot();
    });

    /// <summary>The weights file the sample's LeNet5 bakes in, copied beside the tests: pass it as an AdditionalFiles item.</summary>
    public static string SampleWeightsPath => Path.Combine(AppContext.BaseDirectory, "lenet5-mnist.weights");

    /// <summary>
    /// The sample's LeNet-5 declaration (its <c>LeNet5</c> for one channel, <c>LeNet5Rgb</c> for three), taken from
    /// src/LeNet.Sample/Networks.cs, renamed to <paramref name="typeName"/> in namespace <paramref name="ns"/>. The
    /// one-channel network's <c>Weights</c> argument is dropped unless <paramref name="keepWeights"/>: most tests
    /// compile the architecture alone, and those that keep it pass <see cref="SampleWeightsPath"/>.
    /// </summary>
    public static string LeNet5(int channels = 1, string typeName = "LeNet5", string ns = "Demo", bool keepWeights = false)
    {
        string sampleName = channels switch
        {
            1 => "LeNet5",
            3 => "LeNet5Rgb",
            _ => throw new ArgumentOutOfRangeException(nameof(channels), channels, "The sample declares LeNet-5 for 1 and 3 channels."),
        };
        ClassDeclarationSyntax declaration = Sample.Value.DescendantNodes().OfType<ClassDeclarationSyntax>()
            .SingleOrDefault(c => c.Identifier.Text == sampleName)
            ?? throw new InvalidOperationException($"Expected src/LeNet.Sample/Networks.cs to declare {sampleName}, found {string.Join(", ", Sample.Value.DescendantNodes().OfType<ClassDeclarationSyntax>().Select(c => c.Identifier.Text))}.");
        AttributeSyntax network = declaration.AttributeLists.SelectMany(list => list.Attributes).First(a => a.Name.ToString() == "Network");
        ClassDeclarationSyntax renamed = (keepWeights ? declaration : declaration.ReplaceNode(network, network.WithArgumentList(null)))
            .WithIdentifier(SyntaxFactory.Identifier(declaration.Identifier.LeadingTrivia, typeName, declaration.Identifier.TrailingTrivia));
        return $"using LeNet;\n\nnamespace {ns};\n\n{renamed.ToFullString().Trim()}\n";
    }

    /// <summary>Padding, stride 2, average pooling, tanh and a sigmoid output: the emitter paths LeNet-5 does not take.</summary>
    public const string PaddedStridedAvgPool = """
        using LeNet;

        namespace Demo;

        /// <summary>A small network with a padded, strided convolution and average pooling.</summary>
        [Network(Unroll = KernelUnroll.Row)]
        [Input(height: 15, width: 15, channels: 2)]
        [Conv(filters: 4, kernel: 3, stride: 2, padding: 1, Activation = Activation.Tanh)]
        [AvgPool(size: 2)]
        [Conv(filters: 8, kernel: 3, padding: 1, Activation = Activation.ReLU)]
        [AvgPool(size: 3, stride: 1)]
        [Dense(1, Activation = Activation.Sigmoid)]
        public partial class PaddedStrided { }

        """;

    /// <summary>
    /// Batch norms after a convolution folded with its max pool (16 channels, vectorised), after a padded convolution
    /// folded without one, and after a dense layer (not folded).
    /// </summary>
    public const string BatchNorm = """
        using LeNet;

        namespace Demo;

        /// <summary>Batch normalisation after convolutions and a dense layer.</summary>
        [Network]
        [Input(height: 28, width: 28)]
        [Conv(filters: 16, kernel: 5)]
        [BatchNorm(Activation = Activation.ReLU)]
        [MaxPool(size: 2)]
        [Conv(filters: 8, kernel: 3, padding: Padding.Same)]
        [BatchNorm(epsilon: 1e-3, Activation = Activation.Tanh)]
        [Dense(16)]
        [BatchNorm(Activation = Activation.ReLU)]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class BatchNormNet { }

        """;
}
