using System;
using Xunit;

namespace LeNet.Runtime.Tests.Infrastructure;

/// <summary>A fact about Linux file-system behaviour (FIFOs, device nodes, modes, symbolic links): skipped elsewhere.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class LinuxFactAttribute : FactAttribute
{
    /// <summary>Skips the test off Linux, and when <paramref name="needsRoot"/> is set, when not running as root.</summary>
    public LinuxFactAttribute(bool needsRoot = false)
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Linux file-system behaviour; this machine is not Linux.";
        }
        else if (needsRoot && !UnixFiles.IsRoot)
        {
            Skip = "Needs root (to make a device node); run the suite as root, as CI does.";
        }
    }
}
