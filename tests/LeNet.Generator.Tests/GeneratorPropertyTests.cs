using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using CsCheck;
using LeNet.Generator.Shapes;
using LeNet.Generator.Tests.Infrastructure;
using LeNet.Tests.Reference;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace LeNet.Generator.Tests;

/// <summary>
/// Property-based tests of the whole generator with CsCheck: random layer stacks of every supported kind, random
/// attribute values (some out of range), random names (keywords, case twins, Unicode, names of generated members),
/// random namespaces and containers. Each case must either get LENET errors or compile with no error and no warning
/// in generated code, and the generator must never throw. A sound case is compiled, loaded into a collectible context
/// and run: Forward must match the naive reference and the parameter gradients of Backward must match central finite
/// differences of the reference. LENET_PROPERTY_CASES sets the number of cases (default 120, about 80 s on the shared 2-core machine);
/// LENET_PROPERTY_SEED replays the seed CsCheck prints on a failure.
/// </summary>
public sealed class GeneratorPropertyTests
{
    private const string DriverType = "LeNetPropertyDriver";

    private static readonly string[] Namespaces = { "", "Demo", "@event.@namespace", "Ünï.Côde", "A.b", "Demo.System" };

    private static readonly string[] Containers = { "", "", "Outer", "@struct", "Äußere" };

    /// <summary>Names as written: keywords with '@', case twins, Unicode letters and marks, names of generated members.</summary>
    private static readonly string[] TypeNames =
    {
        "Net", "CaseNet", "CASENET", "@class", "@event", "@record", "@var", "Réseau", "网络", "Cafe\u0301", "Ωmega", "_x",
        "@Net", "Workspace", "StackWorkspace", "DeclarationError", "Summary", "Parameters", "Loss", "Conv1", "Pool1", "Fc2", "Fc3", "Drop1",
    };

    /// <summary>The members the driver calls: with a network of one of these names the driver cannot be written.</summary>
    private static readonly HashSet<string> DriverMembers = new(StringComparer.Ordinal)
    {
        "Forward", "Backward", "Parameters", "WorkspaceLength", "TrainingWorkspaceLength", "ParameterCount",
    };

    private readonly ITestOutputHelper _output;

    public GeneratorPropertyTests(ITestOutputHelper output) => _output = output;

    private abstract record LayerCase
    {
        public abstract string Attribute { get; }

        public abstract RefLayer Reference { get; }
    }

    private sealed record ConvCase(int Filters, int Kernel, int Stride, int Padding, int Activation) : LayerCase
    {
        public override string Attribute => $"[Conv({Filters}, {Kernel}, stride: {Stride}, padding: {Padding}, Activation = (Activation)({Activation}))]";

        public override RefLayer Reference => new RefConv(Filters, Kernel, Stride, Padding, (Activation)Activation);
    }

    private sealed record PoolCase(bool Max, int Size, int? Stride) : LayerCase
    {
        public override string Attribute => $"[{(Max ? "MaxPool" : "AvgPool")}({Size}{(Stride is { } s ? $", stride: {s}" : string.Empty)})]";

        public override RefLayer Reference => new RefPool(Max, Size, Stride ?? Size);
    }

    /// <summary>A convolution with <c>padding: Padding.Same</c>: (kernel − 1) / 2 zeros, refused for an even kernel or a stride (LENET026, LENET027).</summary>
    private sealed record SameConvCase(int Filters, int Kernel, int Stride) : LayerCase
    {
        public override string Attribute => $"[Conv({Filters}, {Kernel}, padding: Padding.Same, stride: {Stride})]";

        public override RefLayer Reference => new RefConv(Filters, Kernel, Stride, (Kernel - 1) / 2);
    }

    /// <summary>Dropout, now and then at a rate out of range (LENET029); first or last in the stack it is LENET030.</summary>
    private sealed record DropoutCase(double Rate) : LayerCase
    {
        public override string Attribute => $"[Dropout({(double.IsNaN(Rate) ? "double.NaN" : Rate.ToString("R", CultureInfo.InvariantCulture))})]";

