using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LeNet.Onnx;

namespace LeNet.Tests.Onnx;

/// <summary>
/// Writes the ONNX file that <c>torch.onnx.export(model, torch.zeros(1, 1, 32, 32), "lenet5.onnx", input_names=["input"],
/// output_names=["output"])</c> writes for the libtorch LeNet-5 (with a softmax at the end, as the generated LeNet-5 has):
/// nodes named /conv1/Conv, /relu/Relu, /pool/MaxPool, /Flatten, /fc3/Gemm ..., every attribute spelled out as torch does,
/// and initializers named after the module's parameters (conv1.weight, conv1.bias, ...) in named_parameters() order.
/// </summary>
internal static class TorchStyleModel
{
    /// <param name="parameters">The flat parameters in named_parameters() order.</param>
    /// <param name="shapeOf">Overrides an initializer's declared shape (to build a wrong file); null keeps the true shapes.</param>
    /// <param name="reverseInitializers">Lists the initializers last to first: the graph's nodes still say which is which.</param>
    public static byte[] Build(float[] parameters, Func<string, long[], long[]>? shapeOf = null, bool reverseInitializers = false)
    {
        var model = new OnnxModelBuilder("main_graph", "2.10.0");
        model.AddInput("input", -1, 1, 32, 32);

        var initializers = new List<(string Name, long[] Shape, int Offset, int Length)>();
        int offset = 0;
        foreach ((string name, long[] shape) in LibtorchLeNet5.Parameters)
        {
            int length = (int)shape.Aggregate(1L, (a, b) => a * b);
            long[] written = shapeOf?.Invoke(name, shape) ?? shape;
            int writtenLength = (int)written.Aggregate(1L, (a, b) => a * b);
            initializers.Add((name, written, offset, Math.Min(writtenLength, parameters.Length - offset)));
            offset += length;
        }

        if (reverseInitializers)
        {
            initializers.Reverse();
        }

        foreach ((string name, long[] shape, int start, int length) in initializers)
        {
            float[] values = new float[shape.Aggregate(1L, (a, b) => a * b)];
            parameters.AsSpan(start, Math.Min(length, values.Length)).CopyTo(values);
            model.AddInitializer(name, shape, values);
        }

        string x = "input";
        x = Conv(model, "conv1", x, 5);
        x = Unary(model, "Relu", "/relu/Relu", x);
        x = Pool(model, "/pool/MaxPool", x);
        x = Conv(model, "conv2", x, 5);
        x = Unary(model, "Relu", "/relu_1/Relu", x);
        x = Pool(model, "/pool_1/MaxPool", x);
        model.AddNode("Flatten", "/Flatten", [x], ["/Flatten_output_0"], OnnxAttribute.Of("axis", 1L));
        x = Gemm(model, "fc3", "/Flatten_output_0");
        x = Unary(model, "Relu", "/relu_2/Relu", x);
        x = Gemm(model, "fc4", x);
        x = Unary(model, "Relu", "/relu_3/Relu", x);
        x = Gemm(model, "fc5", x);
        model.AddNode("Softmax", "/softmax/Softmax", [x], ["output"], OnnxAttribute.Of("axis", 1L));
        model.AddOutput("output", -1, 10);

        using var stream = new MemoryStream();
        model.WriteTo(stream);
        return stream.ToArray();
    }

    private static string Conv(OnnxModelBuilder model, string module, string x, long kernel)
    {
        string output = $"/{module}/Conv_output_0";
        model.AddNode("Conv", $"/{module}/Conv", [x, module + ".weight", module + ".bias"], [output],
            OnnxAttribute.Of("dilations", 1L, 1L),
            OnnxAttribute.Of("group", 1L),
            OnnxAttribute.Of("kernel_shape", kernel, kernel),
            OnnxAttribute.Of("pads", 0L, 0L, 0L, 0L),
            OnnxAttribute.Of("strides", 1L, 1L));
        return output;
    }

    private static string Pool(OnnxModelBuilder model, string name, string x)
    {
        string output = name.Replace("/MaxPool", "/MaxPool_output_0", StringComparison.Ordinal);
        model.AddNode("MaxPool", name, [x], [output],
            OnnxAttribute.Of("ceil_mode", 0L),
            OnnxAttribute.Of("kernel_shape", 2L, 2L),
            OnnxAttribute.Of("pads", 0L, 0L, 0L, 0L),
            OnnxAttribute.Of("strides", 2L, 2L));
        return output;
    }

    private static string Gemm(OnnxModelBuilder model, string module, string x)
    {
        string output = $"/{module}/Gemm_output_0";
        model.AddNode("Gemm", $"/{module}/Gemm", [x, module + ".weight", module + ".bias"], [output],
            OnnxAttribute.Of("alpha", 1f),
            OnnxAttribute.Of("beta", 1f),
            OnnxAttribute.Of("transB", 1L));
        return output;
    }

    private static string Unary(OnnxModelBuilder model, string op, string name, string x)
    {
        string output = name + "_output_0";
        model.AddNode(op, name, [x], [output]);
        return output;
    }
}
