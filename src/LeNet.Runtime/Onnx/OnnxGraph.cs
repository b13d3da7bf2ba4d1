using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace LeNet.Onnx;

/// <summary>A node of a parsed ONNX graph: its operator, name, inputs and attributes.</summary>
internal sealed record OnnxNode(string OpType, string Name, IReadOnlyList<string> Inputs, IReadOnlyDictionary<string, OnnxAttribute> Attributes)
{
    /// <summary>The node's name, or its operator and position when it has none, for messages.</summary>
    public string Label(int index) => Name.Length > 0 ? $"'{Name}'" : $"#{index} ({OpType})";

    public long Int(string name, long fallback) => Attributes.TryGetValue(name, out OnnxAttribute a) ? a.Int : fallback;

    public float Float(string name, float fallback) => Attributes.TryGetValue(name, out OnnxAttribute a) ? a.Float : fallback;

    public long[]? Ints(string name) => Attributes.TryGetValue(name, out OnnxAttribute a) ? a.Ints : null;
}

/// <summary>An initializer of a parsed ONNX graph. <see cref="Values"/> is set for float tensors stored in the file.</summary>
internal sealed record OnnxTensor(string Name, long[] Dims, int DataType, bool External, float[]? Values);

/// <summary>
/// The parts of an ONNX ModelProto that weight import reads: the graph's nodes in order and its initializers by name.
/// Everything else (value infos, metadata, other opsets) is skipped.
/// </summary>
internal sealed class OnnxGraph
{
    private OnnxGraph(List<OnnxNode> nodes, Dictionary<string, OnnxTensor> initializers)
    {
        Nodes = nodes;
        Initializers = initializers;
    }

