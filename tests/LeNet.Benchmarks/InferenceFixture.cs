using System;
using System.IO;
using LeNet.Onnx;
using LeNet.Training;

namespace LeNet.Benchmarks;

/// <summary>
/// The weights, inputs and runners every inference row shares: the generated network, and ONNX Runtime running the
/// product's own ONNX export (<see cref="OnnxExporter.Export"/>) of that network, bound to the same arrays. One channel
/// runs the sample's trained weights (lenet5-mnist.weights, what <c>LeNet5.CreateTrained()</c> holds) with their
/// subnormal values flushed to zero unless <c>keepSubnormals</c> (see <see cref="FlushSubnormals"/> and
/// <see cref="SubnormalWeightsBenchmarks"/>); three channels, which have no trained file, run the fixed-seed
/// initialisation (<see cref="Initializer"/>, seed 1). Inputs are uniform random pixels in [0, 1).
/// </summary>
internal sealed class InferenceFixture : IDisposable
{
    private const string TrainedWeights = "lenet5-mnist.weights";

    private readonly float[] _onnxOutputs;
    private readonly Action<float[], float[]> _forward;
    private readonly Action<float[], float[]> _forwardWithWorkspace;
    private readonly Action<float[], float[], int> _forwardBatch;

    public InferenceFixture(int channels, int images, int threads, bool keepSubnormals = false)
    {
        byte[] model;
        (Parameters, model, _forward, _forwardWithWorkspace, _forwardBatch) = channels == 1 ? Bind(Trained<LeNet5Window>(keepSubnormals)) : Bind(Initialized<LeNet5RgbWindow>());

        var random = new Random(42);
        Inputs = new float[images * channels * 32 * 32];
        for (int i = 0; i < Inputs.Length; i++)
        {
            Inputs[i] = (float)random.NextDouble();
        }

        Outputs = new float[images * 10];
        _onnxOutputs = new float[images * 10];
        Onnx = new OnnxRuntimeRunner(model, threads, Inputs, _onnxOutputs, images, channels);
        Onnx.Run();
    }

    /// <summary>The network's parameters in PyTorch order: what the generated code, the prototypes and the ONNX model all run.</summary>
    public float[] Parameters { get; }

    public float[] Inputs { get; }

    public float[] Outputs { get; }

    public OnnxRuntimeRunner Onnx { get; }

    /// <summary>The sample's trained 1-channel LeNet-5 weights, in PyTorch order.</summary>
    public static float[] TrainedParameters() => Trained<LeNet5Window>(keepSubnormals: true).Parameters.ToArray();

    /// <summary>
    /// Sets every subnormal value (0 &lt; |x| &lt; 2^-126) to zero, which changes no output a float can show, and returns
    /// how many there were. The sample's trained weights hold 15,237 of them (weight decay shrinks weights that get no
    /// gradient towards zero without end), and on Intel cores every multiply with one takes a microcode assist.
    /// </summary>
    public static int FlushSubnormals(Span<float> values)
    {
        int count = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsSubnormal(values[i]))
            {
                values[i] = 0f;
                count++;
            }
        }

        return count;
    }

    public void Forward(float[] input, float[] output) => _forward(input, output);

    /// <summary>Forward(input, output, workspace): the ordinary layer kernels that training runs, not the inference pass.</summary>
    public void ForwardWithWorkspace(float[] input, float[] output) => _forwardWithWorkspace(input, output);

    public void ForwardBatch(float[] inputs, float[] outputs, int threads) => _forwardBatch(inputs, outputs, threads);

    /// <summary>Runs <paramref name="run"/> and throws unless every output is within 1e-5 of ONNX Runtime's.</summary>
    public void Check(string what, Action run)
    {
        Array.Fill(Outputs, float.NaN);
        run();
        for (int i = 0; i < Outputs.Length; i++)
        {
            if (!(MathF.Abs(_onnxOutputs[i] - Outputs[i]) <= 1e-5f))
            {
                throw new InvalidOperationException($"{what}: output {i} is {Outputs[i]}, ONNX Runtime gives {_onnxOutputs[i]}.");
            }
        }
    }

    public void Dispose() => Onnx.Dispose();

    private static T Trained<T>(bool keepSubnormals)
        where T : class, INetwork<T>
    {
        T network = T.Create();
        using (Stream stream = typeof(InferenceFixture).Assembly.GetManifestResourceStream(TrainedWeights)
            ?? throw new InvalidOperationException($"The benchmark assembly has no embedded resource '{TrainedWeights}'."))
        {
            network.LoadWeights(stream, TrainedWeights);
        }

        if (!keepSubnormals)
        {
            FlushSubnormals(network.Parameters);
        }

        return network;
    }

    private static T Initialized<T>()
        where T : class, INetwork<T>
    {
        T network = T.Create();
        Initializer.Initialize(network, seed: 1);
        return network;
    }

    private static (float[], byte[], Action<float[], float[]>, Action<float[], float[]>, Action<float[], float[], int>) Bind<T>(T network)
        where T : class, INetwork<T>
    {
        using var model = new MemoryStream();
        OnnxExporter.Export(network, model);
        var workspace = new float[T.WorkspaceLength];
        return (
            network.Parameters.ToArray(),
            model.ToArray(),
            (input, output) => network.Forward(input, output),
            (input, output) => network.Forward(input, output, workspace),
            (inputs, outputs, threads) => network.ForwardBatch(inputs, outputs, threads));
    }
}
