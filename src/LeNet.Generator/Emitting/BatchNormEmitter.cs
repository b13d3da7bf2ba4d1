using LeNet.Generator.Model;

namespace LeNet.Generator.Emitting;

/// <summary>
/// A batch normalisation's calls into <c>BatchNormKernels</c>: inference by the running statistics (the per-example
/// Forward, the inference pass and the per-example Backward, which holds them fixed), and the training pass that
/// normalises by the statistics of the whole batch, written here because no per-example kernel can see a batch.
/// </summary>
internal static class BatchNormEmitter
{
    private const string Kernels = "BatchNormKernels";

    private static string Statistics(LayerShape layer, string parameters) =>
        $"{parameters}.Slice(Net.{layer.ClassName}.StatisticsOffset, Net.{layer.ClassName}.StatisticsLength)";

    private static string ActivationName(LayerShape layer) => "Activation." + layer.Activation;

    /// <summary>y = activation(γ·(x − running mean)/√(running var + ε) + β).</summary>
    public static void Infer(SourceWriter w, LayerShape layer, string x, string y, string parameters) =>
        w.Call($"{Kernels}.Infer", new[]
        {
            ("x", x), ("gamma", NetworkEmitter.Weights(layer, parameters)), ("beta", NetworkEmitter.Biases(layer, parameters)),
            ("statistics", Statistics(layer, parameters)), ("epsilon", $"Net.{layer.ClassName}.Epsilon"), ("activation", ActivationName(layer)), ("y", y),
        });

    /// <summary>Writes W' = W·γ/√(var + ε) then b' = (b − mean)·γ/√(var + ε) + β of <paramref name="conv"/> into <paramref name="folded"/>.</summary>
    public static void Fold(SourceWriter w, LayerShape conv, LayerShape batchNorm, string parameters, string folded) =>
        w.Call($"{Kernels}.Fold", new[]
        {
            ("weights", NetworkEmitter.Weights(conv, parameters)), ("biases", NetworkEmitter.Biases(conv, parameters)),
            ("gamma", NetworkEmitter.Weights(batchNorm, parameters)), ("beta", NetworkEmitter.Biases(batchNorm, parameters)),
            ("statistics", Statistics(batchNorm, parameters)), ("epsilon", $"Net.{batchNorm.ClassName}.Epsilon"), ("folded", folded),
        });

    /// <summary>
    /// <c>ForwardInference</c>: the forward pass of inference into the workspace, each convolution that a batch
    /// normalisation follows run on weights with it folded in (<see cref="InferencePlan.Folds"/>) and writing the batch
    /// normalisation's output directly; the convolution's own output is then not in the workspace. The same steps and
    /// kernels as the stack pass's ordinary path, so the same bits as Forward without a workspace.
    /// </summary>
    public static void InferencePass(SourceWriter w, ShapeChain chain)
    {
        w.Lines("""
            /// <summary>
            /// The forward pass of inference: activations land in the workspace at each layer's OutputOffset, except those of a
            /// convolution whose batch normalisation is folded into its weights (the batch normalisation's output holds both).
            /// </summary>
            """);
        using (w.Block("public static void ForwardInference(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> workspace)"))
        {
            for (int i = 0; i < chain.Layers.Count; i++)
            {
                LayerShape layer = chain.Layers[i];
                LayerShape? next = i + 1 < chain.Layers.Count ? chain.Layers[i + 1] : null;
                if (!InferencePlan.Folds(layer, next))
                {
                    w.Line($"// {layer.Name}");
                    NetworkEmitter.ForwardLayer(w, layer, i);
                    continue;
                }

                w.Line($"// {layer.Name} + {next!.Name}");
                (string weights, string biases) = InferenceEmitter.Fold(w, layer, next);
                string x = NetworkEmitter.Input(layer, "workspace"), y = NetworkEmitter.Output(next, "workspace");
                if (layer.IsPadded)
                {
                    string padded = $"workspace.Slice(Net.{layer.ClassName}.PaddedOffset, Net.{layer.ClassName}.PaddedLength)";
                    w.Call($"{layer.ClassName}Pad", new[] { ("x", x), ("xp", padded) });
                    x = padded;
                }

                w.Call($"{layer.ClassName}Forward", new[] { ("x", x), ("w", weights), ("b", biases), ("y", y) });
                DenseEmitter.Activation(w, next.Activation, y);
                i++;
            }
        }

        w.Line();
    }

