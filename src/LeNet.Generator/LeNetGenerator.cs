using LeNet.Generator.Emitting;
using LeNet.Generator.Model;
using LeNet.Generator.Parsing;
using LeNet.Generator.Shapes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace LeNet.Generator;

/// <summary>
/// Writes the forward code of every <c>[Network]</c> type. Diagnostics come from <c>NetworkAnalyzer</c>, which runs
/// the same checker with real locations; this pipeline carries only value-equatable models so it caches.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class LeNetGenerator : IIncrementalGenerator
{
    private static readonly string Version = typeof(LeNetGenerator).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<CheckedNetwork> networks = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkParser.NetworkAttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (attributeContext, cancellationToken) =>
                {
                    if (attributeContext.TargetSymbol is not INamedTypeSymbol type || !IsFirstNetworkDeclaration(type, attributeContext.TargetNode, cancellationToken))
                    {
                        return null;
                    }

                    return NetworkParser.Parse(type, cancellationToken);
                })
            .WithTrackingName(TrackingNames.Parse)
            .Where(static spec => spec is not null && spec.CanEmit)
            .WithTrackingName(TrackingNames.Emittable)
            .Select(static (spec, cancellationToken) => ShapeChecker.Check(spec!, cancellationToken))
            .WithTrackingName(TrackingNames.Check);

        context.RegisterSourceOutput(networks, static (output, network) =>
            output.AddSource(NetworkEmitter.HintName(network.Spec), SourceText.From(NetworkEmitter.Emit(network, Version, output.CancellationToken), System.Text.Encoding.UTF8)));
    }

    /// <summary>
    /// A repeated [Network] (an error the compiler reports) reaches the transform once per declaration; only the
    /// declaration holding the first one produces a model, so each type gets one file.
    /// </summary>
    private static bool IsFirstNetworkDeclaration(INamedTypeSymbol type, SyntaxNode target, System.Threading.CancellationToken cancellationToken)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == NetworkParser.NetworkAttributeName && attribute.ApplicationSyntaxReference is { } reference)
            {
                SyntaxNode? declaration = reference.GetSyntax(cancellationToken).Parent?.Parent;
                return declaration is not null && declaration.SyntaxTree == target.SyntaxTree && declaration.Span == target.Span;
            }
        }

        return false;
    }
}
