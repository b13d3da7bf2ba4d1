using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace LeNet.Onnx;

/// <summary>
/// Loads the weights and biases of an ONNX model into a generated network of the same architecture: the usual output of
/// <c>torch.onnx.export</c> for a PyTorch model of that shape, or a file written by <see cref="OnnxExporter"/>.
/// </summary>
/// <remarks>
/// The graph's Conv, Gemm and BatchNormalization nodes, in graph order, pair one to one with the network's convolution,
/// dense and batch normalisation layers (a BatchNormalization node's scale, B, mean and var load γ, β and the running
/// statistics, and its epsilon must be the declared one).
/// Each node's weight (input 1) and bias (input 2) must be float initializers in PyTorch's layouts: a convolution's
/// weight (out, in, kh, kw), a dense weight (out, in) read by a Gemm with transB = 1, biases (out). A node without a
/// bias loads zeros. Every shape is checked against the declared layer, and so are the Conv nodes' strides, pads,
/// dilations and groups; initializer names are not used. Pooling and activation nodes are not compared.
/// </remarks>
public static class OnnxImporter
{
    /// <summary>
    /// Room for everything in a model but its weights (graph, names, attributes, metadata). An export of a network holds
    /// its parameters as 4-byte floats plus a few kilobytes of graph; <see cref="MaxModelBytes"/> allows this much more.
    /// </summary>
    public const int GraphAllowanceBytes = 16 << 20;

    /// <summary>
    /// The largest model <see cref="LoadWeights{TNet}(TNet, Stream)"/> reads for <typeparamref name="TNet"/>: 4 bytes per
    /// parameter plus <see cref="GraphAllowanceBytes"/>. A longer stream is refused before more than that is read.
    /// </summary>
    public static long MaxModelBytes<TNet>()
        where TNet : INetwork<TNet> => (4L * TNet.ParameterCount) + GraphAllowanceBytes;

    /// <summary>
    /// Reads an ONNX model from <paramref name="source"/> and replaces <paramref name="network"/>'s parameters with its
    /// initializers. The whole model is checked before anything is written: on any error the network is unchanged.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> or <paramref name="source"/> is null.</exception>
    /// <exception cref="InvalidDataException">
    /// The data is not an ONNX model, is longer than <see cref="MaxModelBytes{TNet}"/>, holds a NaN or infinite weight,
    /// or its graph does not fit the network; the message names the layer and both shapes.
    /// </exception>
    public static void LoadWeights<TNet>(TNet network, Stream source)
        where TNet : INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(source);

        long limit = MaxModelBytes<TNet>();
        if (source.CanSeek && source.Length - source.Position > limit)
        {
            throw new InvalidDataException(
                $"The ONNX model is {source.Length - source.Position:N0} bytes; a model of {typeof(TNet).Name} ({TNet.ParameterCount:N0} parameters) is at most {limit:N0}.");
        }

        using var bytes = new MemoryStream();
        byte[] chunk = new byte[1 << 16];
        int read;
        while ((read = source.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (bytes.Length + read > limit)
            {
                throw new InvalidDataException(
                    $"The ONNX model is longer than {limit:N0} bytes, the most a model of {typeof(TNet).Name} ({TNet.ParameterCount:N0} parameters) can be.");
            }

            bytes.Write(chunk, 0, read);
        }

        OnnxGraph graph = OnnxGraph.Parse(bytes.GetBuffer().AsSpan(0, (int)bytes.Length));

        var layers = new List<LayerInfo>();
        foreach (LayerInfo layer in TNet.Layers)
        {
            if (layer.Kind is LayerType.Conv or LayerType.Dense or LayerType.BatchNorm)
            {
                layers.Add(layer);
            }
        }

        List<(OnnxNode Node, int Index)> nodes = graph.Nodes
            .Select((node, index) => (node, index))
            .Where(n => n.node.OpType is "Conv" or "Gemm" or "BatchNormalization")
            .ToList();
        if (nodes.Count != layers.Count)
        {
            throw new InvalidDataException(
                $"{typeof(TNet).Name} has {layers.Count} layers with weights ({string.Join(", ", layers.Select(l => $"{l.Name} {l.Kind}"))}); " +
                $"the ONNX graph has {nodes.Count} {(layers.Any(l => l.Kind == LayerType.BatchNorm) || nodes.Any(n => n.Node.OpType == "BatchNormalization") ? "Conv, Gemm or BatchNormalization" : "Conv or Gemm")} nodes ({string.Join(", ", nodes.Select(n => $"{n.Node.Label(n.Index)} {n.Node.OpType}"))}).");
        }

        float[] loaded = new float[TNet.ParameterCount];
        for (int i = 0; i < layers.Count; i++)
        {
            Load(graph, layers[i], nodes[i].Node, nodes[i].Index, loaded);
        }

        loaded.CopyTo(network.Parameters);
    }

