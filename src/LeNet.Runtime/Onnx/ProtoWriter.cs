using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace LeNet.Onnx;

/// <summary>
/// Writes the protobuf wire format: the few field kinds an ONNX model needs (varints, 32-bit floats, length-delimited
/// bytes, strings and embedded messages). A nested message is written into its own writer and embedded whole, which
/// costs a copy per level but keeps every length exact without a sizing pass.
/// </summary>
internal sealed class ProtoWriter
{
    private const int WireVarint = 0, WireLengthDelimited = 2, WireFixed32 = 5;

    private readonly ArrayBufferWriter<byte> _buffer = new();

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public void Varint(int field, long value)
    {
        Tag(field, WireVarint);
        RawVarint(unchecked((ulong)value));
    }

    public void Float(int field, float value)
    {
        Tag(field, WireFixed32);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, WireLengthDelimited);
        RawVarint((ulong)value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public void Message(int field, ProtoWriter message) => Bytes(field, message.WrittenSpan);

    /// <summary>A packed repeated int64 field.</summary>
    public void PackedVarints(int field, ReadOnlySpan<long> values)
    {
        var packed = new ProtoWriter();
        foreach (long value in values)
        {
            packed.RawVarint(unchecked((ulong)value));
        }

        Bytes(field, packed.WrittenSpan);
    }

    /// <summary>Floats as little-endian bytes, the layout of a TensorProto's raw_data.</summary>
    public void LittleEndianFloats(int field, ReadOnlySpan<float> values)
    {
        byte[] bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        Bytes(field, bytes);
    }

    private void Tag(int field, int wireType) => RawVarint(((ulong)field << 3) | (uint)wireType);

    private void RawVarint(ulong value)
    {
        Span<byte> span = _buffer.GetSpan(10);
        int length = 0;
        while (value >= 0x80)
        {
            span[length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[length++] = (byte)value;
        _buffer.Advance(length);
    }
}
