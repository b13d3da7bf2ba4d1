using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace LeNet.Generator.Tests.Infrastructure;

/// <summary>An AdditionalFiles item as the compiler passes a binary one: a path whose text must never be asked for.</summary>
internal sealed class BinaryAdditionalText(string path) : AdditionalText
{
    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException($"GetText was called on the binary AdditionalFiles item {Path}: the compiler would report CS2015.");
}
