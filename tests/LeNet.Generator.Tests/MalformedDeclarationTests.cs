using System.Threading.Tasks;
using LeNet.Generator.Tests.Infrastructure;
using Xunit;

namespace LeNet.Generator.Tests;

/// <summary>
/// What an editor feeds the generator and analyzer while someone types: every prefix of a declaration file and some
/// plain nonsense. Nothing may throw; the harness fails on a generator exception, AD0001 or an analyzer callback.
/// </summary>
public sealed class MalformedDeclarationTests
{
    private static readonly string LeNet5File = Networks.LeNet5(channels: 3);

    public static TheoryData<int> PrefixLengths()
    {
        var lengths = new TheoryData<int>();
        for (int length = 0; length <= LeNet5File.Length; length++)
        {
            lengths.Add(length);
        }

        return lengths;
    }

    public static TheoryData<string> Nonsense() => new()
    {
        "[Network][Input(32, 32)][Conv()][Dense(10)] partial class Net { }",
        "[Network][Input(32, 32)][Dense(10)][Dropout()][Dense(2)] partial class Net { }",
        "[Network][Input(32, 32)][Dense(10)][Dropout(\"half\")][Dense(2)] partial class Net { }",
        "[Network][Input(32, 32)][Dense(10)][Dropout(double.NaN)][Dropout(double.PositiveInfinity)][Dropout][Dense(2)] partial class Net { }",
        "[Network][Input(32, 32)][Conv(6, 5, padding: Padding.)][Dense(10)] partial class Net { }",
        "[Network][Input(32, 32)][Conv(6, int.MinValue, padding: Padding.Same, stride: int.MaxValue)][Dense(10)] partial class Net { }",
        "[Network][Input(32, 32)][Conv(filters: 6, kernel: \"5\")][Dense(10)] partial class Net { }",
        "[Network][Input(32)][Dense(10)] partial class Net { }",
        "[Network][Input][Conv][MaxPool][AvgPool][Dense] partial class Net { }",
        "[Network][Input(32, 32)][Conv(6, Missing)][Dense(10)] partial class Net { }",
        "[Network][Input(32, 32)][Dense(10, Activation = 7)] partial class Net { }",
        "[Network][Input(32, 32)][Dense(10, Activation = Activation.)] partial class Net { }",
        "[Network(Unroll = KernelUnroll.Banana)][Input(32, 32)][Dense(10)] partial class Net { }",
        "[Network(Unroll = 3)][Input(32, 32)][Dense(10)] partial class Net { }",
        "[Network(5)][Input(32, 32)][Dense(10)] partial class Net { }",
        "[Network][Input(32, 32)][Dense(10)] partial struct Net { }",
        "[Network][Input(32, 32)][Dense(10)] static partial class Net { }",
        "[Network][Input(32, 32)][Dense(10)] abstract partial class Net { }",
        "[Network][Input(32, 32)][Dense(10)] partial record Net;",
        "[Network][Input(32, 32)][Dense(10)] partial interface INet { }",
        "[Network][Input(32, 32)][Dense(10)] file partial class Net { }",
        "[Network][Input(32, 32)][Dense(10)] partial class { }",
        "[Network][Input(32, 32)][Dense(10)] partial class Net<T, > { }",
        "[Network][Network][Input(32, 32)][Dense(10)] partial class Net { }",
        "[Network][Input(32, 32)] partial class Net { } [Network][Dense(10)] partial class Net { }",
        "[Network][Convolution(6, 5)][Pool(2)][Dense(10)] partial class Net { }",
        "[Network][Input(32, 32)][Obsolete][Dense(10)] partial class Net { }",
        "[Network, Input(32, 32), Conv(6, 5), Dense(10)] partial class Net { }",
        "[Network][Input(int.MaxValue, int.MaxValue, int.MaxValue)][Conv(int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue)][Dense(int.MaxValue)] partial class Net { }",
        "[Network][Input(int.MinValue, int.MinValue, int.MinValue)][Conv(int.MinValue, int.MinValue, int.MinValue, int.MinValue)][MaxPool(int.MinValue, int.MinValue)] partial class Net { }",
        "[Network][Input(1, 1)][MaxPool(1, int.MaxValue)][AvgPool(int.MaxValue)][Dense(1)] partial class Net { }",
        "[Network][Input(32, 32)][Dense(10)] partial class Net { public void Forward() { } public int InputLength; }",
        "[Network][Input(32, 32)][Dense(10)] partial class Net : Net { }",
        "partial class Outer { partial struct Inner { [Network][Input(32, 32)][Dense(10)] partial class Net { } } }",
        "partial class Outer<T> where T : Outer<T>.Net { [Network][Input(32, 32)][Dense(10)] internal partial class Net { } }",
        "[Network][Input(Size, Size)][Dense(10)] partial class Net { const int Size = Size; }",
        "#if false\n[Network]\n#endif\n[Input(32, 32)][Dense(10)] partial class Net { }",
        "[Network][Input(32, 32)][Dense(10)] partial class Net { [Network][Input(8, 8)][Dense(2)] partial class Net { } }",
        "[Network][Input(32, 32)][Dense(10)] delegate void Net();",
        "[Network][Input(32, 32)][Dense(10)] enum Net { }",
        "class C { [Network] void M() { } [Input(1, 1)] int F; }",
    };

    /// <remarks>
    /// The analyzer runs on the typed source alone: on the output it would also bind the generated LeNet-5 kernels,
    /// half a second per complete prefix. DiagnosticTests analyze the complete file's output.
    /// </remarks>
    [Theory]
    [MemberData(nameof(PrefixLengths))]
    public async Task Every_prefix_of_a_declaration_file_is_survived(int length)
    {
        string prefix = LeNet5File.Substring(0, length);
        TestCompiler.Generate(prefix);
        await TestCompiler.AnalyzeAsync(TestCompiler.Compile(prefix));
    }

    [Theory]
    [MemberData(nameof(Nonsense))]
    public async Task Nonsense_declarations_are_survived(string declaration)
    {
        GeneratorRun run = TestCompiler.Generate("using LeNet;\n" + declaration);
        await TestCompiler.AnalyzeAsync(run.Output);
    }
}
