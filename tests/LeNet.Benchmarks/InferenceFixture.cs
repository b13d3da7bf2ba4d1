using System;

namespace LeNet.Benchmarks;

/// <summary>Same random weights and inputs for every row, ONNX Runtime bound to the same arrays, and the generated network.</summary>
internal sealed class InferenceFixture : IDisposable
{
    private readonly float[] _onnxOutputs;
    private readonly Action<float[], float[]> _forward;
    private readonly Action<float[], float[], int> _forwardBatch;

    public InferenceFixture(int channels, int images, int threads)
    {
        var random = new Random(42);
        Parameters = new float[NaiveLeNet5.ParameterCount(channels)];
        for (int i = 0; i < Parameters.Length; i++)
        {
            Parameters[i] = (float)((random.NextDouble() * 2 - 1) * 0.1);
        }

        Inputs = new float[images * channels * 32 * 32];
        for (int i = 0; i < Inputs.Length; i++)
        {
            Inputs[i] = (float)random.NextDouble();
        }

        Outputs = new float[images * 10];
        _onnxOutputs = new float[images * 10];
        (_forward, _forwardBatch) = channels == 1 ? Bind<LeNet5Window>(Parameters) : Bind<LeNet5RgbWindow>(Parameters);
        Onnx = new OnnxRuntimeRunner(OnnxLeNet5Writer.Write(channels, Parameters), threads, Inputs, _onnxOutputs, images, channels);
        Onnx.Run();
    }

    public float[] Parameters { get; }

    public float[] Inputs { get; }

    public float[] Outputs { get; }

    public OnnxRuntimeRunner Onnx { get; }

    public void Forward(float[] input, float[] output) => _forward(input, output);

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

    private static (Action<float[], float[]>, Action<float[], float[], int>) Bind<T>(ReadOnlySpan<float> parameters)
        where T : class, INetwork<T>
    {
        T network = T.Create();
        parameters.CopyTo(network.Parameters);
        return ((input, output) => network.Forward(input, output), (inputs, outputs, threads) => network.ForwardBatch(inputs, outputs, threads));
    }
}
