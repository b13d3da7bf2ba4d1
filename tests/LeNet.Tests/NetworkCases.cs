using System;
using System.Collections.Generic;
using System.Linq;
using LeNet.Tests.Reference;
using Xunit;
using LeNet.Sample;

namespace LeNet.Tests;

/// <summary>A generated network instance behind a non-generic face, so one theory can drive every declared type.</summary>
internal interface INetworkRunner
{
    Span<float> Parameters { get; }

    void Forward(ReadOnlySpan<float> input, Span<float> output);

    void Forward(ReadOnlySpan<float> input, Span<float> output, Span<float> workspace);

    int Predict(ReadOnlySpan<float> input);

    void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int threads);
}

/// <summary>A generated network type paired with the hand-written reference of what was declared on it.</summary>
internal abstract class NetworkCase
{
    protected NetworkCase(ReferenceNetwork reference) => Reference = reference;

    public ReferenceNetwork Reference { get; }

    public abstract Type Type { get; }

    public string Name => Type.Name;

    public abstract int InputLength { get; }

    public abstract int OutputLength { get; }

    public abstract int ParameterCount { get; }

    public abstract int WorkspaceLength { get; }

    public abstract INetworkRunner Create();

    /// <summary>A network with seeded random parameters (PyTorch-like scale).</summary>
    public INetworkRunner CreateSeeded(int seed)
    {
        INetworkRunner network = Create();
        Reference.Initialize(network.Parameters, new Random(seed));
        return network;
    }

    /// <summary>Seeded inputs in [-1, 1).</summary>
    public float[] RandomInput(Random random)
    {
        var input = new float[InputLength];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return input;
    }

    /// <summary>A constant of the generated nested class for one layer, e.g. <c>Conv1.WeightOffset</c>.</summary>
    public int LayerConstant(string className, string constant)
    {
        Type layer = Type.GetNestedType(className) ?? throw new Xunit.Sdk.XunitException($"{Name} has no nested class {className}.");
        object? value = (layer.GetField(constant) ?? throw new Xunit.Sdk.XunitException($"{Name}.{className} has no constant {constant}.")).GetRawConstantValue();
        return (int)value!;
    }
}

internal sealed class NetworkCase<T> : NetworkCase
    where T : class, INetwork<T>
{
    public NetworkCase(ReferenceNetwork reference)
        : base(reference)
    {
    }

    public override Type Type => typeof(T);

    public override int InputLength => T.InputLength;

    public override int OutputLength => T.OutputLength;

    public override int ParameterCount => T.ParameterCount;

    public override int WorkspaceLength => T.WorkspaceLength;

    public override INetworkRunner Create() => new Runner(T.Create());

    private sealed class Runner(T network) : INetworkRunner
    {
        public Span<float> Parameters => network.Parameters;

        public void Forward(ReadOnlySpan<float> input, Span<float> output) => network.Forward(input, output);

        public void Forward(ReadOnlySpan<float> input, Span<float> output, Span<float> workspace) => network.Forward(input, output, workspace);

        public int Predict(ReadOnlySpan<float> input) => network.Predict(input);

        public void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int threads) => network.ForwardBatch(inputs, outputs, threads);
    }
}

/// <summary>Every network declared in Networks.cs, the sample's and the shared LeNet-5 variants, with its layer list written out again by hand.</summary>
internal static class NetworkCases
{
    private const Activation ReLU = Activation.ReLU, Tanh = Activation.Tanh, Sigmoid = Activation.Sigmoid, Softmax = Activation.Softmax;

