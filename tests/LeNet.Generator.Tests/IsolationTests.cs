using System;
using System.Collections.Generic;
using System.Linq;
using LeNet.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace LeNet.Generator.Tests;

/// <summary>
/// A failure while generating one network stays with that network: it gets a file with an #error naming it, nothing
/// escapes the source output (which would be CS8785 and the loss of every network's code), cancellation still stops.
/// </summary>
public sealed class IsolationTests
{
    private static Dictionary<string, string> Run(Func<string> hintName, Func<string> emit, Action<string>? onAdd = null)
    {
        var added = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        void AddSource(string hint, SourceText text)
        {
            onAdd?.Invoke(hint);
            added.Add(hint, text.ToString());
        }

        LeNetGenerator.AddIsolated(AddSource, hintName, emit, "Outer.Net", "Demo::Outer+Net");
        return added;
    }

    [Fact]
    public void AnEmitterExceptionBecomesAnErrorDirectiveNamingTheNetwork()
    {
        Dictionary<string, string> added = Run(() => "Demo.Outer.Net.LeNet.g.cs", () => throw new InvalidOperationException("boom\nsecond line"));

        (string hint, string text) = Assert.Single(added);
        Assert.StartsWith("LeNetGen.Failure.", hint, StringComparison.Ordinal);
        Assert.Contains("#error LeNetGen could not generate Outer.Net: InvalidOperationException: boom second line", text, StringComparison.Ordinal);

        // The directive is what the user sees: one error, with the text, instead of CS8785 for the whole project.
        Diagnostic error = Assert.Single(TestCompiler.Compile(text).GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("CS1029", error.Id);
        Assert.Contains("Outer.Net", error.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void ARefusedHintNameBecomesAnErrorDirectiveToo()
    {
        // AddSource throws ArgumentException on a duplicate or invalid hint name: the exception behind CS8785.
        Dictionary<string, string> added = Run(
            () => "Demo.Outer.Net.LeNet.g.cs",
            () => "// code",
            hint =>
            {
                if (!hint.StartsWith("LeNetGen.Failure.", StringComparison.Ordinal))
                {
                    throw new ArgumentException("The hintName 'Demo.Outer.Net.LeNet.g.cs' of the added source file must be unique within a generator.", "hintName");
                }
            });

        Assert.Contains("ArgumentException", Assert.Single(added).Value, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailingFailureFileDoesNotEscapeEither()
    {
        Dictionary<string, string> added = Run(() => throw new InvalidOperationException("hint"), () => "// code", _ => throw new ArgumentException("no"));

        Assert.Empty(added);
    }

    [Fact]
    public void CancellationIsNotSwallowed()
    {
        Assert.Throws<OperationCanceledException>(() => Run(() => "Demo.Net.LeNet.g.cs", () => throw new OperationCanceledException()));
    }

    [Fact]
    public void ASoundNetworkIsAddedUnderItsHintName()
    {
        Dictionary<string, string> added = Run(() => "Demo.Outer.Net.LeNet.g.cs", () => "// code");

        Assert.Equal("// code", added.Single(pair => pair.Key == "Demo.Outer.Net.LeNet.g.cs").Value);
    }
}
