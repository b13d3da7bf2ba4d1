using System.Collections.Immutable;
using System.Linq;
using LeNet.Generator.Model;
using LeNet.Generator.Parsing;
using LeNet.Generator.Shapes;
using LeNet.Generator.Weights;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LeNet.Generator.Diagnostics;

/// <summary>
/// Reports every problem of a <c>[Network]</c> declaration on the exact attribute or argument at fault. It runs the
/// same parser and checker as the generator; being an analyzer, its locations honour #pragma and .editorconfig.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = Descriptors.ById.Values.ToImmutableArray();

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? networkAttribute = start.Compilation.GetTypeByMetadataName(NetworkParser.NetworkAttributeName);
            if (networkAttribute is null)
            {
                return;
            }

            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, networkAttribute), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol networkAttribute)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, networkAttribute)))
        {
            return;
        }

        var sources = new NetworkParser.Sources();
        NetworkSpec spec = NetworkParser.Parse(type, context.CancellationToken, sources);
        CheckedNetwork result = ShapeChecker.Check(spec, context.CancellationToken);
        foreach (Problem problem in result.Problems)
        {
            Report(context, problem, type, sources);
        }

        // The weights to bake are checked only against a sound network: its fingerprint and count exist only then.
        if (spec.Weights.Length > 0 && result.Chain is not null && !result.HasErrors)
        {
            string[] additionalFiles = context.Options.AdditionalFiles.Select(file => file.Path).ToArray();
            (Problem? problem, _) = WeightsBinding.Check(result, additionalFiles, WeightsSource.Load);
            if (problem is not null)
            {
                Report(context, problem, type, sources);
            }
        }
    }

    private static void Report(SymbolAnalysisContext context, Problem problem, INamedTypeSymbol type, NetworkParser.Sources sources)
    {
        DiagnosticDescriptor descriptor = Descriptors.ById[problem.Id];
        object[] args = problem.MessageArgs.Cast<object>().ToArray();
        foreach (Location location in Locate(problem, type, sources, context.CancellationToken))
        {
            context.ReportDiagnostic(Diagnostic.Create(descriptor, location, args));
        }
    }

    private static ImmutableArray<Location> Locate(Problem problem, INamedTypeSymbol type, NetworkParser.Sources sources, System.Threading.CancellationToken cancellationToken)
    {
        switch (problem.Site)
        {
            case ProblemSite.Layer when problem.Index < sources.Layers.Count:
                return ImmutableArray.Create(AttributeLocation(sources.Layers[problem.Index], problem.Argument, cancellationToken) ?? type.Locations.First());
            case ProblemSite.StrayLayer when problem.Index < sources.StrayLayers.Count:
                return ImmutableArray.Create(AttributeLocation(sources.StrayLayers[problem.Index], null, cancellationToken) ?? type.Locations.First());
            case ProblemSite.NetworkAttribute when sources.Network is not null:
                return ImmutableArray.Create(AttributeLocation(sources.Network, problem.Argument, cancellationToken) ?? type.Locations.First());
            case ProblemSite.ContainingType:
            {
                INamedTypeSymbol? container = type;
                for (int depth = problem.Index; container is not null && depth < ContainingDepth(type); depth++)
                {
                    container = container.ContainingType;
                }

                return container is null ? type.Locations : container.Locations;
            }

            default:
                return type.Locations;
        }
    }

    private static int ContainingDepth(INamedTypeSymbol type)
    {
        int depth = 0;
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            depth++;
        }

        return depth;
    }

    /// <summary>The argument named <paramref name="argument"/> of the attribute, or the whole attribute when it is not written out.</summary>
    private static Location? AttributeLocation(AttributeData data, string? argument, System.Threading.CancellationToken cancellationToken)
    {
        if (data.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
        {
            return null;
        }

        if (argument is not null && syntax.ArgumentList is { } list)
        {
            for (int i = 0; i < list.Arguments.Count; i++)
            {
                if (NetworkParser.ArgumentName(list.Arguments[i], data, i) == argument)
                {
                    return list.Arguments[i].GetLocation();
                }
            }
        }

        return syntax.GetLocation();
    }
}