    /// <summary>Back-propagation through <see cref="Infer"/> with the running statistics held fixed (after the activation's).</summary>
    public static void BackwardFrozen(SourceWriter w, LayerShape layer, string dy, string x, string dx) =>
        w.Call($"{Kernels}.BackwardFrozen", new[]
        {
            ("dy", dy), ("x", x), ("gamma", NetworkEmitter.Weights(layer, "parameters")), ("statistics", Statistics(layer, "parameters")),
            ("epsilon", $"Net.{layer.ClassName}.Epsilon"), ("dx", dx), ("dgamma", NetworkEmitter.Weights(layer, "gradients")),
            ("dbeta", NetworkEmitter.Biases(layer, "gradients")),
        });

    /// <summary>
    /// <c>TrainBatch</c>: the forward pass layer by layer over this worker's examples (example n's training workspace at
    /// n × TrainingWorkspaceLength), each batch normalisation over the whole batch (waiting for the shard's team to write
    /// its sums), the fused loss per example, then the backward pass in reverse, each batch normalisation again over the
    /// batch. Only for networks with a label loss.
    /// </summary>
    public static void TrainingPass(SourceWriter w, ShapeChain chain)
    {
        if (chain.Loss == LossKind.None)
        {
            return;
        }

        w.Lines("""
            /// <summary>
            /// The training pass with batch statistics over labels.Length examples: layer by layer over the whole batch, every
            /// batch normalisation by the batch's own mean and variance; adds the summed gradient into gradients and writes
            /// each output. Example n's activations and their gradients sit at n × TrainingWorkspaceLength in batchWorkspace,
            /// the batch statistics after the last example.
            /// </summary>
            """);
        using (w.Method("public static float TrainBatch", "Span<float> parameters", "ReadOnlySpan<float> inputs", "ReadOnlySpan<int> labels", "Span<float> gradients",
            "Span<float> outputs", "Span<float> batchWorkspace", "bool updateRunningStatistics", "BatchStatisticsShard shard"))
        {
            w.Line("int count = labels.Length, total = shard.TotalFor(count);");
            w.Line("Span<float> saved = batchWorkspace.Slice(count * Net.TrainingWorkspaceLength, Net.BatchStatisticsLength);");
            w.Line("// Each batch norm's per-example sums, shared with the other workers of the batch (or in the workspace's tail).");
            w.Line("int used = (count * Net.TrainingWorkspaceLength) + Net.BatchStatisticsLength;");
            w.Line("Span<double> shared = BatchNormKernels.SharedSums(shard, batchWorkspace, used, total * Net.SharedBatchStatisticsPerExample);");
            int savedOffset = 0, sharedOffset = 0;
            var savedOffsets = new int[chain.Layers.Count];
            var sharedOffsets = new int[chain.Layers.Count];
            for (int i = 0; i < chain.Layers.Count; i++)
            {
                LayerShape layer = chain.Layers[i];
                w.Line($"// {layer.Name}");
                if (layer.Kind == LayerType.BatchNorm)
                {
                    w.Call($"{Kernels}.TrainForward", new[]
                    {
                        ("workspaces", "batchWorkspace"), ("count", "count"), ("stride", "Net.TrainingWorkspaceLength"),
                        ("inputOffset", $"Net.{layer.ClassName}.InputOffset"), ("outputOffset", $"Net.{layer.ClassName}.OutputOffset"),
                        ("length", $"Net.{layer.ClassName}.InputLength"), ("gamma", NetworkEmitter.Weights(layer, "parameters")),
                        ("beta", NetworkEmitter.Biases(layer, "parameters")), ("statistics", Statistics(layer, "parameters")),
                        ("momentum", $"Net.{layer.ClassName}.Momentum"), ("epsilon", $"Net.{layer.ClassName}.Epsilon"), ("activation", ActivationName(layer)),
                        ("updateRunning", "updateRunningStatistics"), ("saved", $"saved.Slice({SourceWriter.Int(savedOffset)}, {SourceWriter.Int(2 * layer.OutC)})"),
                        ("layer", $"\"{layer.Name}\""), ("shard", "shard"), ("shared", Shared(layer, sharedOffset)),
                    });
                    savedOffsets[i] = savedOffset;
                    sharedOffsets[i] = sharedOffset;
                    savedOffset += 2 * layer.OutC;
                    sharedOffset += 4 * layer.OutC;
                    continue;
                }

                using (EachExample(w, withInput: !layer.HasInputGradient))
                {
                    NetworkEmitter.ForwardLayer(w, layer, i);
                }
            }

            w.Line("// The loss of each example, and its gradient with respect to the output's pre-activation.");
            w.Line("float loss = 0f;");
            using (w.Block("for (int n = 0; n < count; n++)"))
            {
                w.Line("Span<float> workspace = batchWorkspace.Slice(n * Net.TrainingWorkspaceLength, Net.TrainingWorkspaceLength);");
                w.Line("ReadOnlySpan<float> probabilities = workspace.Slice(Net.OutputOffset, Net.OutputLength);");
                w.Line("Span<float> outputGradient = workspace.Slice(Net.WorkspaceLength + Net.OutputOffset, Net.OutputLength);");
                w.Line("probabilities.CopyTo(outputs.Slice(n * Net.OutputLength, Net.OutputLength));");
                w.Line("int label = labels[n];");
                if (chain.Loss == LossKind.CrossEntropy)
                {
                    w.Line("GeneratedCodeSupport.CrossEntropyGradient(probabilities, label, outputGradient);");
                    w.Line("loss += GeneratedCodeSupport.NegativeLog(probabilities[label]);");
                }
                else
                {
                    w.Line("float p = probabilities[0];");
                    w.Line("outputGradient[0] = p - label;");
                    w.Line("loss += GeneratedCodeSupport.NegativeLog(label == 1 ? p : 1f - p);");
                }
            }

            for (int i = chain.Layers.Count - 1; i >= 0; i--)
            {
                LayerShape layer = chain.Layers[i];
                bool last = i == chain.Layers.Count - 1;
                w.Line($"// {layer.Name}");
                if (layer.Kind == LayerType.BatchNorm)
                {
                    if (!last && layer.Activation != Activation.None)
                    {
                        using (EachExample(w, withInput: false))
                        {
                            w.Line("Span<float> deltas = workspace.Slice(Net.WorkspaceLength, Net.WorkspaceLength);");
                            NetworkEmitter.ActivationBackward(w, layer, guardOutput: false);
                        }
                    }

                    w.Call($"{Kernels}.TrainBackward", new[]
                    {
                        ("workspaces", "batchWorkspace"), ("count", "count"), ("stride", "Net.TrainingWorkspaceLength"),
                        ("inputOffset", $"Net.{layer.ClassName}.InputOffset"), ("outputOffset", $"Net.{layer.ClassName}.OutputOffset"),
                        ("deltaOffset", "Net.WorkspaceLength"), ("length", $"Net.{layer.ClassName}.InputLength"),
                        ("gamma", NetworkEmitter.Weights(layer, "parameters")), ("saved", $"saved.Slice({SourceWriter.Int(savedOffsets[i])}, {SourceWriter.Int(2 * layer.OutC)})"),
                        ("dgamma", NetworkEmitter.Weights(layer, "gradients")), ("dbeta", NetworkEmitter.Biases(layer, "gradients")),
                        ("shard", "shard"), ("shared", Shared(layer, sharedOffsets[i])),
                    });
                    continue;
                }

                if (!layer.HasInputGradient && layer.Kind is LayerType.MaxPool or LayerType.AvgPool)
                {
                    // A pool on the input has nothing to pass back and no parameters.
                    continue;
                }

                using (EachExample(w, withInput: !layer.HasInputGradient))
                {
                    w.Line("Span<float> deltas = workspace.Slice(Net.WorkspaceLength, Net.WorkspaceLength);");
                    if (!last)
                    {
                        NetworkEmitter.ActivationBackward(w, layer, guardOutput: false);
                    }

                    NetworkEmitter.BackwardLayer(w, layer, i);
                }
            }

            w.Line("return loss;");
        }

        w.Line();
    }

    /// <summary>A batch norm's part of the shared sums: 4 doubles per channel and example of the batch, after the earlier batch norms'.</summary>
    private static string Shared(LayerShape layer, int sharedOffset) =>
        $"shared.Slice({SourceWriter.Int(sharedOffset)} * total, {SourceWriter.Int(4 * layer.OutC)} * total)";

    /// <summary>A loop over the batch's examples with <c>workspace</c> (and, for the first layer, <c>input</c>) naming example n's.</summary>
    private static SourceWriter.Scope EachExample(SourceWriter w, bool withInput)
    {
        SourceWriter.Scope scope = w.Block("for (int n = 0; n < count; n++)");
        if (withInput)
        {
            w.Line("ReadOnlySpan<float> input = inputs.Slice(n * Net.InputLength, Net.InputLength);");
        }

        w.Line("Span<float> workspace = batchWorkspace.Slice(n * Net.TrainingWorkspaceLength, Net.TrainingWorkspaceLength);");
        return scope;
    }
}
