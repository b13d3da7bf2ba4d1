using System;
using System.Collections.Generic;

namespace LeNet.Generator.Model;

/// <summary>How the single-image inference pass computes one step (a layer, or a convolution with the pool after it).</summary>
internal enum InferenceKind
{
    /// <summary>The layer's ordinary forward kernel, the one training uses.</summary>
    Layer,

    /// <summary>A convolution vectorised over its output channels (every lane a channel), weights repacked per call.</summary>
    ConvChannels,

    /// <summary>As <see cref="ConvChannels"/>, with the activation and the max pool after it done in registers.</summary>
    ConvChannelsPool,

    /// <summary>A convolution vectorised over 16 output columns, with its activation and a 2x2 max pool in registers.</summary>
    ConvColumnsPool,

    /// <summary>
    /// A dense layer whose sums are Vector512s holding two of the ordinary kernel's 8-lane sums each (same order, same
    /// bits), <see cref="InferenceStep.Groups"/> outputs a pass.
    /// </summary>
    Dense,
}

/// <summary>
/// One step of the inference pass. <see cref="Layer"/> indexes the chain; a fused step also covers the pool at
/// <see cref="Layer"/> + 1. <see cref="Lanes"/> is the vector width the step needs (16: Vector512, 8: Vector256; 0 for
/// <see cref="InferenceKind.Layer"/>); without it at run time the step falls back to the layers' ordinary kernels.
/// A pass computes <see cref="Groups"/> vectors of output channels (channels path) or <see cref="Groups"/> single
/// channels (columns path), for <see cref="Rows"/> output rows by <see cref="Columns"/> output columns. With
/// <see cref="FoldsBatchNorm"/> the convolution runs on weights with the batch normalisation at <see cref="Layer"/> + 1
/// folded into them, carrying its activation (the pool, if fused, then follows at <see cref="Layer"/> + 2).
/// </summary>
internal sealed record InferenceStep(InferenceKind Kind, int Layer, int Lanes, int Groups, int Rows, int Columns, bool FoldsBatchNorm = false)
{
    public bool IsFused => Kind is InferenceKind.ConvChannelsPool or InferenceKind.ConvColumnsPool;

    /// <summary>Layers the step covers.</summary>
    public int LayerCount => 1 + (FoldsBatchNorm ? 1 : 0) + (IsFused ? 1 : 0);
}

/// <summary>
/// The choice of kernel per layer for the single-image Forward, made once from the shapes: vectorise a convolution over
/// its output channels when there are 8 or 16 (or twice that) of them, over its output columns when a 2x2 max pool
/// follows and the rows are at least 16 wide, and fuse the activation and a non-overlapping max pool into it when the
/// activation commutes with max (none or ReLU); fold a batch normalisation after a convolution into its weights (see
/// <see cref="Folds"/>); run dense layers on Vector512 sums. Everything else runs the ordinary kernels; dropout, off at inference, is no step at all.
/// </summary>
internal static class InferencePlan
{
    /// <summary>Most vector sums one pass keeps in registers (AVX-512 has 32), leaving room for the loaded operands.</summary>
    public const int MaxSums = 20;

    /// <summary>Most output channels one pass of the columns path keeps (each with <see cref="InferenceStep.Rows"/> sums).</summary>
    public const int MaxColumnChannels = 6;

    /// <summary>Most weights repacked on the stack per call (32 KB).</summary>
    public const int MaxRepackedWeights = 8192;

    /// <summary>
    /// Most weights of a convolution that inference folds a batch normalisation into, per call on the stack (64 KB):
    /// folding reads and writes each weight once, little beside the convolution's work of one multiply-add per weight
    /// and output position.
    /// </summary>
    public const int MaxFoldedWeights = 16384;

    /// <summary>
    /// Whether inference folds the batch normalisation <paramref name="next"/> into the convolution <paramref name="layer"/>:
    /// W' = W·γ/√(var + ε), b' = (b − mean)·γ/√(var + ε) + β per output channel, worked out on every call. A dense layer is
    /// not folded: its weights are used once per image, so folding them would cost as much as the layer, while
    /// normalising its outputs costs one multiply-add per unit.
    /// </summary>
    public static bool Folds(LayerShape layer, LayerShape? next) =>
        layer.Kind == LayerType.Conv && next is { Kind: LayerType.BatchNorm } && layer.WeightLength + layer.OutC <= MaxFoldedWeights;

