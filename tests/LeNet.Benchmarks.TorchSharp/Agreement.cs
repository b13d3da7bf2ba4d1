using System;
using LeNet.Sample;
using LeNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LeNet.Benchmarks.Torch;

/// <summary>
/// Proof that the TorchSharp rows compute what the generated rows compute, before anything is timed: from the same
/// parameters and the same 64 images, the softmax outputs agree within 1e-4 and the gradients of the mean
/// cross-entropy agree within 1e-4 of the largest gradient (plus 1e-3 relative).
/// </summary>
internal static class Agreement
{
    public const float OutputTolerance = 1e-4f;

    /// <summary>Checks outputs and gradients of <paramref name="parameters"/> on the first 64 images of <paramref name="data"/>; throws on a mismatch, else returns the largest differences.</summary>
    public static string Check(float[] parameters, Dataset data)
    {
        const int Count = 64;
        Dataset batch = data.Take(Count);
        var network = new LeNet5();
        parameters.CopyTo(network.Parameters);
        using var model = new TorchLeNet5(parameters);
        using Tensor images = MnistTensors.Images(batch);
        using Tensor labels = MnistTensors.Labels(batch);

        float[] torchOutputs;
        using (no_grad())
        {
            using Tensor probabilities = nn.functional.softmax(model.forward(images), 1);
            torchOutputs = probabilities.data<float>().ToArray();
        }

        var output = new float[LeNet5.OutputLength];
        float outputDifference = 0;
        for (int i = 0; i < Count; i++)
        {
            network.Forward(batch.Input(i), output);
            for (int k = 0; k < output.Length; k++)
            {
                float difference = MathF.Abs(output[k] - torchOutputs[(i * LeNet5.OutputLength) + k]);
                if (!(difference <= OutputTolerance))
                {
                    throw new InvalidOperationException($"Image {i}, class {k}: the generated LeNet-5 outputs {output[k]}, TorchSharp {torchOutputs[(i * LeNet5.OutputLength) + k]}; expected them within {OutputTolerance}.");
                }

                outputDifference = MathF.Max(outputDifference, difference);
            }
        }

        // The trainer's gradient is the batch mean of the per-example gradients that Backward accumulates.
        var gradients = new float[LeNet5.ParameterCount];
        var workspace = new float[LeNet5.TrainingWorkspaceLength];
        for (int i = 0; i < Count; i++)
        {
            network.Backward(batch.Input(i), batch.Label(i), gradients, workspace);
        }

        model.zero_grad();
        using (Tensor loss = nn.functional.cross_entropy(model.forward(images), labels))
        {
            loss.backward();
        }

        float[] torchGradients = model.Flatten(gradients: true);
        float scale = 0;
        foreach (float g in torchGradients)
        {
            scale = MathF.Max(scale, MathF.Abs(g));
        }

        float gradientDifference = 0;
        for (int i = 0; i < gradients.Length; i++)
        {
            float ours = gradients[i] / Count;
            float difference = MathF.Abs(ours - torchGradients[i]);
            if (!(difference <= (1e-4f * scale) + (1e-3f * MathF.Abs(torchGradients[i]))))
            {
                throw new InvalidOperationException($"Gradient of parameter {i}: the generated LeNet-5 gives {ours}, TorchSharp {torchGradients[i]} (largest gradient {scale}).");
            }

            gradientDifference = MathF.Max(gradientDifference, difference);
        }

        return $"outputs within {outputDifference:E2} (limit {OutputTolerance:E0}), gradients within {gradientDifference:E2} (largest gradient {scale:E2})";
    }
}
