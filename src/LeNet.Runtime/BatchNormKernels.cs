using System;
using System.ComponentModel;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace LeNet;

/// <summary>
/// The arithmetic of a <c>[BatchNorm]</c> layer that generated code calls: x (C, plane) normalised per channel, then
/// y = activation(γ·x̂ + β). γ and β are the layer's weights and biases; its statistics span holds the running mean (C)
/// then the running variance (C). Public only so generated code can call it; not an API for hand-written code.
/// </summary>
/// <remarks>
/// The batch kernels read a mini-batch laid out as generated training code lays it out: example n's activations at
/// n × stride, their gradients <c>deltaOffset</c> further. Sums run in double, over each example's positions in order,
/// then over the examples in order, so the statistics do not depend on the thread count or on where an array sits.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BatchNormKernels
{
    /// <summary>
    /// Inference: x normalised by the running statistics. The per-channel scale γ/√(var + ε) and shift β − mean·scale are
    /// worked out on every call from the parameters, so they can never be stale.
    /// </summary>
    public static void Infer(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> statistics, float epsilon,
        Activation activation, Span<float> y)
    {
        int channels = gamma.Length, plane = x.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            float scale = gamma[c] / MathF.Sqrt(statistics[channels + c] + epsilon);
            float shift = beta[c] - (statistics[c] * scale);
            Affine(x.Slice(c * plane, plane), scale, shift, y.Slice(c * plane, plane));
        }

        Activate(y, activation);
    }

    /// <summary>
    /// Inference, folded: writes the weights (C, filter) and then the biases (C) of the layer before a batch normalisation
    /// with the normalisation by the running statistics folded in, W' = W·s and b' = (b − mean)·s + β with
    /// s = γ/√(var + ε) per output channel, so that layer's ordinary kernel computes the normalised output directly.
    /// Worked out from the parameters on every call, so it can never be stale.
    /// </summary>
    public static void Fold(ReadOnlySpan<float> weights, ReadOnlySpan<float> biases, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> statistics, float epsilon, Span<float> folded)
    {
        int channels = gamma.Length, filter = weights.Length / channels;
        Span<float> foldedBiases = folded.Slice(weights.Length, channels);
        for (int c = 0; c < channels; c++)
        {
            float scale = gamma[c] / MathF.Sqrt(statistics[channels + c] + epsilon);
            TensorPrimitives.Multiply(weights.Slice(c * filter, filter), scale, folded.Slice(c * filter, filter));
            foldedBiases[c] = ((biases[c] - statistics[c]) * scale) + beta[c];
        }
    }

    /// <summary>
    /// Back-propagation through <see cref="Infer"/> (the statistics held fixed), after the activation's: overwrites dx with
    /// dy·γ/√(var + ε) and adds Σ dy·x̂ into dγ and Σ dy into dβ.
    /// </summary>
    public static void BackwardFrozen(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> statistics, float epsilon,
        Span<float> dx, Span<float> dgamma, Span<float> dbeta)
    {
        int channels = gamma.Length, plane = x.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            float inverse = 1f / MathF.Sqrt(statistics[channels + c] + epsilon);
            float mean = statistics[c];
            double sum = 0, weighted = 0;
            for (int p = c * plane; p < (c + 1) * plane; p++)
            {
                sum += dy[p];
                weighted += dy[p] * ((x[p] - mean) * inverse);
            }

            dbeta[c] += (float)sum;
            dgamma[c] += (float)weighted;
            TensorPrimitives.Multiply(dy.Slice(c * plane, plane), gamma[c] * inverse, dx.Slice(c * plane, plane));
        }
    }

    /// <summary>Doubles of shared sums a batch normalisation of <paramref name="channels"/> channels uses per example: two per channel forward, two backward.</summary>
    public static int SharedPerExample(int channels) => 4 * channels;

    /// <summary>
    /// The sums a training pass shares: the team's when the shard has one, else the tail of the caller's workspace after
    /// <paramref name="used"/> floats (room for <paramref name="length"/> doubles, which BatchStatisticsWorkspaceLength includes).
    /// </summary>
    public static Span<double> SharedSums(BatchStatisticsShard shard, Span<float> workspace, int used, int length) =>
        shard.Team is { } team ? team.Shared.Slice(0, length) : MemoryMarshal.Cast<float, double>(workspace.Slice(used, 2 * length));

    /// <summary>
    /// Training, forward: each channel's mean and biased variance over the whole batch (this worker's
    /// <paramref name="count"/> examples and the rest of <paramref name="shard"/>'s team), x̂ = (x − mean)/√(var + ε),
    /// y = activation(γ·x̂ + β). Each example's sums go into <paramref name="shared"/> (2 doubles per channel and example of
    /// the batch); after the team has written them all, every worker sums them in example order, so every worker has the
    /// same statistics, whatever the team's size. Keeps mean and 1/√(var + ε) per channel in <paramref name="saved"/> (2C
    /// floats) for <see cref="TrainBackward"/>; the lead, with <paramref name="updateRunning"/>, moves the running mean and
    /// variance by <paramref name="momentum"/>, the variance unbiased (× m/(m − 1)), as PyTorch does.
    /// </summary>
    /// <exception cref="ArgumentException">A channel has only one value in the batch.</exception>
    public static void TrainForward(Span<float> workspaces, int count, int stride, int inputOffset, int outputOffset, int length,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> statistics, float momentum, float epsilon, Activation activation,
        bool updateRunning, Span<float> saved, string layer, BatchStatisticsShard shard, Span<double> shared)
    {
        int channels = gamma.Length, plane = length / channels, total = shard.TotalFor(count), first = shard.Team is null ? 0 : shard.First;
        long values = (long)total * plane;
        if (values < 2)
        {
            throw new ArgumentException(
                $"{layer}: batch normalisation in training needs more than one value per channel, got {values} ({total} example(s) of {plane}); "
                + "use batches of at least two examples.", nameof(count));
        }

        Span<double> sums = shared.Slice(0, total * channels), squares = shared.Slice(total * channels, total * channels);
        for (int n = 0; n < count; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                double sum = 0;
                foreach (float value in workspaces.Slice((n * stride) + inputOffset + (c * plane), plane))
                {
                    sum += value;
                }

                sums[((first + n) * channels) + c] = sum;
            }
        }

        shard.Team?.Wait();
        for (int c = 0; c < channels; c++)
        {
            double mean = InOrder(sums, channels, c) / values;
            for (int n = 0; n < count; n++)
            {
                double deviations = 0;
                foreach (float value in workspaces.Slice((n * stride) + inputOffset + (c * plane), plane))
                {
                    deviations += (value - mean) * (value - mean);
                }

                squares[((first + n) * channels) + c] = deviations;
            }
        }

        shard.Team?.Wait();
        for (int c = 0; c < channels; c++)
        {
            double mean = InOrder(sums, channels, c) / values;
            double variance = InOrder(squares, channels, c) / values;
            float inverse = (float)(1 / Math.Sqrt(variance + epsilon));
            saved[c] = (float)mean;
            saved[channels + c] = inverse;
            float scale = gamma[c] * inverse;
            float shift = beta[c] - ((float)mean * scale);
            for (int n = 0; n < count; n++)
            {
                int at = (n * stride) + (c * plane);
                Affine(workspaces.Slice(at + inputOffset, plane), scale, shift, workspaces.Slice(at + outputOffset, plane));
            }

            if (updateRunning && shard.IsLead)
            {
                statistics[c] = (float)(((1 - momentum) * (double)statistics[c]) + (momentum * mean));
                statistics[channels + c] = (float)(((1 - momentum) * (double)statistics[channels + c]) + (momentum * variance * values / (values - 1)));
            }
        }

        if (activation != Activation.None)
        {
            for (int n = 0; n < count; n++)
            {
                Activate(workspaces.Slice((n * stride) + outputOffset, length), activation);
            }
        }
    }

    /// <summary>
    /// Training, backward, after the activation's: with x̂ from the saved mean and 1/√(var + ε) and m values per channel
    /// in the whole batch, the lead adds Σ dy·x̂ into dγ and Σ dy into dβ, and every worker overwrites its examples'
    /// dx = γ/(m·√(var + ε)) · (m·dy − Σ dy − x̂·Σ dy·x̂): the batch statistics' own dependence on x included. The two sums
    /// go through <paramref name="shared"/> (2 doubles per channel and example, after the forward's) as in <see cref="TrainForward"/>.
    /// </summary>
    public static void TrainBackward(Span<float> workspaces, int count, int stride, int inputOffset, int outputOffset, int deltaOffset, int length,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> saved, Span<float> dgamma, Span<float> dbeta, BatchStatisticsShard shard, Span<double> shared)
    {
        int channels = gamma.Length, plane = length / channels, total = shard.TotalFor(count), first = shard.Team is null ? 0 : shard.First;
        double values = (double)total * plane;
        Span<double> gradientSums = shared.Slice(2 * total * channels, total * channels), weightedSums = shared.Slice(3 * total * channels, total * channels);
        for (int n = 0; n < count; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                float mean = saved[c], inverse = saved[channels + c];
                int at = (n * stride) + (c * plane);
                ReadOnlySpan<float> x = workspaces.Slice(at + inputOffset, plane);
                ReadOnlySpan<float> dy = workspaces.Slice(at + deltaOffset + outputOffset, plane);
                double sum = 0, weighted = 0;
                for (int p = 0; p < plane; p++)
                {
                    sum += dy[p];
                    weighted += dy[p] * ((x[p] - mean) * inverse);
                }

                gradientSums[((first + n) * channels) + c] = sum;
                weightedSums[((first + n) * channels) + c] = weighted;
            }
        }

        shard.Team?.Wait();
        for (int c = 0; c < channels; c++)
        {
            float mean = saved[c], inverse = saved[channels + c];
            double sum = InOrder(gradientSums, channels, c), weighted = InOrder(weightedSums, channels, c);
            if (shard.IsLead)
            {
                dbeta[c] += (float)sum;
                dgamma[c] += (float)weighted;
            }

            float factor = gamma[c] * inverse;
            float meanGradient = (float)(sum / values), meanWeighted = (float)(weighted / values);
            for (int n = 0; n < count; n++)
            {
                int at = (n * stride) + (c * plane);
                ReadOnlySpan<float> x = workspaces.Slice(at + inputOffset, plane);
                Span<float> dy = workspaces.Slice(at + deltaOffset + outputOffset, plane);
                Span<float> dx = workspaces.Slice(at + deltaOffset + inputOffset, plane);
                for (int p = 0; p < plane; p++)
                {
                    float normalised = (x[p] - mean) * inverse;
                    dx[p] = factor * (dy[p] - meanGradient - (normalised * meanWeighted));
                }
            }
        }
    }

    /// <summary>Channel <paramref name="c"/>'s per-example sums (example-major) added in example order.</summary>
    private static double InOrder(ReadOnlySpan<double> sums, int channels, int c)
    {
        double total = 0;
        for (int at = c; at < sums.Length; at += channels)
        {
            total += sums[at];
        }

        return total;
    }

    /// <summary>y = x·scale + shift, element by element.</summary>
    private static void Affine(ReadOnlySpan<float> x, float scale, float shift, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scales = new Vector<float>(scale);
            var shifts = new Vector<float>(shift);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                (new Vector<float>(x.Slice(i)) * scales + shifts).CopyTo(y.Slice(i));
            }
        }

        for (; i < x.Length; i++)
        {
            y[i] = (x[i] * scale) + shift;
        }
    }

    /// <summary>The element-wise activation the batch norm carries (the checker allows a softmax only on the last dense layer: LENET006).</summary>
    private static void Activate(Span<float> y, Activation activation) => BatchKernels.Activate(activation, y);
}
