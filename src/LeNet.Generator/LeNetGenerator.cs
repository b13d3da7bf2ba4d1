using System.Linq;
using LeNet.Generator.Emitting;
using LeNet.Generator.Model;
using LeNet.Generator.Parsing;
using LeNet.Generator.Shapes;
using LeNet.Generator.Weights;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
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

        // Hint names must be unique ignoring case across all networks, so each one's name is chosen knowing the others'.
        // Only the identities are collected: an edit inside one network leaves them equal, and the others stay cached.
        // Every value between steps is a class (PipelineArray, WeightsInputs, the models), never a struct or a nested
        // tuple: Roslyn's node tables for those would be JIT compiled afresh in each compiler process.
        IncrementalValueProvider<PipelineArray<string>> identities = networks
            .Select(static (network, _) => CSharpNames.Identity(network.Spec))
            .Collect()
            .Select(static (all, _) => new PipelineArray<string>(new EquatableArray<string>(all.Sort(System.StringComparer.Ordinal).ToArray())))
            .WithTrackingName(TrackingNames.Identities);

        // Only whether unsafe code is allowed leaves the compilation: equal on every edit, so nothing downstream reruns.
        IncrementalValueProvider<EmitSettings> settings = identities
            .Combine(context.CompilationProvider.Select(static (compilation, _) => new CompilationFacts(compilation.Options is CSharpCompilationOptions { AllowUnsafe: true })))
            .Select(static (pair, _) => new EmitSettings(pair.Left.Items, pair.Right.AllowUnsafe))
            .WithTrackingName(TrackingNames.Settings);

        context.RegisterSourceOutput(networks.Combine(settings), static (output, pair) => AddNetwork(output, pair.Left, pair.Right));

        // Baked weights: each .weights AdditionalFiles item is read once and stays cached until that item changes, so an
        // edit anywhere else never reads a weights file again.
        IncrementalValueProvider<PipelineArray<string>> additionalFiles = context.AdditionalTextsProvider
            .Select(static (text, _) => text.Path)
            .Collect()
            .Select(static (paths, _) => new PipelineArray<string>(new EquatableArray<string>(paths.ToArray())));
        IncrementalValueProvider<PipelineArray<WeightsSource>> weightsFiles = context.AdditionalTextsProvider
            .Where(static text => WeightsSource.IsCandidate(text.Path))
            .Select(static (text, _) => WeightsSource.Load(text.Path))
            .WithTrackingName(TrackingNames.ReadWeights)
            .Collect()
            .Select(static (files, _) => new PipelineArray<WeightsSource>(new EquatableArray<WeightsSource>(files.ToArray())));
        IncrementalValueProvider<WeightsInputs> weightsInputs = additionalFiles
            .Combine(weightsFiles)
            .Select(static (pair, _) => new WeightsInputs(pair.Left.Items, pair.Right.Items));
        IncrementalValuesProvider<BakedWeights> baked = networks
            .Where(static network => network.Spec.Weights.Length > 0 && network.Chain is not null && !network.HasErrors)
            .Combine(weightsInputs)
            .Select(static (input, _) => Bake(input.Left, input.Right.AdditionalFiles, input.Right.WeightsFiles))
            .WithTrackingName(TrackingNames.BakeWeights);
        context.RegisterSourceOutput(baked.Combine(identities), static (output, pair) =>
            AddIsolated(
                output.AddSource,
                () => BakedWeightsEmitter.HintName(CSharpNames.HintName(pair.Left.Spec, pair.Right.Items)),
                () => BakedWeightsEmitter.Emit(pair.Left, Version),
                pair.Left.Spec.DisplayName,
                CSharpNames.Identity(pair.Left.Spec) + "+Weights"));
    }

    private static BakedWeights Bake(CheckedNetwork network, EquatableArray<string> additionalFiles, EquatableArray<WeightsSource> weightsFiles)
    {
        (Problem? problem, WeightsSource? source) = WeightsBinding.Check(network, additionalFiles.ToList(),
            path => weightsFiles.FirstOrDefault(file => file.Path == path) ?? WeightsSource.Load(path));
        return new BakedWeights(network.Spec, network.Spec.Weights, network.Fingerprint, problem,
            problem is null && source is not null ? source.File.ParameterBits : EquatableArray<int>.Empty);
    }

    private static void AddNetwork(SourceProductionContext output, CheckedNetwork network, EmitSettings settings) =>
        AddIsolated(
            output.AddSource,
            () => CSharpNames.HintName(network.Spec, settings.Identities),
            () => NetworkEmitter.Emit(network, Version, output.CancellationToken, skipLocalsInit: settings.AllowUnsafe),
            network.Spec.DisplayName,
            CSharpNames.Identity(network.Spec));

    /// <summary>
    /// Adds one network's file. Whatever goes wrong here stays with this network: an exception escaping a source output
    /// would make Roslyn drop every generated file of the project (CS8785), unrelated networks included. The network
    /// then gets a file holding only an #error that names it and the failure.
    /// </summary>
    internal static void AddIsolated(System.Action<string, SourceText> addSource, System.Func<string> hintName, System.Func<string> emit, string displayName, string identity)
    {
        try
        {
            string hint = hintName();
            addSource(hint, SourceText.From(emit(), System.Text.Encoding.UTF8));
        }
        catch (System.Exception exception) when (exception is not System.OperationCanceledException)
        {
            string message = (displayName + ": " + exception.GetType().Name + ": " + exception.Message).Replace('\r', ' ').Replace('\n', ' ');
            string failure = "// <auto-generated/>\n#error LeNetGen could not generate " + message + "\n";
            try
            {
                addSource("LeNetGen.Failure." + Fnv(identity) + ".g.cs", SourceText.From(failure, System.Text.Encoding.UTF8));
            }
            catch (System.ArgumentException)
            {
                // The same failure file twice (a hash collision): the first #error already fails the build.
            }
        }
    }

    /// <summary>A hint-name-safe hash of an identity, for the failure file, whose name must not fail in turn.</summary>
    private static string Fnv(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in text)
        {
            hash = unchecked((hash ^ c) * 1099511628211UL);
        }

        return hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
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
