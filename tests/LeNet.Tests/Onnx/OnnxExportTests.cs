using System;
using System.IO;
using LeNet.Onnx;
using LeNet.Tests.Reference;
using Xunit;

namespace LeNet.Tests.Onnx;

/// <summary>
/// Every test network exported to ONNX and run by ONNX Runtime gives what its generated Forward gives, within 1e-5
/// (absolute plus relative): ONNX Runtime is an executor that shares nothing with this project.
/// </summary>
public class OnnxExportTests
{
    private const int Batch = 5;

    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Export_run_by_onnx_runtime_matches_Forward(string name) =>
        OnnxCaseRunner.Run(typeof(OnnxExportTests), nameof(ExportMatchesForward), NetworkCases.Get(name));

    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Layer_geometry_matches_the_reference(string name) =>
        OnnxCaseRunner.Run(typeof(OnnxExportTests), nameof(GeometryMatchesReference), NetworkCases.Get(name));

    [Fact]
    public void A_network_ending_in_a_pool_exports_its_flat_output()
    {
        var network = new SpatialOutputNet();
        var random = new Random(13);
        for (int i = 0; i < network.Parameters.Length; i++)
        {
            network.Parameters[i] = (float)((random.NextDouble() * 2) - 1);
        }

        float[] batch = new float[2 * SpatialOutputNet.InputLength];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = (float)((random.NextDouble() * 2) - 1);
        }

        float[] onnx = OnnxRuntimeOracle.Run(Export(network), batch, 2, [2, 8, 10]);

        Assert.Equal(2 * 3 * 4 * 5, onnx.Length);
        float[] output = new float[SpatialOutputNet.OutputLength];
        for (int b = 0; b < 2; b++)
        {
            network.Forward(batch.AsSpan(b * SpatialOutputNet.InputLength, SpatialOutputNet.InputLength), output);
            Tolerance.AssertClose($"image {b}", output, ReferenceNetwork.ToDouble(onnx.AsSpan(b * output.Length, output.Length)));
        }
    }

    [Fact]
    public void Export_refuses_null_arguments()
    {
        Assert.Throws<ArgumentNullException>(() => OnnxExporter.Export(new LeNet5(), null!));
        Assert.Throws<ArgumentNullException>(() => OnnxExporter.Export<LeNet5>(null!, new MemoryStream()));
    }

    private static void ExportMatchesForward<TNet>(NetworkCase net)
        where TNet : INetwork<TNet>
    {
        TNet network = TNet.Create();
        net.Reference.Initialize(network.Parameters, new Random(7));
        byte[] model = Export(network);

        var random = new Random(11);
        float[] batch = new float[Batch * TNet.InputLength];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = (float)((random.NextDouble() * 2) - 1);
        }

        ActivationShape input = TNet.Layers[0].Input;
        float[] onnx = OnnxRuntimeOracle.Run(model, batch, Batch, [input.Channels, input.Height, input.Width]);
        Assert.Equal(Batch * TNet.OutputLength, onnx.Length);

        float[] output = new float[TNet.OutputLength];
        for (int b = 0; b < Batch; b++)
        {
            network.Forward(batch.AsSpan(b * TNet.InputLength, TNet.InputLength), output);
            Tolerance.AssertClose($"{net.Name} image {b}: Forward against ONNX Runtime", output,
                ReferenceNetwork.ToDouble(onnx.AsSpan(b * TNet.OutputLength, TNet.OutputLength)));
        }
    }

    private static void GeometryMatchesReference<TNet>(NetworkCase net)
        where TNet : INetwork<TNet>
    {
        ReadOnlySpan<LayerInfo> layers = TNet.Layers;
        Assert.Equal(net.Reference.Layers.Count, layers.Length);
        (int c, int h, int w) = (net.Reference.InC, net.Reference.InH, net.Reference.InW);
        for (int i = 0; i < layers.Length; i++)
        {
            RefShape expected = net.Reference.Layers[i];
            LayerInfo layer = layers[i];
            Assert.Equal(new ActivationShape(c, h, w), layer.Input);
            Assert.Equal(new ActivationShape(expected.OutC, expected.OutH, expected.OutW), layer.Output);
            (int kernel, int stride, int padding) = expected.Layer switch
            {
                RefConv conv => (conv.Kernel, conv.Stride, conv.Padding),
                RefPool pool => (pool.Size, pool.Stride, 0),
                _ => (0, 0, 0),
            };
            Assert.Equal((kernel, stride, padding), (layer.Kernel, layer.Stride, layer.Padding));
            (c, h, w) = (expected.OutC, expected.OutH, expected.OutW);
        }
    }

    internal static byte[] Export<TNet>(TNet network)
        where TNet : INetwork<TNet>
    {
        using var stream = new MemoryStream();
        OnnxExporter.Export(network, stream);
        return stream.ToArray();
    }
}
