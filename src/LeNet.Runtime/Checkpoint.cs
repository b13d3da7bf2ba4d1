using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace LeNet;

/// <summary>
/// Saves and loads checkpoints: a network's parameters plus its optimizer's state, in the versioned little-endian
/// binary format described in <c>docs/checkpoint-format.md</c>.
/// </summary>
/// <remarks>
/// <para>Layout (format version 1), all integers and floats little-endian:</para>
/// <code>
/// magic "LENETCKP" (8 bytes) | version int32 | fingerprint uint64 | parameter count int32
/// | optimizer name: byte length int32, UTF-8 bytes | step int64 | buffer count int32
/// | per buffer: length int32, float32 values | parameters float32 values
/// | XxHash64 (seed 0) of all bytes before it, uint64
/// </code>
/// <para>
/// <see cref="Save"/> writes a temporary file in the target folder and renames it over the target, so the path holds
/// either the old checkpoint or the complete new one, never a half-written file. <see cref="Load"/> validates the whole
/// file (magic, version, every length, truncation, trailing bytes, checksum, fingerprint, parameter count) before it
/// returns, so a caller that copies the result into a network only after <see cref="Load"/> returns never applies
/// half of a bad checkpoint.
/// </para>
/// </remarks>
public static class Checkpoint
{
    /// <summary>The 8 ASCII bytes every checkpoint starts with.</summary>
    public const string Magic = "LENETCKP";

    /// <summary>The format version this build writes and the only one it reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>Longest optimizer name, in UTF-8 bytes.</summary>
    public const int MaxOptimizerNameBytes = 256;

    /// <summary>Most optimizer state buffers one checkpoint may hold.</summary>
    public const int MaxOptimizerBuffers = 1024;

    private const int ChecksumLength = sizeof(ulong);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Writes <paramref name="data"/> to <paramref name="path"/> atomically: the bytes go to a temporary file in the same
    /// folder, which is flushed to disk and then renamed over <paramref name="path"/>. On failure the temporary file is
    /// deleted and any checkpoint already at <paramref name="path"/> is left as it was.
    /// </summary>
    /// <param name="path">The checkpoint file; its folder must exist. An existing file is replaced.</param>
    /// <param name="data">What to save; validated before anything is written.</param>
    /// <exception cref="ArgumentException"><paramref name="data"/> is incomplete or out of range, or <paramref name="path"/> names a folder.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">Writing or renaming failed.</exception>
    public static void Save(string path, CheckpointData data)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(data);
        byte[] bytes = Serialize(data);

        string fullPath = Path.GetFullPath(path);
        string fileName = Path.GetFileName(fullPath);
        if (fileName.Length == 0)
        {
            throw new ArgumentException($"Expected a file path for the checkpoint, got the folder '{path}'.", nameof(path));
        }

