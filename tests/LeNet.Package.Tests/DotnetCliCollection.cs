using Xunit;

namespace LeNet.Package.Tests;

/// <summary>The tests that run whole builds: one at a time, so two of them never share the machine's cores.</summary>
[CollectionDefinition(Name)]
public sealed class DotnetCliCollection
{
    public const string Name = "dotnet CLI builds";
}
