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
/// <para>Layout (format version 3), all integers and floats little-endian:</para>
/// <code>
/// magic "LENETCKP" (8 bytes) | version int32 | fingerprint uint64 | parameter count int32
/// | optimizer name: byte length int32, UTF-8 bytes | step int64 | buffer count int32
/// | per buffer: length int32, float32 values | parameters float32 values
/// | training settings: present int32 (0 or 1), then when 1: seed int32 | batch size int32 | threads int32
///   | planned epochs int32 | learning rate float32 | weight decay float32 | schedule: byte length int32, UTF-8
///   | augmentation: byte length int32, UTF-8 | label smoothing float32
/// | weight average: present int32 (0 or 1), then when 1: decay float32 | updates int64 | the last step's parameters float32 values
/// | XxHash64 (seed 0) of all bytes before it, uint64
/// </code>
/// <para>
/// Version 2 files (the same without the weight average) still load, with <see cref="CheckpointData.Average"/> null, and
/// so do version 1 files (without the training settings too), with <see cref="CheckpointData.Settings"/> null.
/// </para>
/// <para>
/// <see cref="Save"/> writes a temporary file in the target folder and renames it over the target, so the path holds
/// either the old checkpoint or the complete new one, never a half-written file, even when the process is killed; it
/// refuses targets that are not regular files and names the caller's path in every error. <see cref="Load"/> reads at
/// most the length the header allows and validates the whole file (magic, version, every length, truncation, trailing
/// bytes, checksum, fingerprint, parameter count, finite values, counters in range) before it returns, so a caller that
/// copies the result into a network only after <see cref="Load"/> returns never applies half of a bad checkpoint.
/// </para>
/// </remarks>
public static class Checkpoint
{
    /// <summary>The 8 ASCII bytes every checkpoint starts with.</summary>
    public const string Magic = "LENETCKP";

    /// <summary>The format version this build writes; it reads this one and <see cref="OldestReadableVersion"/> on.</summary>
    public const int FormatVersion = 3;

    /// <summary>The oldest format version this build reads: version 1, which has no training settings.</summary>
    public const int OldestReadableVersion = 1;

    /// <summary>Bytes of the training-settings block without its two descriptions: the present flag, four int32, two float32, two lengths, the label smoothing.</summary>
    private const int SettingsFixedLength = 4 + 16 + 8 + 8 + 4;

    /// <summary>The longest training-settings block.</summary>
    private const int MaxSettingsLength = SettingsFixedLength + (2 * Training.TrainingSettings.MaxDescriptionBytes);

    /// <summary>Bytes of the weight-average block without its parameters: the present flag, the decay, the update count.</summary>
    private const int AverageFixedLength = sizeof(int) + sizeof(float) + sizeof(long);

    /// <summary>Longest optimizer name, in UTF-8 bytes.</summary>
    public const int MaxOptimizerNameBytes = 256;

    /// <summary>Most optimizer state buffers one checkpoint may hold.</summary>
    public const int MaxOptimizerBuffers = 1024;

    /// <summary>Largest epoch count a checkpoint may hold: far beyond any run, far below overflow.</summary>
    public const int MaxEpoch = 1_000_000_000;

    /// <summary>Largest optimizer step count a checkpoint may hold (2^53): far beyond any run, far below overflow.</summary>
    public const long MaxStep = 1L << 53;

    private const int ChecksumLength = sizeof(ulong);