        string folder = Path.GetDirectoryName(fullPath)!;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Cannot save checkpoint '{fullPath}': the folder '{folder}' does not exist.");
        }

        string temporary = Path.Combine(folder, $".{fileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
                // Best effort: the original exception is the one worth reporting.
            }
            catch (UnauthorizedAccessException)
            {
            }
            throw;
        }
    }

    /// <summary>
    /// Reads and validates the checkpoint at <paramref name="path"/>. Nothing is returned unless the whole file is
    /// well-formed, its checksum matches and it belongs to the expected architecture.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="expectedFingerprint">The fingerprint of the architecture the caller will load the parameters into.</param>
    /// <param name="expectedParameterCount">The number of parameters of that architecture.</param>
    /// <returns>The checkpoint's contents, in freshly allocated arrays.</returns>
    /// <exception cref="InvalidDataException">
    /// The file is not a checkpoint, has another format version, is truncated, has trailing bytes, is corrupted
    /// (checksum), or was saved for another architecture or parameter count. The message names the file and the
    /// expected and found values.
    /// </exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static CheckpointData Load(string path, ulong expectedFingerprint, int expectedParameterCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedParameterCount);
        byte[] bytes = File.ReadAllBytes(path);
        return Parse(bytes, path, expectedFingerprint, expectedParameterCount);
    }

    /// <summary>The complete file contents for <paramref name="data"/>, checksum included.</summary>
    internal static byte[] Serialize(CheckpointData data)
    {
        float[] parameters = data.Parameters
            ?? throw new ArgumentException("CheckpointData.Parameters is null.", nameof(data));
        string name = data.OptimizerName
            ?? throw new ArgumentException("CheckpointData.OptimizerName is null; use \"\" for no optimizer.", nameof(data));
        float[][] state = data.OptimizerState
            ?? throw new ArgumentException("CheckpointData.OptimizerState is null; use an empty array for no state.", nameof(data));
        if (data.Step < 0)
        {
            throw new ArgumentException($"Expected a non-negative optimizer step, got {data.Step}.", nameof(data));
        }

        if (data.Epoch < 0)
        {
            throw new ArgumentException($"Expected a non-negative epoch count, got {data.Epoch}.", nameof(data));
        }

        byte[] nameBytes = StrictUtf8.GetBytes(name);
        if (nameBytes.Length > MaxOptimizerNameBytes)
        {
            throw new ArgumentException($"Expected an optimizer name of at most {MaxOptimizerNameBytes} UTF-8 bytes, got {nameBytes.Length}.", nameof(data));
        }

        if (state.Length > MaxOptimizerBuffers)
        {
            throw new ArgumentException($"Expected at most {MaxOptimizerBuffers} optimizer state buffers, got {state.Length}.", nameof(data));
        }

        long length = Magic.Length + sizeof(int) + sizeof(ulong) + sizeof(int)
            + sizeof(int) + nameBytes.Length + sizeof(long) + sizeof(int) + sizeof(int);
        for (int i = 0; i < state.Length; i++)
        {
            float[] buffer = state[i] ?? throw new ArgumentException($"CheckpointData.OptimizerState[{i}] is null.", nameof(data));
            length += sizeof(int) + (long)buffer.Length * sizeof(float);
        }
        length += (long)parameters.Length * sizeof(float) + ChecksumLength;
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"The checkpoint would be {length} bytes, more than one array can hold.", nameof(data));
        }

        var bytes = new byte[length];
        var writer = new Writer(bytes);
        writer.Bytes(Encoding.ASCII.GetBytes(Magic));
        writer.Int32(FormatVersion);
        writer.UInt64(data.Fingerprint);
        writer.Int32(parameters.Length);
        writer.Int32(nameBytes.Length);
        writer.Bytes(nameBytes);
        writer.Int64(data.Step);
        writer.Int32(data.Epoch);
        writer.Int32(state.Length);
        foreach (float[] buffer in state)
        {
            writer.Int32(buffer.Length);
            writer.Floats(buffer);
        }
        writer.Floats(parameters);
        writer.UInt64(XxHash64.HashToUInt64(bytes.AsSpan(0, writer.Position)));
        return bytes;
    }

    /// <summary>Validates and decodes a whole checkpoint file; <paramref name="source"/> names it in error messages.</summary>
    internal static CheckpointData Parse(ReadOnlySpan<byte> bytes, string source, ulong expectedFingerprint, int expectedParameterCount)
    {
        ReadOnlySpan<byte> magic = "LENETCKP"u8;
        if (bytes.Length < magic.Length || !bytes[..magic.Length].SequenceEqual(magic))
        {
            if (magic.StartsWith(bytes))
            {
                throw Bad(source, $"truncated: the file is {bytes.Length} bytes long, not even the 8-byte magic '{Magic}'");
            }

            throw Bad(source, $"not a LeNet checkpoint: expected the magic '{Magic}', found {Describe(bytes[..Math.Min(bytes.Length, magic.Length)])}");
        }

        var reader = new Reader(bytes, source) { Position = magic.Length };
        int version = reader.Int32("the format version");
        if (version != FormatVersion)
        {
            throw Bad(source, $"format version {version} is not supported: this build reads version {FormatVersion}"
                + (version > FormatVersion ? " (the file was written by a newer LeNet)" : ""));
        }

        ulong fingerprint = reader.UInt64("the architecture fingerprint");
        int parameterCount = reader.Length("the parameter count", sizeof(float));
        int nameLength = reader.Int32("the optimizer name length");
        if (nameLength < 0 || nameLength > MaxOptimizerNameBytes)
        {
            throw Bad(source, $"expected an optimizer name length of 0 to {MaxOptimizerNameBytes} bytes, found {nameLength} at offset {reader.Position - sizeof(int)}");
        }

        ReadOnlySpan<byte> nameBytes = reader.Bytes(nameLength, "the optimizer name");
        long step = reader.Int64("the optimizer step");
        int epoch = reader.Int32("the epoch count");
        int bufferCount = reader.Int32("the optimizer buffer count");
        if (bufferCount < 0 || bufferCount > MaxOptimizerBuffers)
        {
            throw Bad(source, $"expected 0 to {MaxOptimizerBuffers} optimizer state buffers, found {bufferCount} at offset {reader.Position - sizeof(int)}");
        }

        // Walk the structure once without copying: every length must fit in the file before anything is allocated.
        int stateStart = reader.Position;
        for (int i = 0; i < bufferCount; i++)
        {
            int bufferLength = reader.Length($"the length of optimizer buffer {i}", sizeof(float));
            reader.Bytes(bufferLength * sizeof(float), $"optimizer buffer {i}");
        }
        int parametersStart = reader.Position;
        reader.Bytes(parameterCount * sizeof(float), $"the {parameterCount} parameters");
        int checksumStart = reader.Position;
        ulong storedChecksum = reader.UInt64("the checksum");
        if (reader.Position != bytes.Length)
        {
            throw Bad(source, $"expected the file to end after the checksum at {reader.Position} bytes, but it is {bytes.Length} bytes long ({bytes.Length - reader.Position} trailing bytes)");
        }

        ulong actualChecksum = XxHash64.HashToUInt64(bytes[..checksumStart]);
        if (actualChecksum != storedChecksum)
        {
            throw Bad(source, $"checksum mismatch: the file stores {Hex(storedChecksum)}, its contents hash to {Hex(actualChecksum)}; the file is corrupted");
        }

        if (fingerprint != expectedFingerprint)
        {
            throw Bad(source, $"architecture fingerprint mismatch: expected {Hex(expectedFingerprint)}, the checkpoint has {Hex(fingerprint)} (it was saved from a different network)");
        }

        if (parameterCount != expectedParameterCount)
        {
            throw Bad(source, $"parameter count mismatch: expected {expectedParameterCount}, the checkpoint has {parameterCount}");
        }

        if (step < 0)
        {
            throw Bad(source, $"expected a non-negative optimizer step, found {step}");
        }

        if (epoch < 0)
        {
            throw Bad(source, $"expected a non-negative epoch count, found {epoch}");
        }

        string name;
        try
        {
            name = StrictUtf8.GetString(nameBytes);
        }
        catch (DecoderFallbackException e)
        {
            throw Bad(source, "the optimizer name is not valid UTF-8", e);
        }

        // Everything is valid: now decode.
        var state = new float[bufferCount][];
        var decoder = new Reader(bytes, source) { Position = stateStart };
        for (int i = 0; i < bufferCount; i++)
        {
            int bufferLength = decoder.Int32("");
            state[i] = Floats(decoder.Bytes(bufferLength * sizeof(float), ""));
        }
        float[] parameters = Floats(bytes.Slice(parametersStart, parameterCount * sizeof(float)));

        return new CheckpointData
        {
            Fingerprint = fingerprint,
            Parameters = parameters,
            OptimizerName = name,
            Step = step,
            Epoch = epoch,
            OptimizerState = state,
        };
    }

    private static float[] Floats(ReadOnlySpan<byte> source)
    {
        var values = new float[source.Length / sizeof(float)];
        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * sizeof(float))..]);
            }
        }
        return values;
    }

    private static string Hex(ulong value) => "0x" + value.ToString("X16", CultureInfo.InvariantCulture);

    private static string Describe(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (byte b in bytes)
        {
            text.Append(b.ToString("X2", CultureInfo.InvariantCulture)).Append(' ');
        }

        text.Append('(').Append(bytes.Length).Append(bytes.Length == 1 ? " byte" : " bytes").Append(')');
        return text.ToString();
    }

    private static InvalidDataException Bad(string source, string message, Exception? inner = null) =>
        new($"Checkpoint '{source}': {message}.", inner);

    /// <summary>Little-endian cursor over a checkpoint being parsed; a read past the end reports truncation.</summary>
    private ref struct Reader(ReadOnlySpan<byte> bytes, string source)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;

        public int Position { get; set; }

        public ReadOnlySpan<byte> Bytes(int count, string what)
        {
            if (count > _bytes.Length - Position)
            {
                throw Bad(source, $"truncated: the file is {_bytes.Length} bytes long and ends inside {what}, which needs {count} bytes from offset {Position}");
            }

            ReadOnlySpan<byte> span = _bytes.Slice(Position, count);
            Position += count;
            return span;
        }

        public int Int32(string what) => BinaryPrimitives.ReadInt32LittleEndian(Bytes(sizeof(int), what));

        public long Int64(string what) => BinaryPrimitives.ReadInt64LittleEndian(Bytes(sizeof(long), what));

        public ulong UInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(sizeof(ulong), what));

        /// <summary>An int32 element count whose elements of <paramref name="elementSize"/> bytes must fit in what is left of the file.</summary>
        public int Length(string what, int elementSize)
        {
            int offset = Position;
            int count = Int32(what);
            if (count < 0)
            {
                throw Bad(source, $"expected {what} to be non-negative, found {count} at offset {offset}");
            }

            if ((long)count * elementSize > _bytes.Length - Position)
            {
                throw Bad(source, $"truncated or corrupted: {what} at offset {offset} is {count} ({(long)count * elementSize} bytes), but only {_bytes.Length - Position} bytes follow in the {_bytes.Length}-byte file");
            }

            return count;
        }
    }

    /// <summary>Little-endian cursor over a checkpoint being written into a buffer of exactly the right size.</summary>
    private ref struct Writer(Span<byte> bytes)
    {
        private readonly Span<byte> _bytes = bytes;

        public int Position { get; private set; }

        public void Bytes(ReadOnlySpan<byte> value)
        {
            value.CopyTo(_bytes[Position..]);
            Position += value.Length;
        }

        public void Int32(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_bytes[Position..], value);
            Position += sizeof(int);
        }

        public void Int64(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_bytes[Position..], value);
            Position += sizeof(long);
        }

        public void UInt64(ulong value)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_bytes[Position..], value);
            Position += sizeof(ulong);
        }

        public void Floats(ReadOnlySpan<float> values)
        {
            Span<byte> destination = _bytes.Slice(Position, values.Length * sizeof(float));
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.AsBytes(values).CopyTo(destination);
            }
            else
            {
                for (int i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(destination[(i * sizeof(float))..], values[i]);
                }
            }
            Position += destination.Length;
        }
    }
}
