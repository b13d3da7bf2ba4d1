using System;
using Xunit;

namespace LeNet.Tests;

/// <summary>ForwardBatch: any number of images, on one or more threads, each output bit for bit Forward's.</summary>
public class ForwardBatchTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (NetworkCase net in NetworkCases.All)
        {
            foreach (int images in new[] { 1, 3, 64, 257 })
            {
                foreach (int threads in new[] { 1, 2 })
                {
                    data.Add(net.Name, images, threads);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardBatchEqualsForwardPerImage(string name, int images, int threads)
    {
        NetworkCase net = NetworkCases.Get(name);
        INetworkRunner network = net.CreateSeeded(4);
        var random = new Random(images);
        var inputs = new float[images * net.InputLength];
        for (int i = 0; i < images; i++)
        {
            net.RandomInput(random).CopyTo(inputs, i * net.InputLength);
        }

        var expected = new float[images * net.OutputLength];
        for (int i = 0; i < images; i++)
        {
            network.Forward(inputs.AsSpan(i * net.InputLength, net.InputLength), expected.AsSpan(i * net.OutputLength, net.OutputLength));
        }

        // NaN where nothing was written, so a skipped image cannot pass.
        var actual = new float[expected.Length];
        Array.Fill(actual, float.NaN);
        network.ForwardBatch(inputs, actual, threads);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{name}, {images} images, {threads} threads: output {i % net.OutputLength} of image {i / net.OutputLength} is {actual[i]}, Forward gives {expected[i]}");
        }
    }

    [Fact]
    public void ForwardBatchOnOneThreadAllocatesNothing()
    {
        var network = new LeNet5();
        var inputs = new float[4 * LeNet5.InputLength];
        var outputs = new float[4 * LeNet5.OutputLength];
        // Warm-up: JIT tiering and the one cached delegate happen here, not in the measured loop.
        for (int i = 0; i < 300; i++)
        {
            network.ForwardBatch(inputs, outputs);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            network.ForwardBatch(inputs, outputs, threads: 1);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ForwardBatchOfNoImagesDoesNothing()
    {
        new LeNet5().ForwardBatch(ReadOnlySpan<float>.Empty, Span<float>.Empty, threads: 2);
    }

    [Fact]
    public void WrongLengthsNameWhatWasExpectedAndWhatCame()
    {
        var network = new LeNet5();
        var error = Assert.Throws<ArgumentException>(() => network.ForwardBatch(new float[LeNet5.InputLength + 1], new float[10]));
        Assert.Equal("inputs", error.ParamName);
        Assert.Contains($"multiple of {LeNet5.InputLength}", error.Message);
        Assert.Contains($"got {LeNet5.InputLength + 1}", error.Message);

        error = Assert.Throws<ArgumentException>(() => network.ForwardBatch(new float[2 * LeNet5.InputLength], new float[10]));
        Assert.Equal("outputs", error.ParamName);
        Assert.Contains("20 floats", error.Message);
        Assert.Contains("got 10", error.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => network.ForwardBatch(new float[LeNet5.InputLength], new float[10], threads: 0));
    }
}
