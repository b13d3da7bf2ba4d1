using System;
using LeNet.Tests.Reference;
using LeNet.Training;
using Xunit;

namespace LeNet.Tests.Training;

/// <summary>
/// Inference of a network with batch norms folds each one after a convolution into that convolution's weights and bias,
/// from the parameters of every call: the folded outputs match the naive reference and the unfolded pass that training's
/// per-example Backward still runs, both Forward overloads, Predict, ForwardBatch and the Evaluator agree, and a change to
/// any parameter (γ, β, running mean or variance, or the weights) shows in the very next call.
/// </summary>
public sealed class BatchNormFoldingTests
{
    public static TheoryData<string> Networks => new(nameof(BatchNormNet), nameof(BatchNormLeNet5));

    [Theory]
    [MemberData(nameof(Networks))]
    public void Folded_inference_matches_the_reference_and_the_unfolded_pass(string name)
    {
        if (name == nameof(BatchNormNet))
        {
            FoldedMatchesUnfolded<BatchNormNet>(name);
        }
        else
        {
            FoldedMatchesUnfolded<BatchNormLeNet5>(name);
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void A_changed_parameter_shows_in_the_next_call(string name)
    {
        if (name == nameof(BatchNormNet))
        {
            NeverStale<BatchNormNet>(name);
        }
        else
        {
            NeverStale<BatchNormLeNet5>(name);
        }
    }

    [Fact]
    public void ForwardBatch_and_the_evaluator_give_the_folded_outputs()
    {
        NetworkCase net = NetworkCases.Get(nameof(BatchNormLeNet5));
        var network = new BatchNormLeNet5();
        net.Reference.Initialize(network.Parameters, new Random(12));
        const int count = 40;
        var random = new Random(13);
        var inputs = new float[count * BatchNormLeNet5.InputLength];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            net.RandomInput(random).CopyTo(inputs, n * BatchNormLeNet5.InputLength);
            labels[n] = random.Next(BatchNormLeNet5.ClassCount);
        }

        var batch = new float[count * BatchNormLeNet5.OutputLength];
        network.ForwardBatch(inputs, batch, threads: 2);
        double loss = 0;
        int correct = 0;
        var output = new float[BatchNormLeNet5.OutputLength];
        for (int n = 0; n < count; n++)
        {
            ReadOnlySpan<float> input = inputs.AsSpan(n * BatchNormLeNet5.InputLength, BatchNormLeNet5.InputLength);
            network.Forward(input, output);
            Assert.Equal(output, batch.AsSpan(n * BatchNormLeNet5.OutputLength, BatchNormLeNet5.OutputLength).ToArray());
            loss += BatchNormLeNet5.LossOf(output, labels[n]);
            correct += network.Predict(input) == labels[n] ? 1 : 0;
        }

        Evaluation evaluation = Evaluator.Evaluate(network, new Dataset(inputs, labels, BatchNormLeNet5.InputLength), threads: 2);
        Assert.Equal((double)correct / count, evaluation.Accuracy);
        Assert.Equal(loss / count, evaluation.Loss, 6);
    }

    private static void FoldedMatchesUnfolded<TNet>(string name)
        where TNet : class, INetwork<TNet>
    {
        NetworkCase net = NetworkCases.Get(name);
        var random = new Random(21);
        for (int seed = 1; seed <= 3; seed++)
        {
            TNet network = TNet.Create();
            net.Reference.Initialize(network.Parameters, new Random(seed));
            float[] input = net.RandomInput(random);
            double[] reference = net.Reference.Run(network.Parameters, input)[^1];

            var folded = new float[TNet.OutputLength];
            network.Forward(input, folded);
            var withWorkspace = new float[TNet.OutputLength];
            network.Forward(input, withWorkspace, new float[TNet.WorkspaceLength]);
            Assert.Equal(folded, withWorkspace);
            Tolerance.AssertClose($"{name} seed {seed}: folded output", folded, reference);

            // Backward runs the unfolded pass (it needs each convolution's own output), leaving the output in its workspace.
            var workspace = new float[TNet.TrainingWorkspaceLength];
            network.Backward(input, new float[TNet.OutputLength], new float[TNet.ParameterCount], workspace);
            float[] unfolded = workspace.AsSpan(TNet.OutputOffset, TNet.OutputLength).ToArray();
            Tolerance.AssertClose($"{name} seed {seed}: folded against unfolded", folded, Array.ConvertAll(unfolded, v => (double)v));
            Assert.Equal(TNet.ClassOf(unfolded), network.Predict(input));
        }
    }

    private static void NeverStale<TNet>(string name)
        where TNet : class, INetwork<TNet>
    {
        NetworkCase net = NetworkCases.Get(name);
        TNet network = TNet.Create();
        net.Reference.Initialize(network.Parameters, new Random(31));
        float[] input = net.RandomInput(new Random(32));
        var output = new float[TNet.OutputLength];
        var workspace = new float[TNet.WorkspaceLength];
        LayerInfo conv = TNet.Layers[0], batchNorm = TNet.Layers[1];
        Assert.Equal((LayerType.Conv, LayerType.BatchNorm), (conv.Kind, batchNorm.Kind));
        int channels = batchNorm.WeightLength;

        // Each of the five things the fold reads, changed in turn between two calls.
        (string What, int Index, float Value)[] changes =
        {
            ("γ", batchNorm.WeightOffset + 1, 1.7f),
            ("β", batchNorm.BiasOffset + 2, -0.8f),
            ("running mean", batchNorm.StatisticsOffset + 3, 0.9f),
            ("running variance", batchNorm.StatisticsOffset + channels, 0.05f),
            ("weight", conv.WeightOffset + 4, 2.5f),
            ("bias", conv.BiasOffset, -1.5f),
        };
        network.Forward(input, output);
        foreach ((string what, int index, float value) in changes)
        {
            float[] before = (float[])output.Clone();
            network.Parameters[index] = value;
            double[] reference = net.Reference.Run(network.Parameters, input)[^1];
            network.Forward(input, output);
            Tolerance.AssertClose($"{name}: Forward after changing {what}", output, reference);
            Assert.NotEqual(before, output);
            var viaWorkspace = new float[TNet.OutputLength];
            network.Forward(input, viaWorkspace, workspace);
            Assert.Equal(output, viaWorkspace);
        }
    }
}
