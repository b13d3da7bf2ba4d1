using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace LeNet.Benchmarks;

/// <summary>
/// Per-layer time of the batched prototype: each stage of one 16-image block run many times on its own, the fastest
/// of several rounds kept (the best estimate on a machine other work shares), with its GFLOP/s and % of peak.
/// </summary>
internal sealed partial class BatchedLeNet5
{
    /// <summary>Rows of (stage, µs per image, FLOPs per image).</summary>
    public List<(string Stage, double MicrosecondsPerImage, long FlopsPerImage)> Profile(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int repeats, int rounds)
    {
        var workspace = new float[TrainingWorkspaceLength];
        var gradients = new float[_parameters.Length];
        ReadOnlySpan<float> parameters = _parameters;
        Backward(parameters, inputs[..(Lanes * InputLength)], labels[..Lanes], gradients, workspace);
        var s = new TrainingLayout(workspace, _channels);
        var rows = new List<(string, double, long)>();
        int c = _channels;

        void Time(string stage, long flopsPerImage, Action run)
        {
            run();
            double best = double.MaxValue;
            for (int round = 0; round < rounds; round++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < repeats; i++)
                {
                    run();
                }

                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds / repeats / Lanes);
            }

            rows.Add((stage, best, flopsPerImage));
        }

        float[] p = _parameters;
        float[] ws = workspace;
        Span<float> Slice(int offset, int length) => ws.AsSpan(offset, length);
        // The layout's spans cannot be captured; capture their offsets in the workspace instead.
        int Offset(Span<float> part) => (int)(System.Runtime.CompilerServices.Unsafe.ByteOffset(ref ws[0], ref part[0]) / sizeof(float));
        (int X, int A1, int P1, int A2, int P2, int A3, int A4, int Z5) f = (Offset(s.X), Offset(s.A1), Offset(s.P1), Offset(s.A2), Offset(s.P2), Offset(s.A3), Offset(s.A4), Offset(s.Z5));
        (int Z5, int A4, int A3, int P2, int A2, int P1, int A1) d = (Offset(s.DeltaZ5), Offset(s.DeltaA4), Offset(s.DeltaA3), Offset(s.DeltaP2), Offset(s.DeltaA2Padded), Offset(s.DeltaP1), Offset(s.DeltaA1));
        (int P2, int A3, int A4, int D, int W2) t = (Offset(s.P2T), Offset(s.A3T), Offset(s.A4T), Offset(s.DeltaT), Offset(s.FlippedW2));
        int l = Lanes;

        Time("CONV1+ReLU+POOL1 forward", 2L * C1 * c * 25 * 784, () => Convolve(Slice(f.X, l * c * 1024), c, 32, p.AsSpan(_w1, C1 * c * 25), p.AsSpan(_b1, C1), C1, Slice(f.P1, l * C1 * 196), Span<float>.Empty, plain: false));
        Time("CONV2+ReLU+POOL2 forward", 2L * C2 * C1 * 25 * 100, () => Convolve(Slice(f.P1, l * C1 * 196), C1, 14, p.AsSpan(_w2, C2 * C1 * 25), p.AsSpan(_b2, C2), C2, Slice(f.P2, l * 400), Span<float>.Empty, plain: false));
        Time("FC3 forward", 2L * F3 * 400, () => Dense(Slice(f.P2, l * 400), 400, p.AsSpan(_w3, F3 * 400), p.AsSpan(_b3, F3), F3, Slice(f.A3, l * F3), relu: true));
        Time("FC4 forward", 2L * F4 * F3, () => Dense(Slice(f.A3, l * F3), F3, p.AsSpan(_w4, F4 * F3), p.AsSpan(_b4, F4), F4, Slice(f.A4, l * F4), relu: true));
        Time("FC5 forward", 2L * F5 * F4, () => Dense(Slice(f.A4, l * F4), F4, p.AsSpan(_w5, F5 * F4), p.AsSpan(_b5, F5), F5, Slice(f.Z5, l * F5), relu: false));
        Time("CONV1 forward keeping ReLU outputs", 2L * C1 * c * 25 * 784, () => Convolve(Slice(f.X, l * c * 1024), c, 32, p.AsSpan(_w1, C1 * c * 25), p.AsSpan(_b1, C1), C1, Slice(f.P1, l * C1 * 196), Slice(f.A1, l * C1 * 784), plain: false));
        Time("FC5 backward (dW, db, dx)", 4L * F5 * F4, () => DenseBackward(Slice(d.Z5, l * F5), Slice(f.A4, l * F4), Slice(t.A4, l * F4), p.AsSpan(_w5, F5 * F4), gradients.AsSpan(_w5, F5 * F4), gradients.AsSpan(_b5, F5), Slice(d.A4, l * F4), F4, F5, Slice(t.D, l * F3), maskByInput: true));
        Time("FC4 backward", 4L * F4 * F3, () => DenseBackward(Slice(d.A4, l * F4), Slice(f.A3, l * F3), Slice(t.A3, l * F3), p.AsSpan(_w4, F4 * F3), gradients.AsSpan(_w4, F4 * F3), gradients.AsSpan(_b4, F4), Slice(d.A3, l * F3), F3, F4, Slice(t.D, l * F3), maskByInput: true));
        Time("FC3 backward", 4L * F3 * 400, () => DenseBackward(Slice(d.A3, l * F3), Slice(f.P2, l * 400), Slice(t.P2, l * 400), p.AsSpan(_w3, F3 * 400), gradients.AsSpan(_w3, F3 * 400), gradients.AsSpan(_b3, F3), Slice(d.P2, l * 400), 400, F3, Slice(t.D, l * F3), maskByInput: false));
        Time("POOL2+ReLU backward", 0, () => PoolBackward(Slice(d.P2, l * 400), Slice(f.A2, l * C2 * 100), C2, 5, Slice(d.A2, l * C2 * Padded2 * Padded2), Padded2, 4));
        Time("CONV2 dW, db", 2L * C2 * C1 * 25 * 100, () => ConvWeightBackward(Slice(d.A2, l * C2 * Padded2 * Padded2), Padded2, 4, Slice(f.P1, l * C1 * 196), 14, C1, C2, 10, gradients.AsSpan(_w2, C2 * C1 * 25), gradients.AsSpan(_b2, C2)));
        Time("CONV2 dx (padded conv, 2x the useful FLOPs)", 2L * C2 * C1 * 25 * 100, () => Convolve(Slice(d.A2, l * C2 * Padded2 * Padded2), C2, Padded2, Slice(t.W2, C1 * C2 * 25), ReadOnlySpan<float>.Empty, C1, Span<float>.Empty, Slice(d.P1, l * C1 * 196), plain: true));
        Time("POOL1+ReLU backward", 0, () => PoolBackward(Slice(d.P1, l * C1 * 196), Slice(f.A1, l * C1 * 784), C1, 14, Slice(d.A1, l * C1 * 784), 28, 0));
        Time("CONV1 dW, db", 2L * C1 * c * 25 * 784, () => ConvWeightBackward(Slice(d.A1, l * C1 * 784), 28, 0, Slice(f.X, l * c * 1024), 32, c, C1, 28, gradients.AsSpan(_w1, C1 * c * 25), gradients.AsSpan(_b1, C1)));
        float[] block = inputs[..(Lanes * InputLength)].ToArray();
        int[] blockLabels = labels[..Lanes].ToArray();
        var outputs = new float[Lanes * F5];
        Time("Whole block backward (forward included)", 0, () => Backward(p, block, blockLabels, gradients, ws));
        Time("Whole block forward (incl. transposes, softmax)", 0, () => ForwardBlock(block, outputs, ws, Lanes));
        return rows;
    }
}
