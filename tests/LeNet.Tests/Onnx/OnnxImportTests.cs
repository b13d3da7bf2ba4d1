using System;
using System.IO;
using LeNet.Onnx;
using LeNet.Tests.Reference;
using Xunit;

namespace LeNet.Tests.Onnx;

/// <summary>Weights read from ONNX files: this project's exports, files shaped as torch.onnx.export writes them, and wrong files.</summary>
public class OnnxImportTests
{
    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Export_then_import_gives_the_same_parameters_bit_for_bit(string name) =>
        OnnxCaseRunner.Run(typeof(OnnxImportTests), nameof(RoundTrip), NetworkCases.Get(name));

    /// <summary>
    /// The libtorch-trained LeNet-5 in a torch-style ONNX file loads into the generated LeNet-5, which then gives
    /// libtorch's own outputs on its 200 test images; ONNX Runtime running the same file agrees too.
    /// </summary>
    [LibtorchFact]
    public void Torch_style_file_of_the_libtorch_LeNet5_gives_libtorchs_outputs()
    {
        float[] parameters = LibtorchLeNet5.Read("params.bin", LeNet5.ParameterCount);
        float[] inputs = LibtorchLeNet5.Read("inputs.bin", LibtorchLeNet5.Images * LeNet5.InputLength);
        float[] expected = LibtorchLeNet5.Read("outputs.bin", LibtorchLeNet5.Images * LeNet5.OutputLength);
        byte[] model = TorchStyleModel.Build(parameters);

        var network = new LeNet5();
        OnnxImporter.LoadWeights(network, new MemoryStream(model));

        Assert.Equal(parameters, network.Parameters.ToArray());
        float[] output = new float[LeNet5.OutputLength];
        for (int i = 0; i < LibtorchLeNet5.Images; i++)
        {
            network.Forward(inputs.AsSpan(i * LeNet5.InputLength, LeNet5.InputLength), output);
            Tolerance.AssertClose($"image {i}: generated LeNet-5 against libtorch", output,
                ReferenceNetwork.ToDouble(expected.AsSpan(i * LeNet5.OutputLength, LeNet5.OutputLength)));
        }

        float[] onnx = OnnxRuntimeOracle.Run(model, inputs, LibtorchLeNet5.Images, [1, 32, 32]);
        Tolerance.AssertClose("ONNX Runtime on the torch-style file against libtorch", onnx, ReferenceNetwork.ToDouble(expected));
    }

    [Fact]
    public void Initializers_are_matched_by_the_nodes_that_read_them_not_by_their_order_in_the_file()
    {
        float[] parameters = SeededLeNet5Parameters();
        var network = new LeNet5();

        OnnxImporter.LoadWeights(network, new MemoryStream(TorchStyleModel.Build(parameters, reverseInitializers: true)));

        Assert.Equal(parameters, network.Parameters.ToArray());
    }

