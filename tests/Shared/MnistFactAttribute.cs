using System;
using LeNet.Sample;
using Xunit;

namespace LeNet.Tests.Shared;

/// <summary>
/// A <see cref="FactAttribute"/> for tests that need the real MNIST files in <see cref="MnistDirectory.Default()"/>.
/// When the files are missing the test is skipped with <see cref="MnistDirectory.MissingDataMessage(string)"/> as the reason, except on
/// CI (the environment variable <c>CI</c> is <c>true</c>), where it runs and fails with that message: CI must never go
/// green by silently skipping the real-data tests.
/// </summary>
/// <remarks>
/// xunit 2 has no dynamic skip, so the decision is taken when the attribute is constructed (at discovery). The test
/// itself loads the data through <see cref="Mnist.Load"/>, whose <see cref="System.IO.FileNotFoundException"/> carries
/// the same message without the part on how to provide the data.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class MnistFactAttribute : FactAttribute
{
    /// <summary>Skips the test when MNIST is missing, unless running on CI.</summary>
    public MnistFactAttribute()
    {
        string directory = MnistDirectory.Default();
        Skip = SkipReason(Mnist.IsAvailable(directory), Environment.GetEnvironmentVariable("CI"), directory);
    }

    /// <summary>The skip reason for the given situation: null (run) when the data is there or on CI.</summary>
    internal static string? SkipReason(bool available, string? ci, string directory) =>
        available || string.Equals(ci, "true", StringComparison.OrdinalIgnoreCase) ? null : MnistDirectory.MissingDataMessage(directory);
}
