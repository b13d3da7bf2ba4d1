using System;
using System.IO;
using Xunit;

namespace LeNet.Runtime.Tests;

public sealed class IdxReaderTests : IDisposable
{
    readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_raw_and_gzip(bool gzip)
    {
        byte[] raw = IdxFiles.Images(3, 4, 5, IdxFiles.Pattern);
        string path = IdxFiles.Write(_dir.File(gzip ? "images.gz" : "images"), raw, gzip);

        IdxImages images = IdxReader.ReadImages(path);

        Assert.Equal(3, images.Count);
        Assert.Equal(4, images.Rows);
        Assert.Equal(5, images.Columns);
        Assert.Equal(raw.AsSpan(16).ToArray(), images.Pixels);
        Assert.Equal(IdxFiles.Pattern(2, 3, 4), images.Image(2)[3 * 5 + 4]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_labels_raw_and_gzip(bool gzip)
    {
        string path = IdxFiles.Write(_dir.File("labels"), IdxFiles.Labels(5, 0, 4, 1, 9), gzip);

        Assert.Equal(new byte[] { 5, 0, 4, 1, 9 }, IdxReader.ReadLabels(path));
    }

    [Fact]
    public void Detects_gzip_by_its_magic_bytes_not_by_the_name()
    {
        string gzipWithoutSuffix = IdxFiles.Write(_dir.File("labels.idx"), IdxFiles.Labels(7, 2), gzip: true);
        string rawWithSuffix = IdxFiles.Write(_dir.File("labels.gz"), IdxFiles.Labels(1, 0), gzip: false);

        Assert.Equal(new byte[] { 7, 2 }, IdxReader.ReadLabels(gzipWithoutSuffix));
        Assert.Equal(new byte[] { 1, 0 }, IdxReader.ReadLabels(rawWithSuffix));
    }

    [Fact]
    public void Reads_an_empty_set()
    {
        string path = IdxFiles.Write(_dir.File("empty"), IdxFiles.Images(0, 28, 28, IdxFiles.Pattern), gzip: true);

        IdxImages images = IdxReader.ReadImages(path);

        Assert.Equal(0, images.Count);
        Assert.Empty(images.Pixels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Label_file_read_as_images_names_both_magics(bool gzip)
    {
        string path = IdxFiles.Write(_dir.File("labels"), IdxFiles.Labels(1, 2, 3, 4, 5, 6, 7, 8, 9), gzip);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("expected IDX magic 0x00000803", e.Message);
        Assert.Contains("found 0x00000801 (a label file)", e.Message);
    }

    [Fact]
    public void Image_file_read_as_labels_names_both_magics()
    {
        string path = IdxFiles.Write(_dir.File("images"), IdxFiles.Images(1, 2, 2, IdxFiles.Pattern), gzip: false);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("expected IDX magic 0x00000801", e.Message);
        Assert.Contains("found 0x00000803 (an image file)", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_idx_at_all_is_refused()
    {
        string path = _dir.File("text.txt");
        File.WriteAllText(path, "hello, this is not an IDX file");

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.Contains("(not an IDX file)", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_pixel_data_is_refused(bool gzip)
    {
        byte[] raw = IdxFiles.Images(3, 4, 5, IdxFiles.Pattern);
        string path = IdxFiles.Write(_dir.File("images"), raw[..^7], gzip);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("3 images of 4x5", e.Message);
        Assert.Contains("76", e.Message); // expected bytes: 16 + 60
        Assert.Contains("69", e.Message); // bytes present
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 3)]
    [InlineData(false, 15)]
    [InlineData(true, 0)]
    [InlineData(true, 9)]
    public void Truncated_header_is_refused(bool gzip, int length)
    {
        byte[] raw = IdxFiles.Images(1, 2, 2, IdxFiles.Pattern);
        string path = IdxFiles.Write(_dir.File("images"), raw[..length], gzip);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, e.Message);
        Assert.Contains($"expected a 16-byte IDX image header, but the file holds only {length} bytes", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Trailing_bytes_are_refused(bool gzip)
    {
        byte[] raw = [.. IdxFiles.Labels(1, 2, 3), 0, 0];
        string path = IdxFiles.Write(_dir.File("labels"), raw, gzip);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("3 labels", e.Message);
        Assert.Contains("2", e.Message);
    }

    [Theory]
    [InlineData(-1, 28, 28, "non-negative image count, found -1")]
    [InlineData(1, 0, 28, "found 0x28")]
    [InlineData(1, 28, -3, "found 28x-3")]
    [InlineData(1, 5000, 28, "found 5000x28")]
    public void Bad_dimensions_are_refused(int count, int rows, int columns, string expected)
    {
        string path = IdxFiles.Write(_dir.File("images"), IdxFiles.ImageHeader(IdxReader.ImageMagic, count, rows, columns), gzip: false);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_huge_count_in_a_short_gzip_file_is_refused_without_allocating_it()
    {
        // 1,000,000,000 labels announced (within the bound), 3 present: the buffer only grows with the data that arrives.
        string path = IdxFiles.Write(_dir.File("labels.gz"), IdxFiles.Labels(IdxReader.LabelMagic, 1_000_000_000, [1, 2, 3]), gzip: true);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.Contains("truncated", e.Message);
        Assert.Contains("1000000000 labels", e.Message);
    }

    [Fact]
    public void A_huge_count_in_a_short_raw_file_is_refused_from_the_file_length()
    {
        string path = IdxFiles.Write(_dir.File("images"), IdxFiles.ImageHeader(IdxReader.ImageMagic, 1_000_000, 20, 20), gzip: false);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains("truncated: the header announces 1000000 images of 20x20, so the file should be 400000016 bytes, but it is 16 bytes", e.Message);
    }

    [Fact]
    public void A_cut_gzip_stream_is_refused()
    {
        byte[] compressed = IdxFiles.Gzip(IdxFiles.Images(50, 28, 28, IdxFiles.Pattern));
        string path = _dir.File("images.gz");
        File.WriteAllBytes(path, compressed[..(compressed.Length / 2)]);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_corrupt_gzip_stream_is_refused_with_the_file_name()
    {
        byte[] compressed = IdxFiles.Gzip(IdxFiles.Images(50, 28, 28, IdxFiles.Pattern));
        compressed[^6] ^= 0xFF; // inside the CRC-32 of the gzip trailer
        string path = _dir.File("images.gz");
        File.WriteAllBytes(path, compressed);

        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("the gzip data is corrupt", e.Message);
        Assert.DoesNotContain("..", e.Message);
    }

    [Fact]
    public void A_missing_file_is_a_FileNotFoundException()
    {
        Assert.Throws<FileNotFoundException>(() => IdxReader.ReadLabels(_dir.File("nope")));
    }
}