    public IReadOnlyList<OnnxNode> Nodes { get; }

    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }

    /// <exception cref="InvalidDataException">The bytes are not a ModelProto with a graph.</exception>
    public static OnnxGraph Parse(ReadOnlySpan<byte> model)
    {
        var reader = new ProtoReader(model, "ModelProto");
        var nodes = new List<OnnxNode>();
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        bool hasGraph = false;
        while (reader.Next(out int field, out int wire))
        {
            if (field == 7 && wire == ProtoReader.WireLengthDelimited)
            {
                hasGraph = true;
                ReadGraph(reader.LengthDelimited(), nodes, initializers);
            }
            else
            {
                reader.Skip(wire);
            }
        }

        if (!hasGraph)
        {
            throw new InvalidDataException("The ONNX data has no graph (ModelProto field 7): it is not an ONNX model.");
        }

        return new OnnxGraph(nodes, initializers);
    }

    private static void ReadGraph(ReadOnlySpan<byte> graph, List<OnnxNode> nodes, Dictionary<string, OnnxTensor> initializers)
    {
        var reader = new ProtoReader(graph, "GraphProto");
        while (reader.Next(out int field, out int wire))
        {
            if (field == 1 && wire == ProtoReader.WireLengthDelimited)
            {
                nodes.Add(ReadNode(reader.LengthDelimited()));
            }
            else if (field == 5 && wire == ProtoReader.WireLengthDelimited)
            {
                OnnxTensor tensor = ReadTensor(reader.LengthDelimited());
                if (!initializers.TryAdd(tensor.Name, tensor))
                {
                    throw new InvalidDataException($"The ONNX graph has two initializers named '{tensor.Name}'.");
                }
            }
            else
            {
                reader.Skip(wire);
            }
        }
    }

    private static OnnxNode ReadNode(ReadOnlySpan<byte> node)
    {
        var reader = new ProtoReader(node, "NodeProto");
        var inputs = new List<string>();
        var attributes = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
        string name = "", opType = "";
        while (reader.Next(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, ProtoReader.WireLengthDelimited):
                    inputs.Add(reader.String());
                    break;
                case (3, ProtoReader.WireLengthDelimited):
                    name = reader.String();
                    break;
                case (4, ProtoReader.WireLengthDelimited):
                    opType = reader.String();
                    break;
                case (5, ProtoReader.WireLengthDelimited):
                    OnnxAttribute attribute = ReadAttribute(reader.LengthDelimited());
                    attributes[attribute.Name] = attribute;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new OnnxNode(opType, name, inputs, attributes);
    }

    private static OnnxAttribute ReadAttribute(ReadOnlySpan<byte> attribute)
    {
        var reader = new ProtoReader(attribute, "AttributeProto");
        string name = "";
        long value = 0;
        float number = 0;
        var values = new List<long>();
        var type = (OnnxAttributeType)0;
        while (reader.Next(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, ProtoReader.WireLengthDelimited):
                    name = reader.String();
                    break;
                case (2, ProtoReader.WireFixed32):
                    number = reader.Fixed32Float();
                    break;
                case (3, ProtoReader.WireVarint):
                    value = reader.Int64();
                    break;
                case (8, _):
                    ReadInt64s(ref reader, wire, values);
                    break;
                case (20, ProtoReader.WireVarint):
                    type = (OnnxAttributeType)reader.Int64();
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return new OnnxAttribute(name, type, value, values.ToArray(), number);
    }

    private static OnnxTensor ReadTensor(ReadOnlySpan<byte> tensor)
    {
        var reader = new ProtoReader(tensor, "TensorProto");
        var dims = new List<long>();
        var floats = new List<float>();
        ReadOnlySpan<byte> raw = default;
        bool hasRaw = false, external = false;
        int dataType = 0;
        string name = "";
        while (reader.Next(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, _):
                    ReadInt64s(ref reader, wire, dims);
                    break;
                case (2, ProtoReader.WireVarint):
                    dataType = (int)reader.Int64();
                    break;
                case (4, ProtoReader.WireFixed32):
                    floats.Add(reader.Fixed32Float());
                    break;
                case (4, ProtoReader.WireLengthDelimited):
                    ReadOnlySpan<byte> packed = reader.LengthDelimited();
                    if (packed.Length % sizeof(float) != 0)
                    {
                        throw reader.Malformed($"packed float_data of {packed.Length} bytes, not a multiple of 4");
                    }

                    for (int i = 0; i < packed.Length; i += sizeof(float))
                    {
                        floats.Add(BinaryPrimitives.ReadSingleLittleEndian(packed.Slice(i)));
                    }

                    break;
                case (8, ProtoReader.WireLengthDelimited):
                    name = reader.String();
                    break;
                case (9, ProtoReader.WireLengthDelimited):
                    raw = reader.LengthDelimited();
                    hasRaw = true;
                    break;
                case (14, ProtoReader.WireVarint):
                    external = reader.Int64() == 1;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        float[]? values = null;
        if (dataType == OnnxModelBuilder.FloatType && !external)
        {
            if (hasRaw)
            {
                if (raw.Length % sizeof(float) != 0)
                {
                    throw new InvalidDataException($"ONNX initializer '{name}' has {raw.Length} bytes of raw data, not a whole number of floats.");
                }

                values = new float[raw.Length / sizeof(float)];
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * sizeof(float)));
                }
            }
            else
            {
                values = floats.ToArray();
            }
        }

        return new OnnxTensor(name, dims.ToArray(), dataType, external, values);
    }

    /// <summary>A repeated int64 field, packed (one length-delimited run) or not (one varint per occurrence).</summary>
    private static void ReadInt64s(ref ProtoReader reader, int wire, List<long> values)
    {
        if (wire == ProtoReader.WireVarint)
        {
            values.Add(reader.Int64());
            return;
        }

        if (wire != ProtoReader.WireLengthDelimited)
        {
            throw reader.Malformed($"a repeated int64 field with wire type {wire}");
        }

        var packed = new ProtoReader(reader.LengthDelimited(), "packed int64 list");
        while (!packed.AtEnd)
        {
            values.Add(packed.Int64());
        }
    }
}
