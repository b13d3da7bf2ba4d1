using System;
using LeNet.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace LeNet.Benchmarks;

/// <summary>
/// ONNX Runtime on a model written by the product's <see cref="OnnxExporter"/>, with pre-bound input and output
/// OrtValues (IOBinding), so a run copies nothing and the benchmark times only the kernels. Intra-op threads are set
/// to ours; inter-op work stays sequential.
/// </summary>
internal sealed class OnnxRuntimeRunner : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtValue _input, _output;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _run = new();

    public OnnxRuntimeRunner(byte[] model, int threads, float[] inputs, float[] outputs, int images, int channels)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model, options);
        _input = OrtValue.CreateTensorValueFromMemory(inputs, [images, channels, 32, 32]);
        _output = OrtValue.CreateTensorValueFromMemory(outputs, [images, 10]);
        _binding = _session.CreateIoBinding();
        _binding.BindInput(OnnxExporter.InputName, _input);
        _binding.BindOutput(OnnxExporter.OutputName, _output);
    }

    public void Run() => _session.RunWithBinding(_run, _binding);

    public void Dispose()
    {
        _binding.Dispose();
        _input.Dispose();
        _output.Dispose();
        _run.Dispose();
        _session.Dispose();
    }
}
