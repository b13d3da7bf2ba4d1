using System;
using System.IO;
using LeNet.Tests.Shared;
using Xunit;

namespace LeNet.Sample.Tests;

/// <summary>
/// A test that needs MNIST and Debian's Chromium at <see cref="ChromiumPath"/>. Without either it is skipped with the
/// reason and how to get it, except on CI (<c>CI=true</c>), where it runs and fails: <c>.ci/run</c> installs Chromium.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public BrowserFactAttribute()
    {
        bool ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        string directory = Mnist.DefaultDirectory();
        if (ci)
        {
            return;
        }

        if (!Mnist.IsAvailable(directory))
        {
            Skip = Mnist.MissingDataMessage(directory);
        }
        else if (!File.Exists(ChromiumPath))
        {
            Skip = $"Chromium not found at {ChromiumPath}: install Debian's package ('apt-get install chromium'), as .ci/run does.";
        }
    }
}
