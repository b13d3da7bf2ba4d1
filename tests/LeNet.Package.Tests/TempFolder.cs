using System;
using System.IO;

namespace LeNet.Package.Tests;

/// <summary>A fresh folder under the system temp path, deleted with everything in it on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);

        // Nothing from folders above may leak into projects built here.
        File.WriteAllText(System.IO.Path.Combine(Path, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(System.IO.Path.Combine(Path, "Directory.Build.targets"), "<Project />\n");
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file for a moment; the OS temp cleaner gets the rest.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