    public static readonly IReadOnlyList<NetworkCase> All =
    [
        new NetworkCase<LeNet5>(ReferenceNetwork.LeNet5(channels: 1)),
        new NetworkCase<LeNet5Rgb>(ReferenceNetwork.LeNet5(channels: 3)),
        new NetworkCase<LeNet5RowUnroll>(ReferenceNetwork.LeNet5(channels: 1)),
        new NetworkCase<LeNet5NoUnroll>(ReferenceNetwork.LeNet5(channels: 1)),
        new NetworkCase<LeNet5RgbRowUnroll>(ReferenceNetwork.LeNet5(channels: 3)),
        new NetworkCase<LeNet5RgbNoUnroll>(ReferenceNetwork.LeNet5(channels: 3)),
        new NetworkCase<PaddedNet>(new ReferenceNetwork(1, 16, 16,
            new RefConv(4, 5, Padding: 2, Activation: ReLU),
            new RefPool(Max: true, 2, 2),
            new RefConv(6, 3, Padding: 1, Activation: Tanh),
            new RefPool(Max: true, 2, 2),
            new RefPool(Max: false, 2, 2),
            new RefDense(10, Softmax))),
        new NetworkCase<StridedNet>(new ReferenceNetwork(2, 15, 15,
            new RefConv(8, 3, Stride: 2, Activation: ReLU),
            new RefConv(4, 3, Stride: 2, Padding: 1),
            new RefDense(3))),
        new NetworkCase<WideNet>(new ReferenceNetwork(3, 12, 20,
            new RefConv(5, 3, Activation: Tanh),
            new RefPool(Max: false, 2, 2),
            new RefConv(4, 3, Activation: Sigmoid),
            new RefDense(1, Sigmoid))),
        new NetworkCase<DenseNet>(new ReferenceNetwork(2, 4, 5,
            new RefDense(16, Tanh),
            new RefDense(8, ReLU),
            new RefDense(4, Softmax))),
        new NetworkCase<NarrowNet>(new ReferenceNetwork(3, 9, 9,
            new RefConv(6, 3, Activation: ReLU),
            new RefPool(Max: true, 3, 2),
            new RefDense(5))),
        new NetworkCase<SamePaddedNet>(new ReferenceNetwork(2, 14, 14,
            new RefConv(4, 5, Padding: 2, Activation: ReLU),
            new RefConv(3, 3, Padding: 1, Activation: Tanh),
            new RefPool(Max: true, 2, 2),
            new RefDense(5, Softmax))),
        new NetworkCase<StridedDigitNet>(new ReferenceNetwork(1, 28, 28,
            new RefConv(6, 5, Padding: 2, Activation: ReLU),
            new RefConv(12, 4, Stride: 2, Padding: 1, Activation: ReLU),
            new RefConv(16, 4, Stride: 2, Padding: 1, Activation: ReLU),
            new RefDense(10, Softmax))),
        new NetworkCase<DropoutNet>(new ReferenceNetwork(2, 12, 12,
            new RefConv(4, 3, Activation: ReLU),
            new RefDropout(0.25),
            new RefPool(Max: true, 2, 2),
            new RefDense(16, Tanh),
            new RefDropout(0.5),
            new RefDense(5, Softmax))),
        new NetworkCase<BatchNormNet>(new ReferenceNetwork(2, 12, 12,
            new RefConv(4, 3),
            new RefBatchNorm(Activation: ReLU),
            new RefPool(Max: true, 2, 2),
            new RefDense(16),
            new RefBatchNorm(0.2, 1e-3, Tanh),
            new RefDense(5, Softmax))),
        new NetworkCase<BatchNormLeNet5>(new ReferenceNetwork(1, 28, 28,
            new RefConv(6, 5, Padding: 2),
            new RefBatchNorm(Activation: ReLU),
            new RefPool(Max: true, 2, 2),
            new RefConv(16, 5),
            new RefBatchNorm(Activation: ReLU),
            new RefPool(Max: true, 2, 2),
            new RefDense(120),
            new RefBatchNorm(Activation: ReLU),
            new RefDense(84),
            new RefBatchNorm(Activation: ReLU),
            new RefDense(10, Softmax))),
        new NetworkCase<BigKernelNet>(new ReferenceNetwork(1, 40, 40,
            new RefConv(3, 15, Activation: ReLU),
            new RefConv(2, 8),
            new RefPool(Max: true, 19, 19),
            new RefDense(4))),
        new NetworkCase<ChannelVectorNet>(new ReferenceNetwork(2, 11, 27,
            new RefConv(8, 3, Activation: ReLU),
            new RefPool(Max: true, 2, 2),
            new RefConv(32, 3, Stride: 2),
            new RefDense(3))),
        new NetworkCase<ColumnVectorNet>(new ReferenceNetwork(3, 20, 21,
            new RefConv(10, 4),
            new RefPool(Max: true, 2, 2),
            new RefConv(16, 2, Activation: ReLU),
            new RefPool(Max: false, 2, 2),
            new RefDense(4, Softmax))),
        new NetworkCase<PoolThreeNet>(new ReferenceNetwork(1, 14, 17,
            new RefConv(16, 3, Activation: ReLU),
            new RefPool(Max: true, 3, 3),
            new RefDense(2, Softmax))),
    ];

    /// <summary>Case names for theories; xunit shows each network as its own test case.</summary>
    public static TheoryData<string> Names => new(All.Select(c => c.Name));

    public static NetworkCase Get(string name) => All.Single(c => c.Name == name);
}