    [Fact]
    public void One_wrong_shape_is_refused_naming_the_layer_and_both_shapes_and_changes_nothing()
    {
        float[] parameters = SeededLeNet5Parameters();
        byte[] model = TorchStyleModel.Build(parameters, (name, shape) => name == "conv2.weight" ? [16, 6, 3, 3] : shape);
        LeNet5 network = SeededLeNet5(out float[] before);

        InvalidDataException e = Assert.Throws<InvalidDataException>(() => OnnxImporter.LoadWeights(network, new MemoryStream(model)));

        Assert.Equal("CONV2: the weight 'conv2.weight' has shape [16,6,3,3]; CONV2 declares [16,6,5,5] (out, in, kh, kw).", e.Message);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void A_wrong_bias_length_of_a_dense_layer_is_refused()
    {
        byte[] model = TorchStyleModel.Build(SeededLeNet5Parameters(), (name, shape) => name == "fc4.bias" ? [80] : shape);
        LeNet5 network = SeededLeNet5(out float[] before);

        InvalidDataException e = Assert.Throws<InvalidDataException>(() => OnnxImporter.LoadWeights(network, new MemoryStream(model)));

        Assert.Equal("FC4: the bias 'fc4.bias' has shape [80]; FC4 declares [84].", e.Message);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void A_model_of_another_architecture_is_refused_with_both_layer_lists()
    {
        var other = new PaddedNet();
        byte[] model = OnnxExportTests.Export(other);
        LeNet5 network = SeededLeNet5(out float[] before);

        InvalidDataException e = Assert.Throws<InvalidDataException>(() => OnnxImporter.LoadWeights(network, new MemoryStream(model)));

        Assert.Equal(
            "LeNet5 has 5 layers with weights (CONV1 Conv, CONV2 Conv, FC3 Dense, FC4 Dense, Softmax Dense); " +
            "the ONNX graph has 3 Conv or Gemm nodes ('CONV1' Conv, 'CONV2' Conv, 'SOFTMAX' Gemm).", e.Message);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void A_convolution_with_another_stride_is_refused_even_when_the_weights_fit()
    {
        // StridedNet's second convolution has stride 2 and padding 1; the same weights in a stride-1 graph are another network.
        var strided = new StridedNet();
        byte[] model = OnnxExportTests.Export(strided);
        int at = IndexOf(model, "strides"u8);
        Assert.True(at >= 0);
        // The first Conv's strides attribute is the packed list [2,2]: rewrite it to [1,1].
        int packed = IndexOf(model.AsSpan(at), [0x42, 0x02, 0x02, 0x02]);
        Assert.True(packed >= 0);
        model[at + packed + 2] = 1;
        model[at + packed + 3] = 1;

        InvalidDataException e = Assert.Throws<InvalidDataException>(() => OnnxImporter.LoadWeights(new StridedNet(), new MemoryStream(model)));

        Assert.Equal("CONV1: the ONNX Conv node 'CONV1' has strides [1,1]; CONV1 declares stride 2 (strides [2,2]).", e.Message);
    }

    [Fact]
    public void Every_truncation_of_a_model_is_refused_as_invalid_data_and_changes_nothing()
    {
        byte[] model = OnnxExportTests.Export(new DenseNet());
        var network = new DenseNet();
        float[] before = network.Parameters.ToArray();
        before.AsSpan().Fill(0.5f);
        before.CopyTo(network.Parameters);

        for (int length = 0; length < model.Length; length += 97)
        {
            byte[] truncated = model.AsSpan(0, length).ToArray();
            Assert.Throws<InvalidDataException>(() => OnnxImporter.LoadWeights(network, new MemoryStream(truncated)));
        }

        Assert.Equal(before, network.Parameters.ToArray());
    }

    [Fact]
    public void A_file_that_is_not_protobuf_is_refused_as_invalid_data()
    {
        byte[] text = "this is not an ONNX model"u8.ToArray();

        InvalidDataException e = Assert.Throws<InvalidDataException>(() => OnnxImporter.LoadWeights(new LeNet5(), new MemoryStream(text)));

        Assert.Contains("ONNX", e.Message);
    }

    private static void RoundTrip<TNet>(NetworkCase net)
        where TNet : INetwork<TNet>
    {
        TNet source = TNet.Create();
        net.Reference.Initialize(source.Parameters, new Random(3));
        byte[] model = OnnxExportTests.Export(source);

        TNet loaded = TNet.Create();
        OnnxImporter.LoadWeights(loaded, new MemoryStream(model));

        Assert.Equal(source.Parameters.ToArray(), loaded.Parameters.ToArray());
    }

    private static float[] SeededLeNet5Parameters()
    {
        var network = new LeNet5();
        NetworkCases.Get(nameof(LeNet5)).Reference.Initialize(network.Parameters, new Random(5));
        return network.Parameters.ToArray();
    }

    private static LeNet5 SeededLeNet5(out float[] parameters)
    {
        var network = new LeNet5();
        NetworkCases.Get(nameof(LeNet5)).Reference.Initialize(network.Parameters, new Random(9));
        parameters = network.Parameters.ToArray();
        return network;
    }

    private static int IndexOf(ReadOnlySpan<byte> data, ReadOnlySpan<byte> value) => data.IndexOf(value);
}
