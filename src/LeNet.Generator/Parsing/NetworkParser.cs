using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LeNet.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LeNet.Generator.Parsing;

/// <summary>
/// Reads a <c>[Network]</c> type's symbol into a <see cref="NetworkSpec"/> of plain values. It records what is written
/// and judges nothing; <c>ShapeChecker</c> does the judging. Half-typed attributes are flagged, never thrown on.
/// </summary>
internal static class NetworkParser
{
    public const string NetworkAttributeName = "LeNet.NetworkAttribute";

    /// <summary>The layer attributes by metadata name, each with the reader of its arguments.</summary>
    private static readonly Dictionary<string, Func<Arguments, LayerSpec>> LayerAttributes = new()
    {
        ["LeNet.InputAttribute"] = static a => new InputSpec(a.Get("height", 0), a.Get("width", 0), a.Get("channels", InputSpec.DefaultChannels)),
        ["LeNet.ConvAttribute"] = static a => new ConvSpec(
            a.Get("filters", 0), a.Get("kernel", 0), a.Get("stride", ConvSpec.DefaultStride), a.Get("padding", ConvSpec.DefaultPadding), a.Activation)
        {
            PaddingMode = a.PaddingMode,
        },
        ["LeNet.MaxPoolAttribute"] = static a => new PoolSpec(LayerType.MaxPool, a.Get("size", 0), a.Get("stride", PoolSpec.DefaultStride(a.Get("size", 0)))),
        ["LeNet.AvgPoolAttribute"] = static a => new PoolSpec(LayerType.AvgPool, a.Get("size", 0), a.Get("stride", PoolSpec.DefaultStride(a.Get("size", 0)))),
        ["LeNet.DenseAttribute"] = static a => new DenseSpec(a.Get("units", 0), a.Activation),
        ["LeNet.DropoutAttribute"] = static a => new DropoutSpec(a.GetDouble("rate", double.NaN)),
        ["LeNet.BatchNormAttribute"] = static a => new BatchNormSpec(
            a.GetDouble("momentum", BatchNormSpec.DefaultMomentum), a.GetDouble("epsilon", BatchNormSpec.DefaultEpsilon), a.Activation),
    };

    private static readonly HashSet<string> LayerAttributeShortNames = new()
    {
        "Input", "InputAttribute", "Conv", "ConvAttribute", "MaxPool", "MaxPoolAttribute", "AvgPool", "AvgPoolAttribute", "Dense", "DenseAttribute",
        "Dropout", "DropoutAttribute", "BatchNorm", "BatchNormAttribute",
    };

    /// <summary>The attributes a spec was read from, kept by the analyzer to turn problems into locations.</summary>
    public sealed class Sources
    {
        public AttributeData? Network { get; set; }

        public List<AttributeData> Layers { get; } = new();

        public List<AttributeData> StrayLayers { get; } = new();
    }

    public static NetworkSpec Parse(INamedTypeSymbol type, CancellationToken cancellationToken, Sources? sources = null)
    {
        string ns = NamespaceName(type.ContainingNamespace);

        var containers = new List<ContainingType>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            containers.Insert(0, new ContainingType(TypeKeyword(outer), outer.Name, IsPartial(outer, cancellationToken)));
        }

        KernelUnroll unroll = KernelUnroll.Window;
        string weights = "";
        SyntaxNode? networkDeclaration = null;
        bool unreadable = false;
        var layersByDeclaration = new List<(SyntaxNode Declaration, List<(int Position, AttributeData Data, LayerSpec Layer)> Layers)>();

        foreach (AttributeData attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            INamedTypeSymbol? attributeClass = attribute.AttributeClass;
            string fullName = attributeClass?.ToDisplayString() ?? string.Empty;

            if (fullName == NetworkAttributeName)
            {
                networkDeclaration ??= attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>();
                if (sources is not null && sources.Network is null)
                {
                    sources.Network = attribute;
                }

                foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
                {
                    if (named.Key == "Unroll" && named.Value.Value is int value)
                    {
                        unroll = (KernelUnroll)value;
                    }
                    else if (named.Key == "Weights" && named.Value.Value is string path)
                    {
                        weights = path;
                    }
                }

                continue;
            }

            if (!LayerAttributes.TryGetValue(fullName, out Func<Arguments, LayerSpec>? read))
            {
                // An attribute the compiler cannot bind but that looks like ours: the user is mid-edit.
                unreadable |= attributeClass is null || (attributeClass.TypeKind == TypeKind.Error && LayerAttributeShortNames.Contains(attributeClass.Name));
                continue;
            }

            if (attribute.AttributeConstructor is null || attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error))
            {
                unreadable = true;
                continue;
            }

            SyntaxReference? reference = attribute.ApplicationSyntaxReference;
            SyntaxNode? declaration = reference?.GetSyntax(cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (reference is null || declaration is null)
            {
                unreadable = true;
                continue;
            }

            LayerSpec layer = read(new Arguments(attribute));
            int slot = layersByDeclaration.FindIndex(d => SameNode(d.Declaration, declaration));
            if (slot < 0)
            {
                layersByDeclaration.Add((declaration, new List<(int, AttributeData, LayerSpec)>()));
                slot = layersByDeclaration.Count - 1;
            }

            layersByDeclaration[slot].Layers.Add((reference.Span.Start, attribute, layer));
        }

