using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace LeNet.Onnx;

/// <summary>
/// Reads the protobuf wire format field by field. Every length is checked against what is left, so a truncated or
/// corrupted file ends in an <see cref="InvalidDataException"/> naming what was being read, never in an overrun.
/// </summary>
internal ref struct ProtoReader
{
    public const int WireVarint = 0, WireFixed64 = 1, WireLengthDelimited = 2, WireFixed32 = 5;

    private readonly ReadOnlySpan<byte> _data;
    private readonly string _what;
    private int _position;

    /// <param name="data">The message's bytes.</param>
    /// <param name="what">The message being read, for error messages ("ModelProto", "TensorProto").</param>
    public ProtoReader(ReadOnlySpan<byte> data, string what)
    {
        _data = data;
        _what = what;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads the next field's tag; false at the end of the message.</summary>
    public bool Next(out int field, out int wireType)
    {
        if (AtEnd)
        {
            field = 0;
            wireType = 0;
            return false;
        }

        ulong tag = Varint();
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        if (field <= 0 || tag >> 3 > int.MaxValue)
        {
            throw Malformed($"field number {tag >> 3}");
        }

        return true;
    }

    public ulong Varint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw Malformed("a varint that runs past the end");
            }

            byte b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw Malformed("a varint longer than 10 bytes");
    }

    public long Int64() => unchecked((long)Varint());

    public float Fixed32Float() => BinaryPrimitives.ReadSingleLittleEndian(Take(4, "a 32-bit value"));

    public ReadOnlySpan<byte> LengthDelimited()
    {
        ulong length = Varint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw Malformed($"a length of {length} bytes with {_data.Length - _position} left");
        }

        return Take((int)length, "bytes");
    }

    public string String() => Encoding.UTF8.GetString(LengthDelimited());

    /// <summary>Skips a field of the given wire type.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case WireVarint:
                Varint();
                break;
            case WireFixed64:
                Take(8, "a 64-bit value");
                break;
            case WireLengthDelimited:
                LengthDelimited();
                break;
            case WireFixed32:
                Take(4, "a 32-bit value");
                break;
            default:
                throw Malformed($"wire type {wireType}");
        }
    }

    public readonly InvalidDataException Malformed(string found) =>
        new($"The ONNX data is not a valid protobuf message: in a {_what}, found {found}.");

    private ReadOnlySpan<byte> Take(int length, string what)
    {
        if (length > _data.Length - _position)
        {
            throw Malformed($"{what} that runs past the end");
        }

        ReadOnlySpan<byte> slice = _data.Slice(_position, length);
        _position += length;
        return slice;
    }
}
