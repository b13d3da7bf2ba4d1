using System;
using System.Linq;
using Microsoft.ML.OnnxRuntime;

namespace LeNet.Tests.Onnx;

/// <summary>Runs an ONNX model in ONNX Runtime: the independent executor the exports are checked against.</summary>
internal static class OnnxRuntimeOracle
{
    /// <summary>Runs <paramref name="model"/> on a batch of inputs (each of <paramref name="inputShape"/>) and returns the outputs, batch-major.</summary>
    public static float[] Run(byte[] model, float[] batch, int batchSize, int[] inputShape, string inputName = "input")
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        long[] shape = [batchSize, .. inputShape.Select(d => (long)d)];
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(batch, shape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, [inputName], [input], session.OutputNames);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
