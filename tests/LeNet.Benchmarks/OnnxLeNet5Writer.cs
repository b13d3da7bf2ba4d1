using System;
using System.Collections.Generic;
using System.Text;

namespace LeNet.Benchmarks;

/// <summary>
/// Writes LeNet-5 (ReLU, max pooling, softmax output) as an ONNX model with the generated network's weights, so ONNX
/// Runtime runs the same function on the same numbers. A stand-in until the ship branch's exporter is on main: it
/// knows this one architecture and hand-encodes the few protobuf messages ONNX needs (ModelProto, GraphProto,
/// NodeProto, AttributeProto, TensorProto, ValueInfoProto; field numbers from onnx.proto).
/// </summary>
internal static class OnnxLeNet5Writer
{
    private const int WireVarint = 0, WireLength = 2;

    /// <summary>The model bytes. <paramref name="parameters"/> is the flat PyTorch-order layout of the generated networks.</summary>
    public static byte[] Write(int channels, ReadOnlySpan<float> parameters)
    {
        int expected = NaiveLeNet5.ParameterCount(channels);
        if (parameters.Length != expected)
        {
            throw new ArgumentException($"Expected {expected} parameters for LeNet-5 with {channels} channel(s), got {parameters.Length}.", nameof(parameters));
        }

        var graph = new Message();
        int at = 0;
        void Initializer(string name, long[] dims, ReadOnlySpan<float> all)
        {
            long count = 1;
            foreach (long d in dims)
            {
                count *= d;
            }

            graph.Add(5, Tensor(name, dims, all.Slice(at, (int)count)));
            at += (int)count;
        }

        Initializer("conv1.weight", [6, channels, 5, 5], parameters);
        Initializer("conv1.bias", [6], parameters);
        Initializer("conv2.weight", [16, 6, 5, 5], parameters);
        Initializer("conv2.bias", [16], parameters);
        Initializer("fc3.weight", [120, 400], parameters);
        Initializer("fc3.bias", [120], parameters);
        Initializer("fc4.weight", [84, 120], parameters);
        Initializer("fc4.bias", [84], parameters);
        Initializer("fc5.weight", [10, 84], parameters);
        Initializer("fc5.bias", [10], parameters);

        graph.Add(1, Node("Conv", ["input", "conv1.weight", "conv1.bias"], "c1", Ints("kernel_shape", 5, 5)));
        graph.Add(1, Node("Relu", ["c1"], "r1"));
        graph.Add(1, Node("MaxPool", ["r1"], "p1", Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)));
        graph.Add(1, Node("Conv", ["p1", "conv2.weight", "conv2.bias"], "c2", Ints("kernel_shape", 5, 5)));
        graph.Add(1, Node("Relu", ["c2"], "r2"));
        graph.Add(1, Node("MaxPool", ["r2"], "p2", Ints("kernel_shape", 2, 2), Ints("strides", 2, 2)));
        graph.Add(1, Node("Flatten", ["p2"], "f", Int("axis", 1)));
        graph.Add(1, Node("Gemm", ["f", "fc3.weight", "fc3.bias"], "g3", Int("transB", 1)));
        graph.Add(1, Node("Relu", ["g3"], "r3"));
        graph.Add(1, Node("Gemm", ["r3", "fc4.weight", "fc4.bias"], "g4", Int("transB", 1)));
        graph.Add(1, Node("Relu", ["g4"], "r4"));
        graph.Add(1, Node("Gemm", ["r4", "fc5.weight", "fc5.bias"], "g5", Int("transB", 1)));
        graph.Add(1, Node("Softmax", ["g5"], "output", Int("axis", 1)));
        graph.Add(2, "lenet5");
        graph.Add(11, ValueInfo("input", ["N", channels, 32, 32]));
        graph.Add(12, ValueInfo("output", ["N", 10]));

        var opset = new Message();
        opset.Add(1, string.Empty);
        opset.Add(2, 17);
        var model = new Message();
        model.Add(1, 8); // ir_version 8 goes with opset 17.
        model.Add(2, "LeNet.Benchmarks");
        model.Add(7, graph);
        model.Add(8, opset);
        return model.ToArray();
    }

    private static Message Tensor(string name, long[] dims, ReadOnlySpan<float> values)
    {
        var tensor = new Message();
        foreach (long d in dims)
        {
            tensor.Add(1, d);
        }

        tensor.Add(2, 1); // FLOAT
        tensor.Add(8, name);
        var raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BitConverter.TryWriteBytes(raw.AsSpan(i * sizeof(float)), values[i]); // raw_data is little-endian
        }

        tensor.Add(9, raw);
        return tensor;
    }

    private static Message Node(string op, string[] inputs, string output, params Message[] attributes)
    {
        var node = new Message();
        foreach (string input in inputs)
        {
            node.Add(1, input);
        }

        node.Add(2, output);
        node.Add(3, output + "_" + op);
        node.Add(4, op);
        foreach (Message attribute in attributes)
        {
            node.Add(5, attribute);
        }

        return node;
    }

    private static Message Int(string name, long value)
    {
        var attribute = new Message();
        attribute.Add(1, name);
        attribute.Add(3, value);
        attribute.Add(20, 2); // INT
        return attribute;
    }

    private static Message Ints(string name, params long[] values)
    {
        var attribute = new Message();
        attribute.Add(1, name);
        foreach (long v in values)
        {
            attribute.Add(8, v);
        }

        attribute.Add(20, 7); // INTS
        return attribute;
    }

    /// <summary>A float tensor's ValueInfoProto; a string dimension is symbolic (the batch size).</summary>
    private static Message ValueInfo(string name, object[] dims)
    {
        var shape = new Message();
        foreach (object d in dims)
        {
            var dim = new Message();
            if (d is string symbol)
            {
                dim.Add(2, symbol);
            }
            else
            {
                dim.Add(1, Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture));
            }

            shape.Add(1, dim);
        }

        var tensorType = new Message();
        tensorType.Add(1, 1); // FLOAT
        tensorType.Add(2, shape);
        var type = new Message();
        type.Add(1, tensorType);
        var info = new Message();
        info.Add(1, name);
        info.Add(2, type);
        return info;
    }

    /// <summary>A protobuf message under construction: fields appended in order.</summary>
    private sealed class Message
    {
        private readonly List<byte> _bytes = [];

        public void Add(int field, long value)
        {
            Key(field, WireVarint);
            Varint((ulong)value);
        }

        public void Add(int field, string value) => Add(field, Encoding.UTF8.GetBytes(value));

        public void Add(int field, byte[] value)
        {
            Key(field, WireLength);
            Varint((ulong)value.Length);
            _bytes.AddRange(value);
        }

        public void Add(int field, Message value) => Add(field, value.ToArray());

        public byte[] ToArray() => _bytes.ToArray();

        private void Key(int field, int wire) => Varint((ulong)((field << 3) | wire));

        private void Varint(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.Add((byte)(value | 0x80));
                value >>= 7;
            }

            _bytes.Add((byte)value);
        }
    }
}
