using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;

namespace LeNet.Onnx;

/// <summary>
/// Writes a generated network as an ONNX model (IR version 7, opset 13) that any ONNX runtime can execute. The graph
/// has one input <c>input</c> of shape (N, C, H, W) and one output <c>output</c> of shape (N, <c>OutputLength</c>), N
/// being a symbolic batch size; per image it computes what <c>Forward</c> computes. Layers become Conv, MaxPool,
/// AveragePool, Gemm (transB = 1) and BatchNormalization nodes (by the running statistics, as PyTorch's eval-mode export),
/// a Flatten goes before the first dense layer (and at the end when the last layer is spatial), and each activation is
/// its own node (Relu, Tanh, Sigmoid, Softmax on axis 1).
/// Weights and biases are float initializers named like PyTorch's (<c>conv1.weight</c>, <c>conv1.bias</c>, ... from
/// the layer names), in PyTorch's layouts, in layer order, so <see cref="OnnxImporter"/> reads them back.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The graph input's name.</summary>
    public const string InputName = "input";

    /// <summary>The graph output's name.</summary>
    public const string OutputName = "output";

    /// <summary>Writes <paramref name="network"/>, with its current parameters, to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="destination"/> is null.</exception>
    public static void Export<TNet>(TNet network, Stream destination)
        where TNet : INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(destination);

        string version = typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
        var model = new OnnxModelBuilder(typeof(TNet).Name, version);
        ReadOnlySpan<LayerInfo> layers = TNet.Layers;
        ReadOnlySpan<float> parameters = network.Parameters;

        ActivationShape input = layers[0].Input;
        model.AddInput(InputName, -1, input.Channels, input.Height, input.Width);

        string current = InputName;
        bool flat = false;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (LayerInfo layer in layers)
        {
            // Lecture names can repeat (two pools after one convolution are both POOL2); ONNX names must not.
            string name = layer.Name.ToLowerInvariant();
            for (char suffix = 'b'; !names.Add(name); suffix++)
            {
                name = layer.Name.ToLowerInvariant() + suffix;
            }

            string nodeName = name.ToUpperInvariant();
            switch (layer.Kind)
            {
                case LayerType.Conv:
                    model.AddInitializer(name + ".weight",
                        [layer.Output.Channels, layer.Input.Channels, layer.Kernel, layer.Kernel],
                        parameters.Slice(layer.WeightOffset, layer.WeightLength));
                    model.AddInitializer(name + ".bias", [layer.BiasLength], parameters.Slice(layer.BiasOffset, layer.BiasLength));
                    model.AddNode("Conv", nodeName, [current, name + ".weight", name + ".bias"], [name],
                        OnnxAttribute.Of("kernel_shape", layer.Kernel, layer.Kernel),
                        OnnxAttribute.Of("strides", layer.Stride, layer.Stride),
                        OnnxAttribute.Of("pads", layer.Padding, layer.Padding, layer.Padding, layer.Padding));
                    break;
                case LayerType.MaxPool:
                case LayerType.AvgPool:
                    model.AddNode(layer.Kind == LayerType.MaxPool ? "MaxPool" : "AveragePool", nodeName, [current], [name],
                        OnnxAttribute.Of("kernel_shape", layer.Kernel, layer.Kernel),
                        OnnxAttribute.Of("strides", layer.Stride, layer.Stride));
                    break;
                case LayerType.Dense:
                    if (!flat)
                    {
                        model.AddNode("Flatten", nodeName + ".flatten", [current], [name + ".flatten"], OnnxAttribute.Of("axis", 1L));
                        current = name + ".flatten";
                        flat = true;
                    }

                    model.AddInitializer(name + ".weight", [layer.Output.Channels, layer.Input.Length],
                        parameters.Slice(layer.WeightOffset, layer.WeightLength));
                    model.AddInitializer(name + ".bias", [layer.BiasLength], parameters.Slice(layer.BiasOffset, layer.BiasLength));
                    model.AddNode("Gemm", nodeName, [current, name + ".weight", name + ".bias"], [name], OnnxAttribute.Of("transB", 1L));
                    break;
                case LayerType.BatchNorm:
                {
                    // PyTorch's names and order: weight (γ), bias (β), running_mean, running_var; opset 13's inference form.
                    int channels = layer.Output.Channels;
                    model.AddInitializer(name + ".weight", [channels], parameters.Slice(layer.WeightOffset, layer.WeightLength));
                    model.AddInitializer(name + ".bias", [channels], parameters.Slice(layer.BiasOffset, layer.BiasLength));
                    model.AddInitializer(name + ".running_mean", [channels], parameters.Slice(layer.StatisticsOffset, channels));
                    model.AddInitializer(name + ".running_var", [channels], parameters.Slice(layer.StatisticsOffset + channels, channels));
                    model.AddNode("BatchNormalization", nodeName,
                        [current, name + ".weight", name + ".bias", name + ".running_mean", name + ".running_var"], [name],
                        OnnxAttribute.Of("epsilon", layer.Epsilon), OnnxAttribute.Of("momentum", 1f - layer.Momentum));
                    break;
                }

                case LayerType.Dropout:
                    // Dropout is off at inference, which is all an exported graph does (PyTorch's eval-mode export drops it too).
                    model.AddNode("Identity", nodeName, [current], [name]);
                    break;
                default:
                    throw new NotSupportedException($"{layer.Name}: layer kind {layer.Kind} has no ONNX export.");
            }

            current = name;
            string? activation = layer.Activation switch
            {
                Activation.None => null,
                Activation.ReLU => "Relu",
                Activation.Tanh => "Tanh",
                Activation.Sigmoid => "Sigmoid",
                Activation.Softmax => "Softmax",
                _ => throw new NotSupportedException($"{layer.Name}: activation {layer.Activation} has no ONNX export."),
            };
            if (activation is not null)
            {
                string output = name + "." + activation.ToLowerInvariant();
                if (layer.Activation == Activation.Softmax)
                {
                    model.AddNode(activation, nodeName + "." + activation, [current], [output], OnnxAttribute.Of("axis", 1L));
                }
                else
                {
                    model.AddNode(activation, nodeName + "." + activation, [current], [output]);
                }

                current = output;
            }
        }

        // Forward's output is flat: flatten a spatial last layer, and give the output its fixed name.
        model.AddNode(flat ? "Identity" : "Flatten", "output", [current], [OutputName], flat ? [] : [OnnxAttribute.Of("axis", 1L)]);
        model.AddOutput(OutputName, -1, TNet.OutputLength);
        model.WriteTo(destination);
    }
}