    /// <summary>Output rows a dense pass computes: they share each load of the input.</summary>
    public static int DenseRows(LayerShape dense) => dense.OutC % 4 == 0 ? 4 : dense.OutC % 2 == 0 ? 2 : 1;

    /// <summary>
    /// Output rows a pass of the inference pass's dense kernel computes: 8 when they divide the outputs (16 Vector512 sums,
    /// half the registers), else <see cref="DenseRows"/>.
    /// </summary>
    public static int InferenceDenseRows(LayerShape dense) => dense.OutC % 8 == 0 ? 8 : DenseRows(dense);

    /// <summary>The activation after a step's convolution or layer: a folded batch normalisation's, else the layer's own.</summary>
    public static Activation ActivationOf(IReadOnlyList<LayerShape> layers, InferenceStep step) =>
        layers[step.Layer + (step.FoldsBatchNorm ? 1 : 0)].Activation;

    /// <summary>The pool a fused step covers, or null.</summary>
    public static LayerShape? PoolOf(IReadOnlyList<LayerShape> layers, InferenceStep step) =>
        step.IsFused ? layers[step.Layer + step.LayerCount - 1] : null;

    public static EquatableArray<InferenceStep> Of(IReadOnlyList<LayerShape> layers)
    {
        var steps = new List<InferenceStep>();
        for (int i = 0; i < layers.Count; i++)
        {
            LayerShape layer = layers[i];
            if (layer.Kind == LayerType.Dropout)
            {
                // Off at inference: the next step reads the previous one's output as it is.
                continue;
            }

            LayerShape? next = i + 1 < layers.Count ? layers[i + 1] : null;
            InferenceStep step = layer.Kind switch
            {
                LayerType.Conv when Folds(layer, next) => Conv(layer, i + 2 < layers.Count ? layers[i + 2] : null, i, next!.Activation) with { FoldsBatchNorm = true },
                LayerType.Conv => Conv(layer, next, i, layer.Activation),
                // Narrower inputs are summed without vectors by the ordinary kernel: nothing to widen.
                LayerType.Dense when layer.InC >= 8 => new InferenceStep(InferenceKind.Dense, i, 16, InferenceDenseRows(layer), 0, 0),
                _ => new InferenceStep(InferenceKind.Layer, i, 0, 0, 0, 0),
            };
            steps.Add(step);
            i += step.LayerCount - 1;
        }

        return new EquatableArray<InferenceStep>(steps);
    }

    /// <param name="conv">The convolution.</param>
    /// <param name="next">The layer its output (after a folded batch normalisation) goes to.</param>
    /// <param name="index">The convolution's place in the chain.</param>
    /// <param name="activation">The activation after it: its own, or the folded batch normalisation's.</param>
    private static InferenceStep Conv(LayerShape conv, LayerShape? next, int index, Activation activation)
    {
        bool fusable = next is { Kind: LayerType.MaxPool, Kernel: >= 2 } pool && pool.Stride == pool.Kernel
            && activation is Activation.None or Activation.ReLU;
        int lanes = conv.OutC % 16 == 0 ? 16 : conv.OutC % 8 == 0 ? 8 : 0;
        int groups = lanes == 0 ? 0 : conv.OutC / lanes;
        if (!conv.IsPadded && lanes > 0 && groups <= 2 && conv.WeightLength <= MaxRepackedWeights)
        {
            if (fusable)
            {
                int k = next!.Kernel;
                int pooledColumns = Math.Min(next.OutW, MaxSums / (k * k * groups));
                if (pooledColumns >= 1)
                {
                    return new InferenceStep(InferenceKind.ConvChannelsPool, index, lanes, groups, k, k * pooledColumns);
                }
            }

            return new InferenceStep(InferenceKind.ConvChannels, index, lanes, groups, 1, Math.Min(conv.OutW, MaxSums / groups));
        }

        if (fusable && next!.Kernel == 2 && conv.Stride == 1 && !conv.IsPadded && next.OutW * 2 >= 16)
        {
            int channels = MaxColumnChannels;
            while (conv.OutC % channels != 0)
            {
                channels--;
            }

            return new InferenceStep(InferenceKind.ConvColumnsPool, index, 16, channels, 2, 16);
        }

        return new InferenceStep(InferenceKind.Layer, index, 0, 0, 0, 0);
    }
}
