using System;
using System.Buffers.Binary;
using System.IO;
using System.Threading.Tasks;
using LeNet.Runtime.Tests.Infrastructure;
using Xunit;

namespace LeNet.Runtime.Tests;

/// <summary>Readers check their documented bounds before they allocate, and refuse what is not a plain file.</summary>
public sealed class ReaderBoundsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static long AllocatedBy(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            action();
        }
        catch (InvalidDataException)
        {
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData((1 << 30) + 1)]
    public void ReadLabels_refuses_a_count_above_its_bound_before_allocating(int count)
    {
        byte[] header = IdxFiles.Labels(IdxReader.LabelMagic, count, new byte[4096]);
        string path = IdxFiles.Write(_dir.File("labels.gz"), header, gzip: true);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));
        long allocated = AllocatedBy(() => IdxReader.ReadLabels(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("at most 1,073,741,824 bytes", e.Message);
        Assert.True(allocated < 4 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void ReadImages_refuses_a_payload_above_its_bound_before_allocating()
    {
        byte[] header = IdxFiles.ImageHeader(IdxReader.ImageMagic, 1 << 20, 32, 33);
        string path = IdxFiles.Write(_dir.File("images.gz"), header, gzip: true);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains("at most 1,073,741,824 bytes", e.Message);
        Assert.True(AllocatedBy(() => IdxReader.ReadImages(path)) < 4 << 20);
    }

    [Fact]
    public void A_gzip_header_claiming_much_more_than_its_data_costs_memory_only_for_the_data()
    {
        // 100 MB announced, 1 KB present: the buffer grows with the data instead of being sized from the header.
        byte[] raw = IdxFiles.Labels(IdxReader.LabelMagic, 100_000_000, new byte[1024]);
        string path = IdxFiles.Write(_dir.File("labels.gz"), raw, gzip: true);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));
        long allocated = AllocatedBy(() => IdxReader.ReadLabels(path));

        Assert.Contains("truncated", e.Message);
        Assert.True(allocated < 4 << 20, $"allocated {allocated:N0} bytes");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    public void A_gzip_file_whose_trailer_is_cut_off_is_refused(int cut)
    {
        byte[] gzip = IdxFiles.Gzip(IdxFiles.Labels(5, 0, 4, 1, 9, 2, 6));
        string path = _dir.File("labels.gz");
        File.WriteAllBytes(path, gzip[..^cut]);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("gzip", e.Message);
    }

    [Fact]
    public void A_bit_flip_in_gzip_data_whose_trailer_is_cut_off_is_refused()
    {
        // Stored (uncompressed) deflate blocks let a bit flip change a label without breaking the deflate stream;
        // only the CRC-32 in the trailer can tell, so a missing trailer must not be taken as "no check needed".
        byte[] labels = IdxFiles.Labels(5, 0, 4, 1, 9, 2, 6);
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.NoCompression, leaveOpen: true))
        {
            gzip.Write(labels);
        }

        byte[] bytes = output.ToArray();
        int firstLabel = Array.IndexOf(bytes, (byte)5, 10 + 5 + 8 - 1);
        Assert.True(firstLabel > 0);
        bytes[firstLabel] ^= 0x02;
        string path = _dir.File("flipped.gz");
        File.WriteAllBytes(path, bytes[..^8]);

        Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));
    }

    [Fact]
    public void Garbage_after_the_gzip_data_is_refused()
    {
        byte[] gzip = IdxFiles.Gzip(IdxFiles.Labels(5, 0, 4));
        string path = _dir.File("labels.gz");
        File.WriteAllBytes(path, [.. gzip, .. "garbage"u8]);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.Contains(path, e.Message);
    }

    [LinuxFact]
    public void A_fifo_is_refused_without_blocking()
    {
        string fifo = UnixFiles.Fifo(_dir.File("labels"));

        Task<byte[]> read = Task.Run(() => IdxReader.ReadLabels(fifo));
        bool finished = Finished(read) || Unblock(fifo, read);

        Assert.True(finished, "ReadLabels blocked on a FIFO");
        var e = Assert.IsType<InvalidDataException>(read.Exception?.InnerException);
        Assert.Contains($"'{fifo}'", e.Message);
        Assert.Contains("not a regular file", e.Message);
    }

    [LinuxFact]
    public void Checkpoint_Load_refuses_a_fifo_without_blocking()
    {
        string fifo = UnixFiles.Fifo(_dir.File("model.ckpt"));

        Task<CheckpointData> load = Task.Run(() => Checkpoint.Load(fifo, 1, 3));
        bool finished = Finished(load) || Unblock(fifo, load);

        Assert.True(finished, "Checkpoint.Load blocked on a FIFO");
        var e = Assert.IsType<InvalidDataException>(load.Exception?.InnerException);
        Assert.Contains($"'{fifo}'", e.Message);
    }

    [Fact]
    public void A_folder_is_refused_with_its_path()
    {
        string folder = Directory.CreateDirectory(_dir.File("labels")).FullName;

        var idx = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(folder));
        var checkpoint = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(folder, 1, 3));

        Assert.Contains($"'{folder}'", idx.Message);
        Assert.Contains("folder", idx.Message);
        Assert.Contains($"'{folder}'", checkpoint.Message);
    }

    [Fact]
    public void A_missing_folder_is_a_FileNotFoundException_with_the_path()
    {
        string path = Path.Combine(_dir.Path, "missing", "labels");

        var idx = Assert.Throws<FileNotFoundException>(() => IdxReader.ReadLabels(path));
        var checkpoint = Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(path, 1, 3));

        Assert.Contains(path, idx.Message);
        Assert.Contains(path, checkpoint.Message);
    }

    [Fact]
    public void Checkpoint_Load_reads_no_more_than_a_checkpoint_of_the_expected_size_can_have()
    {
        // A valid header for 3 parameters, then 64 MB of zeros (sparse): refused without reading the rest.
        string path = _dir.File("huge.ckpt");
        Checkpoint.Save(path, new CheckpointData { Fingerprint = 1, Parameters = [1f, 2f, 3f] });
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(64 << 20);
        }

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, 1, 3));
        long allocated = AllocatedBy(() => Checkpoint.Load(path, 1, 3));

        Assert.Contains(path, e.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Checkpoint_Load_refuses_another_parameter_count_before_reading_the_parameters()
    {
        string path = _dir.File("big.ckpt");
        Checkpoint.Save(path, new CheckpointData { Fingerprint = 1, Parameters = new float[4 << 20] });

        long allocated = AllocatedBy(() => Checkpoint.Load(path, 1, 3));

        Assert.True(allocated < 1 << 20, $"allocated {allocated:N0} bytes");
    }

    [LinuxFact]
    public void Dev_zero_is_refused_as_a_device_without_reading_it()
    {
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load("/dev/zero", 1, 3));
        var weights = Assert.Throws<InvalidDataException>(() => Weights.Load("/dev/zero", 1, 3));
        var idx = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels("/dev/zero"));

        Assert.Contains("'/dev/zero': not a regular file: it is a character device", e.Message);
        Assert.Contains("character device", weights.Message);
        Assert.Contains("character device", idx.Message);
    }

    [Fact]
    public void An_endless_stream_after_a_valid_header_is_refused_after_a_bounded_read()
    {
        byte[] checkpoint = Checkpoint.Serialize(new CheckpointData { Fingerprint = 1, Parameters = new float[100] });
        byte[] weights = Weights.Serialize(1, new float[100]);

        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(new EndlessStream(checkpoint[..^8]), 1, 100, "endless"));
        var w = Assert.Throws<InvalidDataException>(() => Weights.Read(new EndlessStream(weights[..^8]), 1, 100, "endless"));

        Assert.Contains("goes on", e.Message);
        Assert.Contains("goes on", w.Message);
    }

    [Fact]
    public void Onnx_import_refuses_an_endless_stream_after_reading_at_most_its_bound()
    {
        var network = new SmallNet();
        network.Parameters.Fill(0.5f);
        var endless = new EndlessStream([]);

        var e = Assert.Throws<InvalidDataException>(() => LeNet.Onnx.OnnxImporter.LoadWeights(network, endless));

        Assert.Contains("longer than", e.Message);
        Assert.InRange(endless.Position, 1, LeNet.Onnx.OnnxImporter.MaxModelBytes<SmallNet>() + (1 << 16));
        Assert.All(network.Parameters.ToArray(), p => Assert.Equal(0.5f, p));
    }

    [Fact]
    public void Onnx_import_refuses_a_seekable_stream_longer_than_its_bound_before_reading_it()
    {
        var network = new SmallNet();
        using var stream = new MemoryStream(new byte[LeNet.Onnx.OnnxImporter.MaxModelBytes<SmallNet>() + 1]);

        var e = Assert.Throws<InvalidDataException>(() => LeNet.Onnx.OnnxImporter.LoadWeights(network, stream));

        Assert.Contains("is at most", e.Message);
        Assert.Equal(0, stream.Position);
    }

    [Fact]
    public void IdxReader_streams_must_be_seekable()
    {
        var e = Assert.Throws<ArgumentException>(() => IdxReader.ReadLabels(new EndlessStream([]), "pipe"));

        Assert.Contains("seekable", e.Message);
    }

    /// <summary>A prefix, then zeros for ever, like a device; cannot seek.</summary>
    private sealed class EndlessStream(byte[] prefix) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (int i = 0; i < count; i++, _position++)
            {
                buffer[offset + i] = _position < prefix.Length ? prefix[_position] : (byte)0;
            }

            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static bool Finished(Task task) => ((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10));

    /// <summary>Opens the FIFO's other end so a reader stuck in open(2) returns; the test has failed by then.</summary>
    private static bool Unblock(string fifo, Task task)
    {
        using (new FileStream(fifo, FileMode.Open, FileAccess.Write))
        {
        }

        Finished(task);
        return false;
    }
}
