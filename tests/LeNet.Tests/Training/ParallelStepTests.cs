using System;
using System.Numerics;
using System.Numerics.Tensors;
using LeNet.Training;
using Xunit;

namespace LeNet.Tests.Training;

/// <summary>
/// The trainer spreads the gradient sum and the optimizer step over its workers. These tests hold that to the plain
/// serial recipe, bit for bit: per worker the batched Backward over its contiguous share, the shares summed in worker order,
/// averaged, weight decay added, one Optimizer.Update over all parameters.
/// </summary>
public sealed class ParallelStepTests
{
    public static TheoryData<string, int> OptimizersAndThreads()
    {
        var data = new TheoryData<string, int>();
        foreach (string optimizer in new[] { "sgd", "momentum", "rmsprop", "adam" })
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                data.Add(optimizer, threads);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OptimizersAndThreads))]
    public void Trainer_gives_the_bits_of_the_serial_recipe(string optimizer, int threads)
    {
        Dataset data = SyntheticData.Digits(100, seed: 4);
        // 100 = 4 x 24 + 4: the last batch is short, and 3 workers split 24 and 4 unevenly.
        var options = new TrainingOptions { BatchSize = 24, Threads = threads, Seed = 6, WeightDecay = 1e-3f, Schedule = Schedules.Cosine(2) };
        var network = new TinyClassifier();
        Initializer.Initialize(network, seed: 2);
        var trainer = new Trainer<TinyClassifier>(network, Optimizer.Create(optimizer), options);

        var reference = new TinyClassifier();
        Initializer.Initialize(reference, seed: 2);
        Optimizer referenceOptimizer = Optimizer.Create(optimizer);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            trainer.TrainEpoch(data);
            SerialEpoch(reference, referenceOptimizer, data, options, epoch);
        }

        Assert.Equal(referenceOptimizer.Step, trainer.Optimizer.Step);
        Assert.Equal(reference.Parameters.ToArray(), network.Parameters.ToArray());
        for (int b = 0; b < referenceOptimizer.State.Length; b++)
        {
            Assert.Equal(referenceOptimizer.State[b], trainer.Optimizer.State[b]);
        }
    }

    /// <summary>
    /// The update rules run vector-wide where they can and element by element in the tail: the same parameter and
    /// gradient must get the same bits in either place, or slicing the step over workers would change the result.
    /// </summary>
    [Theory]
    [InlineData("sgd")]
    [InlineData("momentum")]
    [InlineData("rmsprop")]
    [InlineData("adam")]
    public void Vector_and_tail_elements_update_identically(string name)
    {
        int width = Vector.IsHardwareAccelerated ? Vector<float>.Count : 1;
        int length = width + 3;
        Optimizer optimizer = Optimizer.Create(name, 0.01f);
        var parameters = new float[length];
        var random = new Random(5);
        for (int i = 0; i < width; i++)
        {
            parameters[i] = (float)(random.NextDouble() - 0.5);
        }

        // The tail repeats the first three elements, which took the vector path.
        parameters.AsSpan(0, 3).CopyTo(parameters.AsSpan(width));
        var gradients = new float[length];
        for (int step = 0; step < 5; step++)
        {
            for (int i = 0; i < width; i++)
            {
                gradients[i] = (float)(random.NextDouble() - 0.5) * (i + 1);
            }

            gradients.AsSpan(0, 3).CopyTo(gradients.AsSpan(width));
            optimizer.Update(parameters, gradients, 0.01f);
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(parameters[i]), BitConverter.SingleToInt32Bits(parameters[width + i]));
            }
        }
    }

    private static void SerialEpoch(TinyClassifier network, Optimizer optimizer, Dataset data, TrainingOptions options, int epoch)
    {
        int[] order = ShuffledOrder(data.Count, options.Seed, epoch);
        float learningRate = optimizer.LearningRate * options.Schedule!(epoch);
        var batched = (IBatchBackward)network;
        var workspace = new float[batched.BatchTrainingWorkspaceLength(options.BatchSize)];
        var sum = new float[TinyClassifier.ParameterCount];
        var share = new float[TinyClassifier.ParameterCount];
        int workers = options.Threads;
        for (int start = 0; start < data.Count; start += options.BatchSize)
        {
            int count = Math.Min(options.BatchSize, data.Count - start);
            for (int worker = 0; worker < workers; worker++)
            {
                Array.Clear(share);
                int from = start + (int)((long)count * worker / workers), to = start + (int)((long)count * (worker + 1) / workers);
                // The worker's share in one batched call, as the trainer gathers it (the generated batched kernel).
                var inputs = new float[(to - from) * TinyClassifier.InputLength];
                var labels = new int[to - from];
                for (int i = from; i < to; i++)
                {
                    data.Input(order[i]).CopyTo(inputs.AsSpan((i - from) * TinyClassifier.InputLength));
                    labels[i - from] = data.Label(order[i]);
                }

                batched.BackwardBatch(inputs, labels, share, new float[labels.Length * TinyClassifier.OutputLength], workspace);

                if (worker == 0)
                {
                    share.CopyTo(sum, 0);
                }
                else
                {
                    TensorPrimitives.Add(sum, share, sum);
                }
            }

            TensorPrimitives.Multiply(sum, 1f / count, sum);
            Span<float> parameters = network.Parameters;
            foreach (LayerInfo layer in TinyClassifier.Layers)
            {
                Span<float> weightGradient = sum.AsSpan(layer.WeightOffset, layer.WeightLength);
                TensorPrimitives.MultiplyAdd(parameters.Slice(layer.WeightOffset, layer.WeightLength), options.WeightDecay, weightGradient, weightGradient);
            }

            optimizer.Update(parameters, sum, learningRate);
        }
    }

    /// <summary>The trainer's documented order: Fisher–Yates with System.Random seeded from (seed, epoch).</summary>
    private static int[] ShuffledOrder(int count, int seed, int epoch)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        var random = new Random(unchecked((seed * 1_000_003) + epoch) & int.MaxValue);
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }
}