        // Layer order is source order on one declaration: the one with [Network] if it has layers, else the first that does.
        int Rank(SyntaxNode declaration) => networkDeclaration is not null && SameNode(declaration, networkDeclaration) ? -1 : DeclarationOrder(type, declaration);
        layersByDeclaration.Sort((x, y) => Rank(x.Declaration).CompareTo(Rank(y.Declaration)));
        var layers = new List<LayerSpec>();
        int strayCount = 0;
        for (int d = 0; d < layersByDeclaration.Count; d++)
        {
            List<(int Position, AttributeData Data, LayerSpec Layer)> group = layersByDeclaration[d].Layers;
            group.Sort((x, y) => x.Position.CompareTo(y.Position));
            foreach ((int _, AttributeData data, LayerSpec layer) in group)
            {
                if (d == 0)
                {
                    layers.Add(layer);
                    sources?.Layers.Add(data);
                }
                else
                {
                    strayCount++;
                    sources?.StrayLayers.Add(data);
                }
            }
        }

        return new NetworkSpec(
            ns,
            type.Name,
            new EquatableArray<ContainingType>(containers),
            IsPartial(type, cancellationToken),
            // IsGenericType also covers a type nested in a generic one, whose generated part could not name the container.
            type.IsGenericType,
            UnsupportedKind(type),
            type.InstanceConstructors.Any(constructor => constructor.Parameters.Length == 0),
            unreadable,
            unroll,
            new EquatableArray<LayerSpec>(layers),
            strayCount)
        {
            Weights = weights,
        };
    }

    /// <summary>The constructor parameter or property an argument name refers to, as the checker names it.</summary>
    public static string? ArgumentName(AttributeArgumentSyntax argument, AttributeData data, int position)
    {
        if (argument.NameColon is { } nameColon)
        {
            return nameColon.Name.Identifier.ValueText;
        }

        if (argument.NameEquals is { } nameEquals)
        {
            return nameEquals.Name.Identifier.ValueText;
        }

        IMethodSymbol? constructor = data.AttributeConstructor;
        return constructor is not null && position < constructor.Parameters.Length ? constructor.Parameters[position].Name : null;
    }

    /// <summary>An attribute's integer and floating-point arguments by parameter name, and its Activation property.</summary>
    private sealed class Arguments
    {
        private const string PaddingTypeName = "LeNet.Padding";

        private readonly Dictionary<string, int> _values = new();

        private readonly Dictionary<string, double> _reals = new();

        public Arguments(AttributeData attribute)
        {
            IMethodSymbol constructor = attribute.AttributeConstructor!;
            for (int i = 0; i < attribute.ConstructorArguments.Length && i < constructor.Parameters.Length; i++)
            {
                if (attribute.ConstructorArguments[i].Value is double real)
                {
                    _reals[constructor.Parameters[i].Name] = real;
                }

                if (attribute.ConstructorArguments[i].Value is not int value)
                {
                    continue;
                }

                if (constructor.Parameters[i].Type.ToDisplayString() == PaddingTypeName)
                {
                    // padding: Padding.Same is a rule, not a number of zeros; the checker turns it into one.
                    PaddingMode = (LeNet.Padding)value;
                }
                else
                {
                    _values[constructor.Parameters[i].Name] = value;
                }
            }

            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                if (named.Key == "Activation" && named.Value.Value is int value)
                {
                    Activation = (Activation)value;
                }
            }
        }

        public Activation Activation { get; }

        public LeNet.Padding? PaddingMode { get; }

        public int Get(string name, int fallback) => _values.TryGetValue(name, out int value) ? value : fallback;

        public double GetDouble(string name, double fallback) => _reals.TryGetValue(name, out double value) ? value : fallback;
    }

    /// <summary>
    /// The namespace as its symbols name it, dot-separated and without any '@': the emitter escapes each part again, so a
    /// namespace like <c>@event.@namespace</c> is written back as written and its hint name stays free of '@'.
    /// </summary>
    private static string NamespaceName(INamespaceSymbol? ns)
    {
        var parts = new List<string>();
        for (; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
        {
            parts.Insert(0, ns.Name);
        }

        return string.Join(".", parts);
    }

    private static bool SameNode(SyntaxNode first, SyntaxNode second) => first.SyntaxTree == second.SyntaxTree && first.Span == second.Span;

    private static int DeclarationOrder(INamedTypeSymbol type, SyntaxNode declaration)
    {
        for (int i = 0; i < type.DeclaringSyntaxReferences.Length; i++)
        {
            SyntaxReference reference = type.DeclaringSyntaxReferences[i];
            if (reference.SyntaxTree == declaration.SyntaxTree && reference.Span == declaration.Span)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return false;
            }
        }

        return type.DeclaringSyntaxReferences.Length > 0;
    }

    /// <summary>What stops the generated members from living on <paramref name="type"/>, in the words of LENET019.</summary>
    private static string UnsupportedKind(INamedTypeSymbol type) => type switch
    {
        { IsStatic: true } => "static",
        { IsAbstract: true } => "abstract",
        { IsRecord: true } => "a record",
        { IsFileLocal: true } => "file-local, since the generated part lives in another file",
        _ => string.Empty,
    };

    private static string TypeKeyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };
}
