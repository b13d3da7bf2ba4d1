using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using LeNet.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace LeNet.Generator.Tests;

/// <summary>
/// The house rules no IDE analyzer checks (the rest are in .editorconfig and fail the build), read from the syntax of
/// every C# file under src/ and tests/. They live here because this project already references Roslyn.
/// </summary>
public sealed partial class HouseStyleTests
{
    private static readonly string[] TestAttributes = { "Fact", "Theory", "MnistFact" };

    /// <summary>Network declarations are exempt: a list of <c>[Network]</c> classes reads as one table.</summary>
    [Fact]
    public void Every_source_file_declares_at_most_one_public_type()
    {
        var offenders = new List<string>();
        foreach ((string path, CompilationUnitSyntax root) in SourceFiles())
        {
            var publicTypes = new List<string>();
            foreach (MemberDeclarationSyntax member in TopLevelMembers(root))
            {
                if (member is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax && member.Modifiers.Any(SyntaxKind.PublicKeyword)
                    && !IsNetworkDeclaration(member))
                {
                    publicTypes.Add(Name(member));
                }
            }
            if (publicTypes.Count > 1)
            {
                offenders.Add($"{path}: {string.Join(", ", publicTypes)}");
            }
        }

        Assert.True(offenders.Count == 0, "Files with more than one public type (give each its own file):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Test_methods_are_named_as_a_sentence_with_underscores()
    {
        var offenders = new List<string>();
        foreach ((string path, CompilationUnitSyntax root) in SourceFiles())
        {
            foreach (MethodDeclarationSyntax method in root.DescendantNodes().OfType<MethodDeclarationSyntax>())
            {
                if (IsTest(method) && !SentenceName().IsMatch(method.Identifier.ValueText))
                {
                    offenders.Add($"{path}: {method.Identifier.ValueText}");
                }
            }
        }

        Assert.True(offenders.Count == 0,
            "Test methods not named like Pads_to_32x32_with_a_zero_border (capital first, words joined by single underscores):\n"
            + string.Join("\n", offenders));
    }

    [Fact]
    public void The_checks_see_the_files_and_tests_they_are_about()
    {
        int files = 0;
        int tests = 0;
        bool sawThisFile = false;
        foreach ((string path, CompilationUnitSyntax root) in SourceFiles())
        {
            files++;
            sawThisFile |= path.EndsWith("HouseStyleTests.cs", StringComparison.Ordinal);
            foreach (MethodDeclarationSyntax method in root.DescendantNodes().OfType<MethodDeclarationSyntax>())
            {
                tests += IsTest(method) ? 1 : 0;
            }
        }

        Assert.True(sawThisFile, "the scan missed tests/LeNet.Generator.Tests/HouseStyleTests.cs");
        Assert.True(files > 50, $"only {files} source files found");
        Assert.True(tests > 100, $"only {tests} test methods found");
        Assert.DoesNotMatch(SentenceName(), "PascalCaseName");
        Assert.DoesNotMatch(SentenceName(), "lower_case_start");
        Assert.DoesNotMatch(SentenceName(), "Double__underscore");
        Assert.Matches(SentenceName(), "Pads_to_32x32_with_a_zero_border");
    }

    /// <summary>Every .cs file under src/ and tests/ except build output, as a path relative to the repository.</summary>
    private static IEnumerable<(string Path, CompilationUnitSyntax Root)> SourceFiles()
    {
        string repository = Snapshot.FindSolutionDirectory();
        foreach (string folder in new[] { "src", "tests" })
        {
            foreach (string file in Directory.EnumerateFiles(Path.Combine(repository, folder), "*.cs", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(repository, file).Replace('\\', '/');
                if (relative.Contains("/bin/", StringComparison.Ordinal) || relative.Contains("/obj/", StringComparison.Ordinal))
                {
                    continue;
                }
                yield return (relative, CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetCompilationUnitRoot());
            }
        }
    }

    private static IEnumerable<MemberDeclarationSyntax> TopLevelMembers(CompilationUnitSyntax root)
    {
        foreach (MemberDeclarationSyntax member in root.Members)
        {
            if (member is BaseNamespaceDeclarationSyntax space)
            {
                foreach (MemberDeclarationSyntax inner in space.Members)
                {
                    yield return inner;
                }
            }
            else
            {
                yield return member;
            }
        }
    }

    private static string Name(MemberDeclarationSyntax member) => member switch
    {
        BaseTypeDeclarationSyntax type => type.Identifier.ValueText,
        DelegateDeclarationSyntax type => type.Identifier.ValueText,
        _ => member.Kind().ToString(),
    };

    private static bool IsNetworkDeclaration(MemberDeclarationSyntax member)
    {
        foreach (AttributeListSyntax list in member.AttributeLists)
        {
            foreach (AttributeSyntax attribute in list.Attributes)
            {
                if (attribute.Name.ToString() is "Network" or "NetworkAttribute" or "LeNet.Network")
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool IsTest(MethodDeclarationSyntax method)
    {
        foreach (AttributeListSyntax list in method.AttributeLists)
        {
            foreach (AttributeSyntax attribute in list.Attributes)
            {
                string name = attribute.Name.ToString();
                if (Array.IndexOf(TestAttributes, name) >= 0 || Array.IndexOf(TestAttributes, name.Replace("Attribute", "")) >= 0)
                {
                    return true;
                }
            }
        }
        return false;
    }

    [GeneratedRegex("^[A-Z][A-Za-z0-9]*(_[A-Za-z0-9]+)+$")]
    private static partial Regex SentenceName();
}
