using System;
using System.IO;

namespace LeNet.Generator.Weights;

/// <summary>One <c>.weights</c> AdditionalFiles item and what its bytes hold.</summary>
internal sealed record WeightsSource(string Path, WeightsFile File)
{
    public const string Extension = ".weights";

    public static bool IsCandidate(string path) => path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Reads the item's bytes from its path. The compiler's text API cannot carry them: it decodes every additional
    /// file as text, which replaces invalid UTF-8 and, for data with zero bytes, reports CS2015 ("a binary file"); so the
    /// file is read as bytes, and the header, length and checksum prove they are the bytes that were saved. Never throws.
    /// </summary>
    public static WeightsSource Load(string path)
    {
        try
        {
#pragma warning disable RS1035 // File IO: the AdditionalFiles item is binary, which the analyzer text API would corrupt (see above).
            byte[] bytes = System.IO.File.ReadAllBytes(path);
#pragma warning restore RS1035
            return new WeightsSource(path, WeightsFile.Parse(bytes));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return new WeightsSource(path, WeightsFile.Unreadable(e.Message));
        }
    }
}
