using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Text.RegularExpressions;
using System.Threading;
using LeNet.Sample.Data;

namespace LeNet.Sample.Cli;

/// <summary><c>download [--to DIR]</c>: fetches and verifies the four MNIST files.</summary>
internal static partial class DownloadCommand
{
    public static Command Create()
    {
        var to = new Option<string?>("--to") { Description = "folder to fill (the user cache folder, where train looks)", HelpName = "DIR" };
        var mirrors = new Option<string[]>("--mirror")
        {
            Description = "base address of a mirror to use instead of the public ones (repeatable, tried in order)",
            HelpName = "URL",
            AllowMultipleArgumentsPerToken = false,
        };
        var checksums = new Option<string[]>("--md5")
        {
            Description = "expected MD5 of a file, as NAME=HEX (repeatable; for a mirror whose files differ from the published ones)",
            HelpName = "NAME=HEX",
        };
        var command = new Command("download", "Download MNIST from the public mirrors, resuming partial files and verifying each against its published MD5.")
        {
            to, mirrors, checksums,
        };
        command.SetAction(parsed =>
        {
            string directory = parsed.GetValue(to) ?? DataLocator.CacheDirectory();
            OutputPath.CheckWritableFolder(directory, "--to");
            MnistSources sources = Sources(parsed.GetValue(mirrors) ?? [], parsed.GetValue(checksums) ?? []);
            return new MnistDownloader(sources, Console.Out).DownloadAll(directory, CancellationToken.None) ? 0 : SampleCli.Failed;
        });
        return command;
    }

    private static MnistSources Sources(string[] mirrors, string[] checksums)
    {
        var list = new List<Uri>();
        foreach (string mirror in mirrors)
        {
            string withSlash = mirror.EndsWith('/') ? mirror : mirror + "/";
            if (!Uri.TryCreate(withSlash, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new UsageException($"Option --mirror expects an http or https address, got '{mirror}'.");
            }

            list.Add(uri);
        }

        var sums = new Dictionary<string, string>(MnistSources.Default.Checksums, StringComparer.Ordinal);
        foreach (string checksum in checksums)
        {
            Match match = ChecksumPattern().Match(checksum);
            if (!match.Success || !sums.ContainsKey(match.Groups[1].Value))
            {
                throw new UsageException($"Option --md5 expects NAME=HEX with NAME one of {string.Join(", ", Mnist.FileNames)} and 32 hex digits, got '{checksum}'.");
            }

            sums[match.Groups[1].Value] = match.Groups[2].Value.ToLowerInvariant();
        }

        return new MnistSources(list.Count > 0 ? list : MnistSources.Default.Mirrors, sums);
    }

    [GeneratedRegex("^([A-Za-z0-9.-]+)=([0-9A-Fa-f]{32})$")]
    private static partial Regex ChecksumPattern();
}
