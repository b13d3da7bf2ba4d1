using System;
using System.IO;

namespace LeNet.Onnx;

/// <summary>
/// Assembles an ONNX ModelProto (onnx.proto, IR version 7, default-domain opset 13) from nodes, float initializers and
/// typed graph inputs and outputs, written with <see cref="ProtoWriter"/>. Field numbers are those of onnx.proto.
/// </summary>
internal sealed class OnnxModelBuilder
{
    public const long IrVersion = 7;
    public const long Opset = 13;

    /// <summary>TensorProto.DataType FLOAT.</summary>
    public const int FloatType = 1;

    private readonly ProtoWriter _graph = new();
    private readonly string _producerVersion;

    public OnnxModelBuilder(string graphName, string producerVersion)
    {
        _producerVersion = producerVersion;
        _graph.String(2, graphName);
    }

    public void AddNode(string opType, string name, string[] inputs, string[] outputs, params OnnxAttribute[] attributes)
    {
        var node = new ProtoWriter();
        foreach (string input in inputs)
        {
            node.String(1, input);
        }

        foreach (string output in outputs)
        {
            node.String(2, output);
        }

        node.String(3, name);
        node.String(4, opType);
        foreach (OnnxAttribute attribute in attributes)
        {
            var proto = new ProtoWriter();
            proto.String(1, attribute.Name);
            switch (attribute.Type)
            {
                case OnnxAttributeType.Float:
                    proto.Float(2, attribute.Float);
                    break;
                case OnnxAttributeType.Int:
                    proto.Varint(3, attribute.Int);
                    break;
                case OnnxAttributeType.Ints:
                    proto.PackedVarints(8, attribute.Ints);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(attributes), attribute.Type, "Unsupported ONNX attribute type.");
            }

            proto.Varint(20, (long)attribute.Type);
            node.Message(5, proto);
        }

        _graph.Message(1, node);
    }

    /// <summary>A float tensor stored in raw_data, little-endian.</summary>
    public void AddInitializer(string name, ReadOnlySpan<long> dims, ReadOnlySpan<float> values)
    {
        long count = 1;
        foreach (long dim in dims)
        {
            count *= dim;
        }

        if (count != values.Length)
        {
            throw new ArgumentException($"Initializer '{name}' has {values.Length} values; its dims need {count}.", nameof(values));
        }

        var tensor = new ProtoWriter();
        tensor.PackedVarints(1, dims);
        tensor.Varint(2, FloatType);
        tensor.String(8, name);
        tensor.LittleEndianFloats(9, values);
        _graph.Message(5, tensor);
    }

    /// <summary>A float graph input; a negative dim is the symbolic batch size "N".</summary>
    public void AddInput(string name, params long[] dims) => _graph.Message(11, ValueInfo(name, dims));

    /// <summary>A float graph output; a negative dim is the symbolic batch size "N".</summary>
    public void AddOutput(string name, params long[] dims) => _graph.Message(12, ValueInfo(name, dims));

    public void WriteTo(Stream destination)
    {
        var model = new ProtoWriter();
        model.Varint(1, IrVersion);
        model.String(2, "LeNetGen");
        model.String(3, _producerVersion);
        model.Message(7, _graph);
        var opset = new ProtoWriter();
        opset.String(1, "");
        opset.Varint(2, Opset);
        model.Message(8, opset);
        destination.Write(model.WrittenSpan);
    }

    private static ProtoWriter ValueInfo(string name, long[] dims)
    {
        var shape = new ProtoWriter();
        foreach (long dim in dims)
        {
            var dimension = new ProtoWriter();
            if (dim < 0)
            {
                dimension.String(2, "N");
            }
            else
            {
                dimension.Varint(1, dim);
            }

            shape.Message(1, dimension);
        }

        var tensorType = new ProtoWriter();
        tensorType.Varint(1, FloatType);
        tensorType.Message(2, shape);
        var type = new ProtoWriter();
        type.Message(1, tensorType);
        var valueInfo = new ProtoWriter();
        valueInfo.String(1, name);
        valueInfo.Message(2, type);
        return valueInfo;
    }
}
