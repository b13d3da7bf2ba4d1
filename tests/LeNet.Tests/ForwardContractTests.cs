using System;
using System.Runtime.InteropServices;
using System.Threading;
using Xunit;
using LeNet.Sample;

namespace LeNet.Tests;

/// <summary>What INetwork promises besides the numbers: no allocation, thread safety, span length checks.</summary>
public class ForwardContractTests
{
    /// <summary>
    /// 10,000 calls for the two LeNet-5 networks; a few hundred prove the same for the others, since an allocating
    /// path would allocate on every call, and keep the suite fast on two cores.
    /// </summary>
    private static int Calls(string name) => name is nameof(LeNet5) or nameof(LeNet5Rgb) ? 10_000 : 300;

    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Forward_allocates_nothing(string name)
    {
        NetworkCase net = NetworkCases.Get(name);
        INetworkRunner network = net.CreateSeeded(1);
        float[] input = net.RandomInput(new Random(2));
        var output = new float[net.OutputLength];
        int calls = Calls(name);

        // Warm-up: JIT tiering and any one-time static initialisation happen here, not in the measured loop.
        for (int i = 0; i < 200; i++)
        {
            network.Forward(input, output);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
        {
            network.Forward(input, output);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Predict_allocates_nothing(string name)
    {
        NetworkCase net = NetworkCases.Get(name);
        INetworkRunner network = net.CreateSeeded(1);
        float[] input = net.RandomInput(new Random(2));
        int sink = 0, calls = Calls(name);
        for (int i = 0; i < 200; i++)
        {
            sink += network.Predict(input);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
        {
            sink += network.Predict(input);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.InRange(sink, 0, int.MaxValue);
    }

    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void One_instance_shared_by_eight_threads_matches_one_thread_bit_for_bit(string name)
    {
        const int Threads = 8, Inputs = 32, Rounds = 8;
        NetworkCase net = NetworkCases.Get(name);
        INetworkRunner network = net.CreateSeeded(3);
        var random = new Random(4);
        var inputs = new float[Inputs][];
        var expected = new float[Inputs][];
        for (int i = 0; i < Inputs; i++)
        {
            inputs[i] = net.RandomInput(random);
            expected[i] = new float[net.OutputLength];
            network.Forward(inputs[i], expected[i]);
        }

        var failures = new string?[Threads];
        using var start = new Barrier(Threads);
        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int id = t;
            threads[t] = new Thread(() =>
            {
                var output = new float[net.OutputLength];
                start.SignalAndWait();
                for (int n = 0; n < Rounds * Inputs && failures[id] is null; n++)
                {
                    // Each thread walks the inputs in its own order, so neighbours run different inputs at once.
                    int i = ((n * (2 * id + 1)) + id) % Inputs;
                    network.Forward(inputs[i], output);
                    if (!MemoryMarshal.AsBytes(output.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(expected[i].AsSpan())))
                    {
                        failures[id] = $"thread {id}, call {n}, input {i}: [{string.Join(", ", output)}] != [{string.Join(", ", expected[i])}]";
                    }
                }
            });
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.All(failures, Assert.Null);
    }

    [Theory]
    [MemberData(nameof(NetworkCases.Names), MemberType = typeof(NetworkCases))]
    public void Wrong_span_lengths_throw_naming_expected_and_actual(string name)
    {
        NetworkCase net = NetworkCases.Get(name);
        INetworkRunner network = net.Create();
        int inLength = net.InputLength, outLength = net.OutputLength, wsLength = net.WorkspaceLength;
        var input = new float[inLength];
        var output = new float[outLength];
        var workspace = new float[wsLength];

        foreach (int bad in new[] { inLength - 1, inLength + 1, 0 })
        {
            var wrong = new float[bad];
            AssertLengthError(() => network.Forward(wrong, output), "input", inLength, bad);
            AssertLengthError(() => network.Forward(wrong, output, workspace), "input", inLength, bad);
            AssertLengthError(() => network.Predict(wrong), "input", inLength, bad);
        }

        foreach (int bad in new[] { outLength - 1, outLength + 1 })
        {
            var wrong = new float[bad];
            AssertLengthError(() => network.Forward(input, wrong), "output", outLength, bad);
            AssertLengthError(() => network.Forward(input, wrong, workspace), "output", outLength, bad);
        }

        var shortWorkspace = new float[wsLength - 1];
        AssertLengthError(() => network.Forward(input, output, shortWorkspace), "workspace", wsLength, wsLength - 1);

        // A longer workspace is fine: only a minimum is required.
        network.Forward(input, output, new float[wsLength + 16]);
    }

    private static void AssertLengthError(Action call, string parameter, int expected, int actual)
    {
        ArgumentException error = Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(parameter, error.ParamName);
        Assert.Matches($@"\b{expected}\b", error.Message);
        Assert.Matches($@"\b{actual}\b", error.Message);
        Assert.Contains(parameter, error.Message, StringComparison.Ordinal);
    }
}
