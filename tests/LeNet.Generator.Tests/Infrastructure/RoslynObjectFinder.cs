using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace LeNet.Generator.Tests.Infrastructure;

/// <summary>
/// Walks an object graph by reflection and lists every Roslyn object in it that would keep a compilation alive or
/// defeat the pipeline's caching, plus every field declared with such a type even when it holds null.
/// </summary>
internal static class RoslynObjectFinder
{
    private static readonly Type[] Forbidden =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Compilation), typeof(SemanticModel), typeof(Location), typeof(AttributeData),
    };

    public static IReadOnlyList<string> Find(object? root, string rootName)
    {
        var found = new List<string>();
        Walk(root, rootName, found, new HashSet<object>(ReferenceEqualityComparer.Instance));
        return found;
    }

    private static void Walk(object? value, string path, List<string> found, HashSet<object> seen)
    {
        if (value is null)
        {
            return;
        }

        Type type = value.GetType();
        if (IsRoslynType(type))
        {
            found.Add($"{path}: {type.FullName}");
            return;
        }

        if (type.IsPrimitive || type.IsEnum || type.IsPointer || value is string or decimal || value is Pointer)
        {
            return;
        }

        if (!type.IsValueType && !seen.Add(value))
        {
            return;
        }

        if (value is Array array)
        {
            int index = 0;
            foreach (object? item in array)
            {
                Walk(item, $"{path}[{index++}]", found, seen);
            }

            return;
        }

        for (Type? declaring = type; declaring is not null && declaring != typeof(object); declaring = declaring.BaseType)
        {
            foreach (FieldInfo field in declaring.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                string fieldPath = $"{path}.{field.Name}";
                if (IsBuiltFromRoslynType(field.FieldType))
                {
                    found.Add($"{fieldPath}: declared as {field.FieldType}");
                    continue;
                }

                Walk(field.GetValue(value), fieldPath, found, seen);
            }
        }
    }

    private static bool IsRoslynType(Type type) => Forbidden.Any(forbidden => forbidden.IsAssignableFrom(type));

    /// <summary>A Roslyn type itself, or an array or generic type built from one (ImmutableArray&lt;ISymbol&gt;, Location[]).</summary>
    private static bool IsBuiltFromRoslynType(Type type)
    {
        if (IsRoslynType(type))
        {
            return true;
        }

        if (type.HasElementType && type.GetElementType() is { } element)
        {
            return IsBuiltFromRoslynType(element);
        }

        return type.IsGenericType && type.GetGenericArguments().Any(IsBuiltFromRoslynType);
    }
}