        public override RefLayer Reference => new RefDropout(Rate);
    }

    private sealed record DenseCase(int Units, int Activation) : LayerCase
    {
        public override string Attribute => $"[Dense({Units}, Activation = (Activation)({Activation}))]";

        public override RefLayer Reference => new RefDense(Units, (Activation)Activation);
    }

    private sealed record NetworkCase(string Namespace, string Container, string TypeName, bool WithTwin, int Height, int Width, int Channels, int Unroll, LayerCase[] Layers)
    {
        public string RawName => TypeName.TrimStart('@');

        /// <summary>The name with every letter's case flipped, written with '@' (legal on any identifier); null when nothing changes.</summary>
        public string? Twin
        {
            get
            {
                string flipped = new(RawName.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)).ToArray());
                return WithTwin && flipped != RawName ? "@" + flipped : null;
            }
        }

        public string FullName =>
            "global::" + (Namespace.Length > 0 ? Namespace + "." : string.Empty) + (Container.Length > 0 ? Container + "." : string.Empty) + TypeName;

        public string Source
        {
            get
            {
                var source = new StringBuilder("using LeNet;\n");
                if (Namespace.Length > 0)
                {
                    source.Append("namespace ").Append(Namespace).Append(";\n");
                }

                if (Container.Length > 0)
                {
                    source.Append("internal partial class ").Append(Container).Append("\n{\n");
                }

                source.Append($"[Network(Unroll = (KernelUnroll)({Unroll}))]\n[Input({Height}, {Width}, {Channels})]\n");
                foreach (LayerCase layer in Layers)
                {
                    source.Append(layer.Attribute).Append('\n');
                }

                source.Append("internal partial class ").Append(TypeName).Append(" { }\n");
                if (Twin is { } twin)
                {
                    source.Append("[Network][Input(4, 4)][Dense(2)] internal partial class ").Append(twin).Append(" { }\n");
                }

                if (Container.Length > 0)
                {
                    source.Append("}\n");
                }

                return source.ToString();
            }
        }
    }

    /// <summary>A size in range, or now and then zero or negative (LENET004).</summary>
    private static Gen<int> Size(int min, int max) => Gen.Frequency((40, Gen.Int[min, max]), (1, Gen.Int[-2, 0]));

    private static readonly Gen<int> ActivationValue = Gen.Frequency((30, Gen.Int[0, 3]), (1, Gen.Const(4)), (1, Gen.OneOf(Gen.Const(-1), Gen.Const(9))));

    private static readonly Gen<double> DropoutRate = Gen.Frequency((12, Gen.Double[0, 0.9]), (1, Gen.OneOf(Gen.Const(1.0), Gen.Const(-0.5), Gen.Const(double.NaN))));

    private static readonly Gen<LayerCase> Spatial = Gen.Frequency(
        (3, Gen.Select(Size(1, 4), Size(1, 4), Size(1, 3), Gen.Frequency((20, Gen.Int[0, 1]), (4, Gen.Const(2)), (1, Gen.Const(-1))), ActivationValue,
            (f, k, s, p, a) => (LayerCase)new ConvCase(f, k, s, p, a))),
        (2, Gen.Select(Gen.Bool, Size(1, 3), Gen.Frequency((10, Gen.Const((int?)null)), (10, Gen.Int[1, 3].Select(i => (int?)i)), (1, Gen.Const((int?)0))),
            (m, size, s) => (LayerCase)new PoolCase(m, size, s))),
        (1, Gen.Select(Size(1, 4), Gen.Frequency((6, Gen.Const(3)), (2, Gen.Const(1)), (1, Gen.Const(2))), Gen.Frequency((8, Gen.Const(1)), (1, Gen.Const(2))),
            (f, k, s) => (LayerCase)new SameConvCase(f, k, s))),
        (1, DropoutRate.Select(rate => (LayerCase)new DropoutCase(rate))));

    /// <summary>Dense layers; the last is now and then a softmax, which is only allowed last (LENET006 elsewhere).</summary>
    private static readonly Gen<LayerCase> Dense = Gen.Frequency(
        (6, Gen.Select(Size(1, 5), Gen.Frequency((8, ActivationValue), (1, Gen.Const(4))), (u, a) => (LayerCase)new DenseCase(u, a))),
        (1, DropoutRate.Select(rate => (LayerCase)new DropoutCase(rate))));

    /// <summary>Spatial layers, then dense ones; one stack in twenty is shuffled, which puts a spatial layer after a dense one (LENET013).</summary>
    private static readonly Gen<LayerCase[]> Layers = Gen.Select(Spatial.Array[0, 3], Dense.Array[0, 2], Gen.Int[0, 19],
        (spatial, dense, shuffle) => shuffle == 0 ? dense.Concat(spatial).ToArray() : spatial.Concat(dense).ToArray());

    private static readonly Gen<NetworkCase> Case = Gen.Select(
        Gen.OneOf(Namespaces), Gen.OneOf(Containers), Gen.OneOf(TypeNames), Gen.Bool,
        Size(3, 12), Size(3, 12), Gen.Int[1, 3], Gen.Frequency((30, Gen.Int[0, 2]), (1, Gen.Const(7))), Layers,
        (ns, container, name, twin, h, w, c, unroll, layers) => new NetworkCase(ns, container, name, twin, h, w, c, unroll, layers));

    [Fact]
    public void Random_declarations_get_lenet_errors_or_compile_and_match_the_reference()
    {
        int cases = int.TryParse(Environment.GetEnvironmentVariable("LENET_PROPERTY_CASES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : 120;
        string? seed = Environment.GetEnvironmentVariable("LENET_PROPERTY_SEED");
        int refused = 0, sound = 0, checkedNumerically = 0;
        Stopwatch timer = Stopwatch.StartNew();

        Case.Sample(
            networkCase =>
            {
                switch (CheckCase(networkCase))
                {
                    case Outcome.Refused:
                        Interlocked.Increment(ref refused);
                        break;
                    case Outcome.Sound:
                        Interlocked.Increment(ref sound);
                        break;
                    default:
                        Interlocked.Increment(ref sound);
                        Interlocked.Increment(ref checkedNumerically);
                        break;
                }
            },
            seed: string.IsNullOrEmpty(seed) ? null : seed,
            iter: cases,
            threads: 1,
            print: c => c.Source);

        _output.WriteLine($"{cases} cases in {timer.Elapsed.TotalSeconds:F1} s: {refused} refused with LENET errors, {sound} compiled, {checkedNumerically} run against the reference.");

        // The generators must reach both outcomes, or the property says little.
        Assert.True(refused > 0 && checkedNumerically > 0, $"refused {refused}, checked {checkedNumerically}");
    }

    private enum Outcome
    {
        Refused,
        Sound,
        Checked,
    }

    private static Outcome CheckCase(NetworkCase networkCase)
    {
        bool driver = !DriverMembers.Contains(networkCase.RawName);
        string[] sources = driver ? new[] { networkCase.Source, Driver(networkCase.FullName) } : new[] { networkCase.Source };

        // Fails if the generator threw or reported anything itself.
        GeneratorRun run = TestCompiler.Generate(sources);
        ImmutableArray<Diagnostic> analyzer = TestCompiler.AnalyzeAsync(run.Output).GetAwaiter().GetResult();
        Diagnostic[] compiler = run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        HashSet<SyntaxTree> generated = run.Result.GeneratedSources.Select(s => s.SyntaxTree).ToHashSet();

        Diagnostic[] errors = compiler.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Diagnostic[] generatedWarnings = compiler.Where(d => d.Location.SourceTree is { } tree && generated.Contains(tree)).ToArray();
        Diagnostic[] misplaced = analyzer.Where(d => d.Location.SourceTree is { } tree && generated.Contains(tree)).ToArray();
        if (errors.Length > 0 || generatedWarnings.Length > 0 || misplaced.Length > 0)
        {
            throw new XunitException("Compiler errors, or warnings or diagnostics in generated code:\n" + TestCompiler.Describe(errors.Concat(generatedWarnings).Concat(misplaced)));
        }

        Assert.Equal(networkCase.Twin is null ? 1 : 2, run.GeneratedSources.Count);
        Assert.Equal(run.GeneratedSources.Count, run.GeneratedSources.Keys.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        if (ShapeChecker.GeneratedMemberNames.Contains(networkCase.RawName))
        {
            Assert.Contains(analyzer, d => d.Id == "LENET020");
        }

        if (analyzer.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            return Outcome.Refused;
        }

        if (!driver)
        {
            return Outcome.Sound;
        }

        CompareWithReference(networkCase, run.Output);
        return Outcome.Checked;
    }

    private static string Driver(string network) => $$"""
        internal static class {{DriverType}}
        {
            public static int ParameterCount() => {{network}}.ParameterCount;

            public static void Forward(float[] parameters, float[] input, float[] output)
            {
                var network = new {{network}}();
                new global::System.Span<float>(parameters).CopyTo(network.Parameters);
                network.Forward(input, output, new float[{{network}}.WorkspaceLength]);
            }

            public static void Backward(float[] parameters, float[] input, float[] outputGradient, float[] gradients)
            {
                var network = new {{network}}();
                new global::System.Span<float>(parameters).CopyTo(network.Parameters);
                network.Backward(input, outputGradient, gradients, new float[{{network}}.TrainingWorkspaceLength]);
            }
        }
        """;

    private static void CompareWithReference(NetworkCase networkCase, Compilation compilation)
    {
        var reference = new ReferenceNetwork(networkCase.Channels, networkCase.Height, networkCase.Width, networkCase.Layers.Select(l => l.Reference).ToArray());
        var random = new Random(networkCase.Source.Length);
        var parameters = new float[reference.ParameterCount];
        reference.Initialize(parameters, random);
        float[] input = Enumerable.Range(0, reference.InputLength).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        float[] outputGradient = Enumerable.Range(0, reference.OutputLength).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();

        using LoadedAssembly loaded = LoadedAssembly.Emit(compilation);
        Assert.Equal(reference.ParameterCount, (int)loaded.Invoke(DriverType, "ParameterCount")!);

        var output = new float[reference.OutputLength];
        loaded.Invoke(DriverType, "Forward", parameters, input, output);
        Tolerance.AssertClose("Forward", output, reference.Run(parameters, input)[^1]);

        var gradients = new float[reference.ParameterCount];
        loaded.Invoke(DriverType, "Backward", parameters, input, outputGradient, gradients);

        // L = sum of outputGradient * output: its parameter gradient is what Backward(input, outputGradient, ...) adds.
        double[] theta = ReferenceNetwork.ToDouble(parameters);
        double[] x = ReferenceNetwork.ToDouble(input);
        double Loss()
        {
            double[] y = reference.Run(theta, x)[^1];
            double sum = 0;
            for (int i = 0; i < y.Length; i++)
            {
                sum += outputGradient[i] * y[i];
            }

            return sum;
        }

        const double step = 1e-6;
        int samples = Math.Min(12, theta.Length);
        for (int s = 0; s < samples; s++)
        {
            int i = random.Next(theta.Length);
            double original = theta[i];
            theta[i] = original + step;
            double plus = Loss();
            theta[i] = original - step;
            double minus = Loss();
            theta[i] = original;
            double numeric = (plus - minus) / (2 * step);
            if (Math.Abs(gradients[i] - numeric) > 1e-3 + (1e-2 * Math.Abs(numeric)))
            {
                throw new XunitException($"Parameter {i}: Backward gives {gradients[i]:G9}, finite differences {numeric:G9}.");
            }
        }
    }
}
