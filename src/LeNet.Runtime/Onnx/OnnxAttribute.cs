using System;

namespace LeNet.Onnx;

/// <summary>An ONNX node attribute: one int, a list of ints, or one float.</summary>
internal readonly record struct OnnxAttribute(string Name, OnnxAttributeType Type, long Int, long[] Ints, float Float)
{
    public static OnnxAttribute Of(string name, long value) => new(name, OnnxAttributeType.Int, value, [], 0);

    public static OnnxAttribute Of(string name, params long[] values) => new(name, OnnxAttributeType.Ints, 0, values, 0);

    public static OnnxAttribute Of(string name, float value) => new(name, OnnxAttributeType.Float, 0, [], value);
}

/// <summary>AttributeProto.AttributeType values (onnx.proto) of the attributes this project reads and writes.</summary>
internal enum OnnxAttributeType
{
    Float = 1,
    Int = 2,
    Ints = 7,
}