    /// <summary>Bytes of the fields before the optimizer name and after it, up to the first buffer: S = 44 + N + ... .</summary>
    private const int FixedLength = 44;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Writes <paramref name="data"/> to <paramref name="path"/> atomically: the bytes go to a temporary file in the same
    /// folder, which is flushed to disk and then renamed over <paramref name="path"/>, and the folder is flushed after the
    /// rename. The path holds the old checkpoint or the complete new one, never a mix, even if the process is killed.
    /// </summary>
    /// <remarks>
    /// A symbolic link is followed on purpose: the file it points to is replaced and the link is kept. A replaced file
    /// keeps its permission bits. Temporaries of earlier saves of the same file that were killed are deleted afterwards
    /// (a temporary another save is still writing is locked and left alone). See <c>docs/checkpoint-format.md</c>.
    /// </remarks>
    /// <param name="path">The checkpoint file; its folder must exist. An existing regular file is replaced.</param>
    /// <param name="data">What to save; validated (counts in range, every float finite) before anything is written.</param>
    /// <exception cref="ArgumentException"><paramref name="data"/> is incomplete or out of range, or <paramref name="path"/> names a folder.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The file is read-only, or the folder does not take new files.</exception>
    /// <exception cref="IOException">
    /// The path is not a regular file (a folder, FIFO, device or socket), or writing or renaming failed. Every message
    /// names <paramref name="path"/> as given.
    /// </exception>
    public static void Save(string path, CheckpointData data)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(data);
        byte[] bytes = Serialize(data);
        SafeFiles.WriteAtomically(path, "checkpoint", bytes);
    }

    /// <summary>
    /// Checks, before any work is done, that <see cref="Save"/> (or <see cref="Weights.Save(string, ulong, ReadOnlySpan{float})"/>) could write to
    /// <paramref name="path"/>: it names a file, its folder exists and takes new files, and whatever is there (after
    /// links) is a writable regular file or nothing. Nothing at the path is changed.
    /// </summary>
    /// <param name="path">The file a later save will write.</param>
    /// <returns>The file a save would replace: the full path with links resolved.</returns>
    /// <exception cref="ArgumentException">The path is empty or names a folder.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The file is read-only, or the folder does not take new files.</exception>
    /// <exception cref="IOException">The path is not a regular file (a folder, FIFO, device or socket).</exception>
    public static string EnsureWritable(string path) => SafeFiles.EnsureWritable(path, "file");

    /// <summary>
    /// Reads and validates the checkpoint at <paramref name="path"/>. Nothing is returned unless the whole file is
    /// well-formed, its checksum matches, it belongs to the expected architecture and every value is in range.
    /// </summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="expectedFingerprint">The fingerprint of the architecture the caller will load the parameters into.</param>
    /// <param name="expectedParameterCount">The number of parameters of that architecture.</param>
    /// <returns>The checkpoint's contents, in freshly allocated arrays.</returns>
    /// <exception cref="InvalidDataException">
    /// The path is not a regular file; or the file is not a checkpoint, has another format version, is truncated, has
    /// trailing bytes, is corrupted (checksum), was saved for another architecture or parameter count, or holds values
    /// no training run writes (non-finite floats, counters out of range). The message names the file and the expected
    /// and found values. At most <see cref="MaxFileLength"/> bytes are read.
    /// </exception>
    /// <exception cref="FileNotFoundException">The file, or its folder, does not exist.</exception>
    public static CheckpointData Load(string path, ulong expectedFingerprint, int expectedParameterCount)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedParameterCount);
        using FileStream stream = SafeFiles.OpenForReading(path, "Checkpoint", reason => Bad(path, reason));
        return Read(stream, expectedFingerprint, expectedParameterCount, path);
    }

    /// <summary>
    /// Reads and validates a checkpoint from <paramref name="stream"/> (from its position to its end), as
    /// <see cref="Load"/> does for a file. Reads at most <see cref="MaxFileLength"/> bytes.
    /// </summary>
    /// <param name="stream">The checkpoint bytes; need not be seekable.</param>
    /// <param name="expectedFingerprint">The fingerprint of the architecture the caller will load the parameters into.</param>
    /// <param name="expectedParameterCount">The number of parameters of that architecture.</param>
    /// <param name="source">Names the data in error messages (a file name, "embedded resource").</param>
    /// <exception cref="InvalidDataException">As for <see cref="Load"/>.</exception>
    public static CheckpointData Read(Stream stream, ulong expectedFingerprint, int expectedParameterCount, string source = "stream")
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedParameterCount);
        byte[] bytes = ReadBounded(stream, source, expectedFingerprint, expectedParameterCount);
        return Parse(bytes, source, expectedFingerprint, expectedParameterCount);
    }

    /// <summary>
    /// The longest checkpoint of <paramref name="parameterCount"/> parameters: the longest optimizer name and the most
    /// state buffers, each of at most <paramref name="parameterCount"/> floats. Readers never read more than the bound
    /// that the file's own header gives within this.
    /// </summary>
    public static long MaxFileLength(int parameterCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        return LengthFor(MaxOptimizerNameBytes, MaxOptimizerBuffers, parameterCount) + MaxSettingsLength + MaxAverageLength(parameterCount);
    }

    /// <summary>The longest weight-average block for <paramref name="parameterCount"/> parameters.</summary>
    private static long MaxAverageLength(int parameterCount) => AverageFixedLength + (4L * parameterCount);

    /// <summary>File length for a name of <paramref name="nameLength"/> bytes and <paramref name="buffers"/> full-length buffers.</summary>
    private static long LengthFor(int nameLength, int buffers, int parameterCount) =>
        FixedLength + nameLength + (buffers * (sizeof(int) + (4L * parameterCount))) + (4L * parameterCount) + ChecksumLength;

    /// <summary>
    /// Reads the header first and from it the most bytes a checkpoint with the expected parameter count can have, and
    /// never reads more: a huge file, or an endless stream such as /dev/zero, is refused after a bounded read.
    /// </summary>
    private static byte[] ReadBounded(Stream stream, string source, ulong expectedFingerprint, int expectedParameterCount)
    {
        var prefix = new byte[FixedLength + MaxOptimizerNameBytes];
        int got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < prefix.Length)
        {
            // The whole file is shorter than the longest header: parse it as it is.
            return prefix[..got];
        }

        long limit = MaxLengthFromHeader(prefix, source, expectedFingerprint, expectedParameterCount);
        var bytes = new byte[Math.Max(prefix.Length, Math.Min(limit + 1, 1 << 20))];
        prefix.CopyTo(bytes, 0);
        int filled = prefix.Length;
        while (true)
        {
            if (filled > limit)
            {
                throw Bad(source, $"expected at most {limit} bytes for a checkpoint of {expectedParameterCount} parameters with the optimizer buffers its header announces, but the data goes on past {limit} bytes");
            }

            if (filled == bytes.Length)
            {
                Array.Resize(ref bytes, (int)Math.Min(limit + 1, (long)bytes.Length * 2));
            }

            int read = stream.Read(bytes, filled, bytes.Length - filled);
            if (read == 0)
            {
                return bytes[..filled];
            }

            filled += read;
        }
    }

    /// <summary>
    /// From a header prefix of at least <see cref="FixedLength"/> + <see cref="MaxOptimizerNameBytes"/> bytes: the most
    /// bytes the file may have. A header that is already wrong is refused here with the same message as in
    /// <see cref="Parse"/>, so nothing more is read.
    /// </summary>
    private static long MaxLengthFromHeader(ReadOnlySpan<byte> prefix, string source, ulong expectedFingerprint, int expectedParameterCount)
    {
        CheckMagicAndVersion(prefix, source);
        int parameterCount = BinaryPrimitives.ReadInt32LittleEndian(prefix[20..]);
        if (parameterCount != expectedParameterCount)
        {
            ulong fingerprint = BinaryPrimitives.ReadUInt64LittleEndian(prefix[12..]);
            if (fingerprint != expectedFingerprint)
            {
                throw Bad(source, $"architecture fingerprint mismatch: expected {Hex(expectedFingerprint)}, the checkpoint has {Hex(fingerprint)} (it was saved from a different network, with {parameterCount} parameters instead of {expectedParameterCount})");
            }

            throw ParameterCountMismatch(source, expectedParameterCount, parameterCount);
        }

        int nameLength = BinaryPrimitives.ReadInt32LittleEndian(prefix[24..]);
        CheckNameLength(source, nameLength);
        int bufferCount = BinaryPrimitives.ReadInt32LittleEndian(prefix[(40 + nameLength)..]);
        CheckBufferCount(source, bufferCount, 40 + nameLength);
        int version = BinaryPrimitives.ReadInt32LittleEndian(prefix[8..]);
        return LengthFor(nameLength, bufferCount, parameterCount) + (version >= 2 ? MaxSettingsLength : 0) + (version >= 3 ? MaxAverageLength(parameterCount) : 0);
    }

    /// <summary>The complete file contents for <paramref name="data"/>, checksum included.</summary>
    /// <param name="data">What to serialize.</param>
    /// <param name="validate">False only in tests that need a well-formed file with hostile values.</param>
    internal static byte[] Serialize(CheckpointData data, bool validate = true)
    {
        float[] parameters = data.Parameters
            ?? throw new ArgumentException("CheckpointData.Parameters is null.", nameof(data));
        string name = data.OptimizerName
            ?? throw new ArgumentException("CheckpointData.OptimizerName is null; use \"\" for no optimizer.", nameof(data));
        float[][] state = data.OptimizerState
            ?? throw new ArgumentException("CheckpointData.OptimizerState is null; use an empty array for no state.", nameof(data));
        if (validate)
        {
            string? problem = CheckValues(parameters, state, data.Step, data.Epoch) ?? AverageProblem(data.Average, parameters.Length);
            if (problem is not null)
            {
                throw new ArgumentException($"Cannot save this checkpoint: {problem}.", nameof(data));
            }
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
            if (validate && buffer.Length > parameters.Length)
            {
                throw new ArgumentException($"Expected optimizer state buffers of at most {parameters.Length} floats (one per parameter), got {buffer.Length} in buffer {i}.", nameof(data));
            }

            length += sizeof(int) + ((long)buffer.Length * sizeof(float));
        }
        byte[] scheduleBytes = [], augmentationBytes = [];
        if (data.Settings is { } settings)
        {
            string? settingsProblem = validate ? settings.Problem() : null;
            if (settingsProblem is not null)
            {
                throw new ArgumentException($"Cannot save this checkpoint: {settingsProblem}.", nameof(data));
            }

            scheduleBytes = Description(settings.Schedule, "schedule");
            augmentationBytes = Description(settings.Augmentation, "augmentation");
        }

        CheckpointAverage? average = data.Average;
        float[]? lastStep = average is null ? null
            : average.LastStepParameters ?? throw new ArgumentException("CheckpointData.Average.LastStepParameters is null.", nameof(data));
        length += (long)parameters.Length * sizeof(float) + ChecksumLength + sizeof(int)
            + (data.Settings is null ? 0 : SettingsFixedLength - sizeof(int) + scheduleBytes.Length + augmentationBytes.Length)
            + sizeof(int) + (lastStep is null ? 0 : AverageFixedLength - sizeof(int) + ((long)lastStep.Length * sizeof(float)));
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
        writer.Int32(data.Settings is null ? 0 : 1);
        if (data.Settings is { } saved)
        {
            writer.Int32(saved.Seed);
            writer.Int32(saved.BatchSize);
            writer.Int32(saved.Threads);
            writer.Int32(saved.Epochs);
            writer.Single(saved.LearningRate);
            writer.Single(saved.WeightDecay);
            writer.Int32(scheduleBytes.Length);
            writer.Bytes(scheduleBytes);
            writer.Int32(augmentationBytes.Length);
            writer.Bytes(augmentationBytes);
            writer.Single(saved.LabelSmoothing);
        }

        writer.Int32(average is null ? 0 : 1);
        if (average is not null && lastStep is not null)
        {
            writer.Single(average.Decay);
            writer.Int64(average.Updates);
            writer.Floats(lastStep);
        }

        writer.UInt64(XxHash64.HashToUInt64(bytes.AsSpan(0, writer.Position)));
        return bytes;
    }

    /// <summary>A settings description as UTF-8, refused when it is null or too long.</summary>
    private static byte[] Description(string? text, string what)
    {
        byte[] bytes = StrictUtf8.GetBytes(text ?? throw new ArgumentException($"CheckpointData.Settings has a null {what} description.", "data"));
        if (bytes.Length > Training.TrainingSettings.MaxDescriptionBytes)
        {
            throw new ArgumentException($"Expected a {what} description of at most {Training.TrainingSettings.MaxDescriptionBytes} UTF-8 bytes, got {bytes.Length}.", "data");
        }

        return bytes;
    }

    /// <summary>Validates and decodes a whole checkpoint file; <paramref name="source"/> names it in error messages.</summary>
    internal static CheckpointData Parse(ReadOnlySpan<byte> bytes, string source, ulong expectedFingerprint, int expectedParameterCount)
    {
        CheckMagicAndVersion(bytes, source);
        var reader = new Reader(bytes, source) { Position = Magic.Length + sizeof(int) };
        ulong fingerprint = reader.UInt64("the architecture fingerprint");
        int parameterCount = reader.Length("the parameter count", sizeof(float));
        int nameLength = reader.Int32("the optimizer name length");
        CheckNameLength(source, nameLength);
        ReadOnlySpan<byte> nameBytes = reader.Bytes(nameLength, "the optimizer name");
        long step = reader.Int64("the optimizer step");
        int epoch = reader.Int32("the epoch count");
        int bufferCount = reader.Int32("the optimizer buffer count");
        CheckBufferCount(source, bufferCount, reader.Position - sizeof(int));

        // Walk the structure once without copying: every length must fit in the file before anything is allocated.
        int stateStart = reader.Position;
        for (int i = 0; i < bufferCount; i++)
        {
            int bufferLength = reader.Length($"the length of optimizer buffer {i}", sizeof(float));
            if (bufferLength > parameterCount)
            {
                throw Bad(source, $"expected optimizer buffer {i} to hold at most {parameterCount} floats (one per parameter), found {bufferLength} at offset {reader.Position - sizeof(int)}");
            }

            reader.Bytes(bufferLength * sizeof(float), $"optimizer buffer {i}");
        }
        int parametersStart = reader.Position;
        reader.Bytes(parameterCount * sizeof(float), $"the {parameterCount} parameters");
        RawSettings? rawSettings = null;
        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        if (version >= 2)
        {
            rawSettings = ReadSettings(ref reader, source, version);
        }

        RawAverage? rawAverage = null;
        if (version >= 3)
        {
            rawAverage = ReadAverage(ref reader, source, parameterCount);
        }

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
            throw ParameterCountMismatch(source, expectedParameterCount, parameterCount);
        }

        string name = Utf8(nameBytes, source, "the optimizer name");
        Training.TrainingSettings? settings = null;
        if (rawSettings is { } raw)
        {
            settings = new Training.TrainingSettings
            {
                Seed = raw.Seed,
                BatchSize = raw.BatchSize,
                Threads = raw.Threads,
                Epochs = raw.Epochs,
                LearningRate = raw.LearningRate,
                WeightDecay = raw.WeightDecay,
                LabelSmoothing = raw.LabelSmoothing,
                Schedule = Utf8(bytes.Slice(raw.ScheduleStart, raw.ScheduleLength), source, "the schedule description"),
                Augmentation = Utf8(bytes.Slice(raw.AugmentationStart, raw.AugmentationLength), source, "the augmentation description"),
            };
            string? settingsProblem = settings.Problem();
            if (settingsProblem is not null)
            {
                throw Bad(source, settingsProblem);
            }
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
        CheckpointAverage? average = rawAverage is { } averageFields
            ? new CheckpointAverage
            {
                Decay = averageFields.Decay,
                Updates = averageFields.Updates,
                LastStepParameters = Floats(bytes.Slice(averageFields.ParametersStart, parameterCount * sizeof(float))),
            }
            : null;
        string? problem = CheckValues(parameters, state, step, epoch) ?? AverageProblem(average, parameterCount);
        if (problem is not null)
        {
            throw Bad(source, problem);
        }

        return new CheckpointData
        {
            Fingerprint = fingerprint,
            Parameters = parameters,
            OptimizerName = name,
            Step = step,
            Epoch = epoch,
            OptimizerState = state,
            Settings = settings,
            Average = average,
        };
    }

    /// <summary>Reads an optional block's flag: 1 when the block follows, 0 when it is absent; anything else is refused.</summary>
    private static bool ReadPresence(ref Reader reader, string source, string what)
    {
        int offset = reader.Position;
        int present = reader.Int32(what);
        if (present is not (0 or 1))
        {
            throw Bad(source, $"expected {what} to be 0 or 1, found {present} at offset {offset}");
        }

        return present == 1;
    }

    /// <summary>Where the weight-average block's fields are; checked once the checksum has matched.</summary>
    private readonly record struct RawAverage(float Decay, long Updates, int ParametersStart);

    private static RawAverage? ReadAverage(ref Reader reader, string source, int parameterCount)
    {
        if (!ReadPresence(ref reader, source, "the weight-average flag"))
        {
            return null;
        }

        float decay = BinaryPrimitives.ReadSingleLittleEndian(reader.Bytes(sizeof(float), "the weight-average decay"));
        long updates = reader.Int64("the weight-average update count");
        int start = reader.Position;
        reader.Bytes(parameterCount * sizeof(float), $"the last step's {parameterCount} parameters");
        return new RawAverage(decay, updates, start);
    }

    /// <summary>What is wrong with a weight average no run writes (a decay outside [0, 1), updates out of range, another length, non-finite weights), or null.</summary>
    private static string? AverageProblem(CheckpointAverage? average, int parameterCount)
    {
        if (average is null)
        {
            return null;
        }

        if (!(average.Decay >= 0 && average.Decay < 1))
        {
            return $"expected a weight-average decay in [0, 1), found {average.Decay.ToString(CultureInfo.InvariantCulture)}";
        }

        if (average.LastStepParameters is null)
        {
            return "expected the weight average's last-step parameters, found null";
        }

        if (average.Updates < 0 || average.Updates > MaxStep)
        {
            return $"expected a weight-average update count from 0 to {MaxStep}, found {average.Updates}";
        }

        if (average.LastStepParameters.Length != parameterCount)
        {
            return $"expected the weight average's last-step parameters to be {parameterCount} floats, one per parameter, found {average.LastStepParameters.Length}";
        }

        int bad = IndexOfNonFinite(average.LastStepParameters);
        return bad < 0 ? null : $"the last step's parameter {bad} is not finite ({average.LastStepParameters[bad].ToString(CultureInfo.InvariantCulture)})";
    }

    /// <summary>Where the training-settings block's fields are; checked later, once the checksum has matched.</summary>
    private readonly record struct RawSettings(int Seed, int BatchSize, int Threads, int Epochs, float LearningRate, float WeightDecay, int ScheduleStart, int ScheduleLength, int AugmentationStart, int AugmentationLength, float LabelSmoothing);

    private static RawSettings? ReadSettings(ref Reader reader, string source, int version)
    {
        if (!ReadPresence(ref reader, source, "the training-settings flag"))
        {
            return null;
        }

        int seed = reader.Int32("the seed");
        int batchSize = reader.Int32("the batch size");
        int threads = reader.Int32("the thread count");
        int epochs = reader.Int32("the planned epochs");
        float learningRate = BinaryPrimitives.ReadSingleLittleEndian(reader.Bytes(sizeof(float), "the learning rate"));
        float weightDecay = BinaryPrimitives.ReadSingleLittleEndian(reader.Bytes(sizeof(float), "the weight decay"));
        int scheduleLength = DescriptionLength(ref reader, source, "the schedule description length");
        int scheduleStart = reader.Position;
        reader.Bytes(scheduleLength, "the schedule description");
        int augmentationLength = DescriptionLength(ref reader, source, "the augmentation description length");
        int augmentationStart = reader.Position;
        reader.Bytes(augmentationLength, "the augmentation description");

        // Version 3 added the label smoothing; older files trained without it.
        float labelSmoothing = version >= 3 ? BinaryPrimitives.ReadSingleLittleEndian(reader.Bytes(sizeof(float), "the label smoothing")) : 0f;
        return new RawSettings(seed, batchSize, threads, epochs, learningRate, weightDecay, scheduleStart, scheduleLength, augmentationStart, augmentationLength, labelSmoothing);
    }

    private static int DescriptionLength(ref Reader reader, string source, string what)
    {
        int offset = reader.Position;
        int length = reader.Int32(what);
        if (length < 0 || length > Training.TrainingSettings.MaxDescriptionBytes)
        {
            throw Bad(source, $"expected {what} to be 0 to {Training.TrainingSettings.MaxDescriptionBytes} bytes, found {length} at offset {offset}");
        }

        return length;
    }

    private static string Utf8(ReadOnlySpan<byte> bytes, string source, string what)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw Bad(source, $"{what} is not valid UTF-8", e);
        }
    }

    /// <summary>What is wrong with values no training run writes (non-finite floats, counters out of range), or null.</summary>
    private static string? CheckValues(float[] parameters, float[][] state, long step, int epoch)
    {
        if (step < 0 || step > MaxStep)
        {
            return $"expected an optimizer step from 0 to {MaxStep}, found {step}";
        }

        if (epoch < 0 || epoch > MaxEpoch)
        {
            return $"expected an epoch count from 0 to {MaxEpoch}, found {epoch}";
        }

        int bad = IndexOfNonFinite(parameters);
        if (bad >= 0)
        {
            return $"parameter {bad} is not finite ({parameters[bad].ToString(CultureInfo.InvariantCulture)})";
        }

        for (int b = 0; b < state.Length; b++)
        {
            bad = state[b] is null ? -1 : IndexOfNonFinite(state[b]);
            if (bad >= 0)
            {
                return $"optimizer buffer {b} has a non-finite value at {bad} ({state[b][bad].ToString(CultureInfo.InvariantCulture)})";
            }
        }

        return null;
    }

    /// <summary>The index of the first NaN or infinity, or -1.</summary>
    internal static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty || float.IsFinite(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(values)))
        {
            return -1;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static void CheckMagicAndVersion(ReadOnlySpan<byte> bytes, string source)
    {
        ReadOnlySpan<byte> magic = "LENETCKP"u8;
        if (bytes.Length < magic.Length || !bytes[..magic.Length].SequenceEqual(magic))
        {
            if (magic.StartsWith(bytes))
            {
                throw Bad(source, $"truncated: the file is {bytes.Length} bytes long, not even the 8-byte magic '{Magic}'");
            }

            string hint = bytes.StartsWith("LENETWTS"u8) ? " (this is a weights file: load it with LoadWeights)" : "";
            throw Bad(source, $"not a LeNet checkpoint: expected the magic '{Magic}', found {Describe(bytes[..Math.Min(bytes.Length, magic.Length)])}{hint}");
        }

        var reader = new Reader(bytes, source) { Position = magic.Length };
        int version = reader.Int32("the format version");
        if (version < OldestReadableVersion || version > FormatVersion)
        {
            throw Bad(source, $"format version {version} is not supported: this build reads versions {OldestReadableVersion} to {FormatVersion}"
                + (version > FormatVersion ? " (the file was written by a newer LeNet)" : ""));
        }
    }

    private static void CheckNameLength(string source, int nameLength)
    {
        if (nameLength < 0 || nameLength > MaxOptimizerNameBytes)
        {
            throw Bad(source, $"expected an optimizer name length of 0 to {MaxOptimizerNameBytes} bytes, found {nameLength} at offset 24");
        }
    }

    private static void CheckBufferCount(string source, int bufferCount, int offset)
    {
        if (bufferCount < 0 || bufferCount > MaxOptimizerBuffers)
        {
            throw Bad(source, $"expected 0 to {MaxOptimizerBuffers} optimizer state buffers, found {bufferCount} at offset {offset}");
        }
    }

    private static InvalidDataException ParameterCountMismatch(string source, int expected, int found) =>
        Bad(source, $"parameter count mismatch: expected {expected}, the checkpoint has {found}");

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

        public void Single(float value)
        {
            BinaryPrimitives.WriteSingleLittleEndian(_bytes[Position..], value);
            Position += sizeof(float);
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
