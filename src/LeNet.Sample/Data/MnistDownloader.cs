using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace LeNet.Sample.Data;

/// <summary>
/// Fetches the four MNIST files: each mirror in turn until one gives a file with the expected MD5 and a valid IDX
/// structure. A download cut off is kept as <c>NAME.part</c> and resumed with an HTTP Range request (from the next
/// mirror, or the next run); a file with the wrong checksum is removed and reported. Only a verified file gets its name.
/// </summary>
internal sealed class MnistDownloader(MnistSources sources, TextWriter log)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>Downloads what is missing into <paramref name="directory"/>; true when all four files are there and verified.</summary>
    public bool DownloadAll(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        using var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(20), AutomaticDecompression = DecompressionMethods.None };
        using var http = new HttpClient(handler) { Timeout = Timeout };
        http.DefaultRequestHeaders.UserAgent.ParseAdd("LeNetGen-sample/1.0");
        bool all = true;
        foreach (string name in Mnist.FileNames)
        {
            all &= DownloadOne(http, directory, name, cancellationToken);
        }

        log.WriteLine(all ? $"MNIST is ready in {Path.GetFullPath(directory)}." : $"MNIST is incomplete in {Path.GetFullPath(directory)}: see the messages above.");
        return all;
    }

    private bool DownloadOne(HttpClient http, string directory, string name, CancellationToken cancellationToken)
    {
        if (!sources.Checksums.TryGetValue(name, out string? expected))
        {
            log.WriteLine($"{name}: no checksum known for it; refusing to download it unverified.");
            return false;
        }

        string target = Path.Combine(directory, name);
        if (File.Exists(target))
        {
            string existing = Md5(target);
            if (existing == expected && Verify(target, name) is null)
            {
                log.WriteLine($"{name}: already there, MD5 {expected} verified.");
                return true;
            }

            log.WriteLine($"{name}: the file in {directory} is corrupted (MD5 {existing}, expected {expected}); removed it.");
            File.Delete(target);
        }

        string part = target + ".part";
        foreach (Uri mirror in sources.Mirrors)
        {
            var address = new Uri(mirror, name);
            long offset = File.Exists(part) ? new FileInfo(part).Length : 0;
            try
            {
                Fetch(http, address, part, offset, cancellationToken);
            }
            catch (Exception error) when (error is HttpRequestException or IOException or TaskCanceledException)
            {
                long have = File.Exists(part) ? new FileInfo(part).Length : 0;
                log.WriteLine(have > 0
                    ? $"{name}: {address} failed after {have:N0} bytes ({error.Message}); the part is kept and resumed from the next mirror."
                    : $"{name}: {address} failed ({error.Message}); trying the next mirror.");
                continue;
            }

            string actual = Md5(part);
            if (actual != expected)
            {
                log.WriteLine($"{name}: {address} gave a corrupted file (MD5 {actual}, expected {expected}); removed it.");
                File.Delete(part);
                continue;
            }

            if (Verify(part, name) is { } problem)
            {
                log.WriteLine($"{name}: {address} gave a file with the right MD5 but a bad IDX structure ({problem}); removed it.");
                File.Delete(part);
                continue;
            }

            File.Move(part, target, overwrite: true);
            log.WriteLine($"{name}: downloaded from {address}{(offset > 0 ? $" (resumed at byte {offset:N0})" : "")}, MD5 {expected} verified.");
            return true;
        }

        log.WriteLine($"{name}: could not be downloaded from any of {sources.Mirrors.Count} mirror(s).");
        return false;
    }

    /// <summary>GETs <paramref name="address"/> into <paramref name="part"/>, asking only for the bytes after <paramref name="offset"/>.</summary>
    private static void Fetch(HttpClient http, Uri address, string part, long offset, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, address);
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
        }

        using HttpResponseMessage response = http.Send(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (offset > 0 && response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return; // The part is already whole; the checksum decides.
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        bool append = offset > 0 && response.StatusCode == HttpStatusCode.PartialContent;
        using Stream body = response.Content.ReadAsStream(cancellationToken);
        using var file = new FileStream(part, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None);
        body.CopyTo(file);
        if (response.Content.Headers.ContentLength is long length && file.Length != (append ? offset : 0) + length)
        {
            throw new IOException($"expected {length:N0} bytes, got {file.Length - (append ? offset : 0):N0}");
        }
    }

    private static string Md5(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(stream));
    }

    /// <summary>Null when <paramref name="path"/> reads as the IDX file <paramref name="name"/> says it is; else why not.</summary>
    private static string? Verify(string path, string name)
    {
        try
        {
            if (name.Contains("images", StringComparison.Ordinal))
            {
                IdxImages images = IdxReader.ReadImages(path);
                return images.Rows == Mnist.ImageSide && images.Columns == Mnist.ImageSide ? null : $"{images.Rows}x{images.Columns} images, expected 28x28";
            }

            IdxReader.ReadLabels(path);
            return null;
        }
        catch (InvalidDataException error)
        {
            return error.Message;
        }
    }
}