    private static void Load(OnnxGraph graph, LayerInfo layer, OnnxNode node, int index, float[] loaded)
    {
        string nodeLabel = $"ONNX {node.OpType} node {node.Label(index)}";
        if (layer.Kind == LayerType.BatchNorm)
        {
            LoadBatchNorm(graph, layer, node, nodeLabel, loaded);
            return;
        }

        if (node.OpType == "BatchNormalization")
        {
            throw new InvalidDataException($"{layer.Name}: a {(layer.Kind == LayerType.Conv ? "convolution" : "dense layer")} cannot pair with the {nodeLabel}.");
        }

        long[] weightShape;
        if (layer.Kind == LayerType.Conv)
        {
            if (node.OpType != "Conv")
            {
                throw new InvalidDataException($"{layer.Name}: a convolution pairs with a Conv node; found the {nodeLabel}.");
            }

            CheckConvAttributes(layer, node, nodeLabel);
            weightShape = [layer.Output.Channels, layer.Input.Channels, layer.Kernel, layer.Kernel];
        }
        else
        {
            if (node.OpType != "Gemm")
            {
                throw new InvalidDataException($"{layer.Name}: a dense layer pairs with a Gemm node; found the {nodeLabel}.");
            }

            if (node.Int("transA", 0) != 0 || node.Int("transB", 0) != 1 || node.Float("alpha", 1f) != 1f || node.Float("beta", 1f) != 1f)
            {
                throw new InvalidDataException(
                    $"{layer.Name}: the {nodeLabel} has transA {node.Int("transA", 0)}, transB {node.Int("transB", 0)}, alpha {node.Float("alpha", 1f)}, beta {node.Float("beta", 1f)}; " +
                    "a dense layer with PyTorch's (out, in) weight is a Gemm with transA 0, transB 1, alpha 1, beta 1.");
            }

            weightShape = [layer.Output.Channels, layer.Input.Length];
        }

        if (node.Inputs.Count < 2 || node.Inputs[1].Length == 0)
        {
            throw new InvalidDataException($"{layer.Name}: the {nodeLabel} has no weight input.");
        }

        Copy(graph, layer, nodeLabel, node.Inputs[1], "weight", weightShape, loaded.AsSpan(layer.WeightOffset, layer.WeightLength));
        Span<float> bias = loaded.AsSpan(layer.BiasOffset, layer.BiasLength);
        if (node.Inputs.Count > 2 && node.Inputs[2].Length > 0)
        {
            Copy(graph, layer, nodeLabel, node.Inputs[2], "bias", [layer.BiasLength], bias);
        }
        else
        {
            bias.Clear();
        }
    }

    /// <summary>A BatchNormalization node's scale (γ), B (β), mean and var, each (C), and its ε, which must be the declared one.</summary>
    private static void LoadBatchNorm(OnnxGraph graph, LayerInfo layer, OnnxNode node, string nodeLabel, float[] loaded)
    {
        if (node.OpType != "BatchNormalization")
        {
            throw new InvalidDataException($"{layer.Name}: a batch normalisation pairs with a BatchNormalization node; found the {nodeLabel}.");
        }

        float epsilon = node.Float("epsilon", 1e-5f);
        if (epsilon != layer.Epsilon)
        {
            throw new InvalidDataException($"{layer.Name}: the {nodeLabel} has epsilon {epsilon}; {layer.Name} declares epsilon {layer.Epsilon}.");
        }

        if (node.Inputs.Count < 5)
        {
            throw new InvalidDataException($"{layer.Name}: the {nodeLabel} has {node.Inputs.Count} inputs; expected X, scale, B, mean and var.");
        }

        int channels = layer.Output.Channels;
        Copy(graph, layer, nodeLabel, node.Inputs[1], "scale", [channels], loaded.AsSpan(layer.WeightOffset, channels));
        Copy(graph, layer, nodeLabel, node.Inputs[2], "bias", [channels], loaded.AsSpan(layer.BiasOffset, channels));
        Copy(graph, layer, nodeLabel, node.Inputs[3], "running mean", [channels], loaded.AsSpan(layer.StatisticsOffset, channels));
        Copy(graph, layer, nodeLabel, node.Inputs[4], "running variance", [channels], loaded.AsSpan(layer.StatisticsOffset + channels, channels));
    }

