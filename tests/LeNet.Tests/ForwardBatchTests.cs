using System;
using LeNet.Sample;
using Xunit;
using Xunit.Abstractions;

namespace LeNet.Tests;

/// <summary>ForwardBatch: any number of images, on one or more threads, each output Forward's (within rounding on the batched kernels).</summary>
public class ForwardBatchTests(ITestOutputHelper output)
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

    /// <summary>
    /// The batched kernels sum each convolution and dense layer in one fixed chain of fused multiply-adds; Forward groups
    /// some sums in vector accumulators, so outputs differ in the last bits only.
    /// </summary>
    private const double Tolerance = 1e-6;

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardBatch_equals_Forward_per_image(string name, int images, int threads)
    {
        NetworkCase net = NetworkCases.Get(name);
        (float[] expected, float[] actual) = RunBoth(net, images, threads);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs(expected[i] - (double)actual[i]);
            worst = Math.Max(worst, difference / Math.Max(1, Math.Abs(expected[i])));
            Assert.True(
                difference <= Tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"{name}, {images} images, {threads} threads: output {i % net.OutputLength} of image {i / net.OutputLength} is {actual[i]}, Forward gives {expected[i]}");
        }

        output.WriteLine($"{name}: largest difference {worst:G3} (relative to max(1, |output|))");
    }

    /// <summary>Without AVX-512 (simulated) every image goes through Forward: bit for bit its output.</summary>
    [Theory]
    [MemberData(nameof(FallbackCases))]
    public void ForwardBatch_on_the_per_image_fallback_is_Forward_bit_for_bit(string name, int images, int threads)
    {
        NetworkCase net = NetworkCases.Get(name);
        BatchKernels.ForcePerImage = true;
        try
        {
            Assert.False(BatchKernels.IsAccelerated);
            (float[] expected, float[] actual) = RunBoth(net, images, threads);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(
                    BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                    $"{name}, {images} images, {threads} threads: output {i % net.OutputLength} of image {i / net.OutputLength} is {actual[i]}, Forward gives {expected[i]}");
            }
        }
        finally
        {
            BatchKernels.ForcePerImage = false;
        }
    }

    public static TheoryData<string, int, int> FallbackCases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (NetworkCase net in NetworkCases.All)
        {
            data.Add(net.Name, 17, 1);
            data.Add(net.Name, 33, 2);
        }

        return data;
    }

    [Fact]
    public void Every_test_network_has_the_batched_kernel()
    {
        Assert.True(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated == BatchKernels.IsAccelerated);
        foreach (NetworkCase net in NetworkCases.All)
        {
            // Dropout masks are drawn per example and batch statistics couple the examples, so a network with either keeps
            // the per-example path (BatchCoverage).
            bool perExample = typeof(IDropoutNetwork).IsAssignableFrom(net.Type) || typeof(IBatchNormNetwork).IsAssignableFrom(net.Type);
            Assert.True(perExample != typeof(IBatchForward).IsAssignableFrom(net.Type),
                perExample ? $"{net.Name} has dropout or batch norm but a batched forward kernel" : $"{net.Name} has no batched forward kernel");
        }
    }

    private static (float[] Expected, float[] Actual) RunBoth(NetworkCase net, int images, int threads)
    {
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
        return (expected, actual);
    }

    [Fact]
    public void ForwardBatch_on_one_thread_allocates_nothing()
    {
        var network = new LeNet5();
        // 37 images: two full blocks and a short one.
        var inputs = new float[37 * LeNet5.InputLength];
        var outputs = new float[37 * LeNet5.OutputLength];
        // Warm-up: JIT tiering and the one cached delegate happen here, not in the measured loop.
        for (int i = 0; i < 100; i++)
        {
            network.ForwardBatch(inputs, outputs);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            network.ForwardBatch(inputs, outputs, threads: 1);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ForwardBatch_of_no_images_does_nothing()
    {
        new LeNet5().ForwardBatch(ReadOnlySpan<float>.Empty, Span<float>.Empty, threads: 2);
    }

    [Fact]
    public void Wrong_lengths_name_what_was_expected_and_what_came()
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
