namespace LeNet.Generator.Tests.Infrastructure;

/// <summary>Declarations shared by several test classes.</summary>
internal static class Networks
{
    /// <summary>LeNet-5 on 32x32 inputs with the given number of channels, as the sample declares it.</summary>
    public static string LeNet5(int channels = 1, string typeName = "LeNet5", string ns = "Demo") => $$"""
        using LeNet;

        namespace {{ns}};

        /// <summary>LeNet-5 on {{channels}}-channel 32x32 images.</summary>
        [Network]
        [Input(height: 32, width: 32, channels: {{channels}})]
        [Conv(filters: 6, kernel: 5, stride: 1, padding: 0, Activation = Activation.ReLU)]
        [MaxPool(size: 2, stride: 2)]
        [Conv(filters: 16, kernel: 5, Activation = Activation.ReLU)]
        [MaxPool(size: 2, stride: 2)]
        [Dense(120, Activation = Activation.ReLU)]
        [Dense(84, Activation = Activation.ReLU)]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class {{typeName}} { }

        """;

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
}
