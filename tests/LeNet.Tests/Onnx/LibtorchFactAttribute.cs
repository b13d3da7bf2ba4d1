using System;
using Xunit;

namespace LeNet.Tests.Onnx;

/// <summary>Skips a test when the libtorch fixture is missing, except under CI=true, where the test runs and fails.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class LibtorchFactAttribute : FactAttribute
{
    public LibtorchFactAttribute()
    {
        bool ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        Skip = LibtorchLeNet5.IsAvailable || ci ? null : LibtorchLeNet5.MissingMessage;
    }
}
