using System;
using LeNet.Tests.Reference;

namespace LeNet.Benchmarks;

/// <summary>
/// The baseline: LeNet-5 as one would first write it, the tests' naive reference (tests/Shared/Reference) run in
/// float: plain nested loops, indexing computed from sizes held in variables rather than constants. Same parameter
/// layout as the generated networks (PyTorch order), so both run on the same weights. The activations are allocated
/// once, so the comparison is about the kernels, not the GC.
/// </summary>
internal sealed class NaiveLeNet5
{
    private readonly ReferenceForward<float> _forward;
    private readonly float[] _parameters;

    public NaiveLeNet5(int channels)
    {
        _forward = new ReferenceForward<float>(ReferenceNetwork.LeNet5(channels));
        _parameters = new float[_forward.Network.ParameterCount];
    }

    public Span<float> Parameters => _parameters;

    public static int ParameterCount(int channels) => ReferenceNetwork.LeNet5(channels).ParameterCount;

    public void Forward(ReadOnlySpan<float> input, Span<float> output) => _forward.Forward(_parameters, input).CopyTo(output);
}
