using System.Collections.Generic;
using LeNet.Generator.Model;

namespace LeNet.Generator.Shapes;

/// <summary>
/// Which networks get the batched kernels (LeNet.BatchKernels in the runtime): those whose every layer is one the
/// kernels cover. A network with any other layer keeps the per-image path only, and the emitter writes no batched members.
/// </summary>
internal static class BatchCoverage
{
    /// <summary>Images per block: the lanes of one Vector512 of floats.</summary>
    public const int Lanes = 16;

    /// <param name="layers">The checked layers.</param>
    /// <param name="inputLength">Floats of one input.</param>
    /// <param name="workspaceLength">Floats of one image's activations.</param>
    public static bool Covers(IReadOnlyList<LayerShape> layers, int inputLength, int workspaceLength)
    {
        // A block's workspace (input, activations, their gradients, scratch; 16 lanes each) must be indexable by int.
        long scratch = 0;
        foreach (LayerShape layer in layers)
        {
            int k = layer.Kernel;
            scratch = System.Math.Max(scratch, ((long)layer.OutC * (layer.PaddedH + k) * (layer.PaddedW + k)) + ((long)layer.OutC * layer.InC * k * k) + layer.InC + layer.OutC);
        }

        if (Lanes * (inputLength + (2L * workspaceLength) + scratch) > int.MaxValue)
        {
            return false;
        }

        foreach (LayerShape layer in layers)
        {
            bool covered = layer.Kind switch
            {
                LayerType.Conv or LayerType.MaxPool or LayerType.AvgPool or LayerType.Dense => true,

                // Dropout masks are drawn per example from its DropoutKey, which the batched Backward does not take.
                LayerType.Dropout => false,

                // Batch statistics couple the examples of a batch; IBatchNormNetwork trains those networks instead.
                LayerType.BatchNorm => false,
                _ => false,
            };
            if (!covered)
            {
                return false;
            }
        }

        return true;
    }
}
