using LeNet.Training;
using static TorchSharp.torch;

namespace LeNet.Benchmarks.Torch;

/// <summary>A <see cref="Dataset"/> of 1x32x32 images as TorchSharp tensors: images (N,1,32,32) float32, labels (N) int64.</summary>
internal static class MnistTensors
{
    public static Tensor Images(Dataset data) => tensor(data.Inputs.ToArray(), [data.Count, 1, 32, 32]);

    public static Tensor Labels(Dataset data)
    {
        var labels = new long[data.Count];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = data.Label(i);
        }

        return tensor(labels);
    }
}