    private static void CheckConvAttributes(LayerInfo layer, OnnxNode node, string nodeLabel)
    {
        Check("kernel_shape", node.Ints("kernel_shape") ?? [layer.Kernel, layer.Kernel], [layer.Kernel, layer.Kernel], $"kernel {layer.Kernel}");
        Check("strides", node.Ints("strides") ?? [1, 1], [layer.Stride, layer.Stride], $"stride {layer.Stride}");
        Check("pads", node.Ints("pads") ?? [0, 0, 0, 0], [layer.Padding, layer.Padding, layer.Padding, layer.Padding], $"padding {layer.Padding}");
        Check("dilations", node.Ints("dilations") ?? [1, 1], [1, 1], "no dilation");
        Check("group", [node.Int("group", 1)], [1], "one group");
        if (node.Attributes.TryGetValue("auto_pad", out _))
        {
            throw new InvalidDataException($"{layer.Name}: the {nodeLabel} sets auto_pad; only explicit pads can be compared with the declared padding.");
        }

        void Check(string attribute, long[] found, long[] declared, string declaration)
        {
            if (!found.AsSpan().SequenceEqual(declared))
            {
                throw new InvalidDataException(
                    $"{layer.Name}: the {nodeLabel} has {attribute} {Shape(found)}; {layer.Name} declares {declaration} ({attribute} {Shape(declared)}).");
            }
        }
    }

    private static void Copy(OnnxGraph graph, LayerInfo layer, string nodeLabel, string tensorName, string role, long[] declared, Span<float> destination)
    {
        if (!graph.Initializers.TryGetValue(tensorName, out OnnxTensor? tensor))
        {
            throw new InvalidDataException(
                $"{layer.Name}: the {role} '{tensorName}' of the {nodeLabel} is not an initializer of the graph; only initializers can be loaded.");
        }

        if (!tensor.Dims.AsSpan().SequenceEqual(declared))
        {
            throw new InvalidDataException(
                $"{layer.Name}: the {role} '{tensorName}' has shape {Shape(tensor.Dims)}; {layer.Name} declares {Shape(declared)}" +
                (layer.Kind == LayerType.Conv && role == "weight" ? " (out, in, kh, kw)." : role == "weight" ? " (out, in)." : "."));
        }

        if (tensor.External)
        {
            throw new InvalidDataException($"{layer.Name}: the {role} '{tensorName}' is stored in an external data file; save the model with its data inside.");
        }

        if (tensor.Values is null)
        {
            throw new InvalidDataException($"{layer.Name}: the {role} '{tensorName}' holds ONNX data type {tensor.DataType}; only float (1) can be loaded.");
        }

        if (tensor.Values.Length != destination.Length)
        {
            throw new InvalidDataException(
                $"{layer.Name}: the {role} '{tensorName}' of shape {Shape(tensor.Dims)} holds {tensor.Values.Length} values instead of {destination.Length}.");
        }

        int bad = FirstNonFinite(tensor.Values);
        if (bad >= 0)
        {
            throw new InvalidDataException(
                $"{layer.Name}: the {role} '{tensorName}' holds {tensor.Values[bad]} at index {bad}; weights must be finite.");
        }

        tensor.Values.CopyTo(destination);
    }

    private static int FirstNonFinite(float[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Shape(long[] dims) => "[" + string.Join(",", dims) + "]";
}
