using System.Collections.Generic;
using System.Globalization;
using LeNet.Generator.Model;

namespace LeNet.Generator.Emitting;

/// <summary>
/// The public surface written into the user's partial type: constants, the nested class per layer, Forward, Predict,
/// Backward and the <c>INetwork</c> members. Code here lands in the user's type, so every outside name is written with
/// <c>global::</c>; the arithmetic lives in the kernel class, which this code calls by one qualified name.
/// </summary>
internal static class SurfaceEmitter
{
    private const string Span = "global::System.Span<float>";
    private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    private const string Interface = "global::LeNet.INetwork";
    private const string Support = "global::LeNet.GeneratedCodeSupport";

    /// <summary>The integer constants of each layer's nested class, in the order they are written.</summary>
    private static readonly string[] LayerConstants =
    {
        "InC", "InH", "InW", "OutC", "OutH", "OutW", "Kernel", "Stride", "Padding", "InputLength", "InputOffset", "OutputLength", "OutputOffset",
        "WeightOffset", "WeightLength", "BiasOffset", "BiasLength", "ParameterCount", "PaddedH", "PaddedW", "PaddedOffset", "PaddedLength",
    };

    /// <summary>The integer constants of the network type that <c>INetwork</c> exposes.</summary>
    private static readonly string[] NetworkCounts = { "InputLength", "OutputLength", "ParameterCount", "WorkspaceLength", "TrainingWorkspaceLength", "OutputOffset", "ClassCount" };

    public static void Network(SourceWriter w, NetworkSpec spec, ShapeChain chain, ulong fingerprint, string kernels, string generatorVersion)
    {
        string self = CSharpNames.Identifier(spec.TypeName);
        LayerShape last = chain.Last;

        w.Line("/// <summary>");
        w.Line($"/// The network declared on {self}: input ({chain.InC},{chain.InH},{chain.InW}) channel-major, {SourceWriter.Int(chain.ParameterCount)} parameters.");
        w.Line("/// </summary>");
        w.Line("/// <remarks>");
        w.Line("/// <code>");
        List<string> rows = SummaryRows(chain);
        foreach (string row in rows)
        {
            w.Line("/// " + Xml.Escape(row));
        }

        w.Line("/// </code>");
        foreach (LayerShape layer in chain.Layers)
        {
            w.Line("/// <para>" + Xml.Escape(ShapeComment(layer)) + "</para>");
        }

        w.Line("/// </remarks>");
        w.Line($"[global::System.CodeDom.Compiler.GeneratedCode(\"LeNet.Generator\", \"{generatorVersion}\")]");
        string dropoutInterface = chain.HasDropout ? ", global::LeNet.IDropoutNetwork" : chain.HasBatchNorm ? ", global::LeNet.IBatchNormNetwork" : "";
        using (w.Block($"partial class {self} : {Interface}<{self}>{dropoutInterface}"))
        {
            Constants(w, chain, fingerprint, rows);
            w.Lines($$"""

                private readonly float[] _parameters = new float[ParameterCount];

                /// <summary>
                /// All weights and biases in one flat span, in PyTorch's order and layout, so a <c>state_dict</c> flattened in
                /// layer order copies in as it is: per layer, a convolution's weight (out, in, kh, kw) then its bias, a dense
                /// layer's weight (out, in) then its bias. Each layer's offsets are constants of its nested class.
                /// </summary>
                public {{Span}} Parameters => _parameters;

                /// <summary>Every layer after the input, in order, with its parameter offsets and fan-in and fan-out.</summary>
                public static global::System.ReadOnlySpan<global::LeNet.LayerInfo> Layers => s_layers;

                """);
            LayerInfos(w, chain);
            InterfaceStatics(w, self);
            w.Line(spec.HasParameterlessConstructor
                ? $"static {self} {Interface}<{self}>.Create() => new {self}();"
                : $"static {self} {Interface}<{self}>.Create() => throw new global::System.NotSupportedException(\"{self} has no parameterless constructor, so generic code cannot create it; add one or create the network yourself.\");");
            w.Line();

            foreach (LayerShape layer in chain.Layers)
            {
                ShapeClass(w, layer);
            }

            ForwardMembers(w, self, chain, kernels);
            ClassMembers(w, chain);
            BackwardMembers(w, chain, kernels);
            if (chain.HasBatchNorm)
            {
                BatchStatisticsMembers(w, chain, kernels);
            }

            if (chain.WorkspaceOnStack)
            {
                w.Lines($$"""
                    /// <summary>Every layer's activations, kept on the stack by the caller.</summary>
                    [global::System.Runtime.CompilerServices.InlineArray(WorkspaceLength)]
                    private struct {{WorkspaceType(self)}}
                    {
                        private float _element0;
                    }
                    """);
            }
        }
    }

    private static void Constants(SourceWriter w, ShapeChain chain, ulong fingerprint, List<string> rows)
    {
        LayerShape last = chain.Last;
        w.Lines($$"""
            /// <summary>Input values: channels × height × width = {{chain.InC}}×{{chain.InH}}×{{chain.InW}}.</summary>
            public const int InputLength = {{SourceWriter.Int(chain.InputLength)}};
            /// <summary>Input planes.</summary>
            public const int InputChannels = {{chain.InC}};
            /// <summary>Rows of each input plane.</summary>
            public const int InputHeight = {{chain.InH}};
            /// <summary>Columns of each input plane.</summary>
            public const int InputWidth = {{chain.InW}};
            /// <summary>Output values.</summary>
            public const int OutputLength = {{SourceWriter.Int(chain.OutputLength)}};
            /// <summary>Weights and biases, the length of <see cref="Parameters"/>.</summary>
            public const int ParameterCount = {{SourceWriter.Int(chain.ParameterCount)}};
            /// <summary>Floats of scratch space one forward pass needs: every layer's activations.</summary>
            public const int WorkspaceLength = {{SourceWriter.Int(chain.WorkspaceLength)}};
            /// <summary>Floats of scratch space Backward needs: the activations, then their gradients in the same layout.</summary>
            public const int TrainingWorkspaceLength = 2 * WorkspaceLength;
            /// <summary>Where the output ({{last.Name}}) sits in a workspace after Forward or Backward.</summary>
            public const int OutputOffset = {{last.ClassName}}.OutputOffset;
            /// <summary>How many classes <see cref="ClassOf"/> tells apart: {{(chain.ThresholdsOneUnit ? "a one-unit output is thresholded into two" : "one per output")}}.</summary>
            public const int ClassCount = {{SourceWriter.Int(chain.ClassCount)}};
            /// <summary>A hash of the architecture, stored in checkpoints so another network's file is refused.</summary>
            public const ulong Fingerprint = {{Hex(fingerprint)}};
            /// <summary>The loss that Backward computes for a label, chosen by the output layer ({{last.Name}}).</summary>
            public const global::LeNet.LossKind Loss = global::LeNet.LossKind.{{chain.Loss}};

            /// <summary>Activation shape (H,W,C, as the CNN lecture writes it), activation size and parameter count per layer.</summary>
            public const string Summary =
            """);
        for (int i = 0; i < rows.Count; i++)
        {
            w.Line("    \"" + rows[i].Replace("\\", "\\\\").Replace("\"", "\\\"") + (i < rows.Count - 1 ? "\\n\" +" : "\\n\";"));
        }
    }

    private static void LayerInfos(SourceWriter w, ShapeChain chain)
    {
        w.Line("private static readonly global::LeNet.LayerInfo[] s_layers =");
        w.Line("[");
        // What each layer reads, before flattening (a dense layer's own InC is its flattened input length): the network
        // input, then the previous layer's output.
        string input = "new(InputChannels, InputHeight, InputWidth)";
        foreach (LayerShape layer in chain.Layers)
        {
            string c = layer.ClassName;
            bool windowed = layer.Kind is not LayerType.Dense and not LayerType.Dropout and not LayerType.BatchNorm;
            w.Line($"    new(\"{layer.Name}\", global::LeNet.LayerType.{layer.Kind}, global::LeNet.Activation.{layer.Activation},");
            w.Line($"        {c}.WeightOffset, {c}.WeightLength, {c}.BiasOffset, {c}.BiasLength,");
            w.Line($"        FanIn: {SourceWriter.Int(layer.FanIn)}, FanOut: {SourceWriter.Int(layer.FanOut)}, OutputLength: {c}.OutputLength)");
            w.Line($"    {{ Input = {input}, Output = new({c}.OutC, {c}.OutH, {c}.OutW),");
            string rate = layer.Kind == LayerType.Dropout ? $", Rate = {c}.Rate" : "";
            if (layer.Kind == LayerType.BatchNorm)
            {
                rate = $",\n        StatisticsOffset = {c}.StatisticsOffset, StatisticsLength = {c}.StatisticsLength, Momentum = {c}.Momentum, Epsilon = {c}.Epsilon";
            }

            w.Line($"        Kernel = {(windowed ? c + ".Kernel" : "0")}, Stride = {(windowed ? c + ".Stride" : "0")}, Padding = {(windowed ? c + ".Padding" : "0")}{rate} }},");
            input = $"new({c}.OutC, {c}.OutH, {c}.OutW)";
        }

        w.Line("];");
        w.Line();
    }

    /// <summary>The private stack buffer's type: <c>Workspace</c>, unless the network itself is called that.</summary>
    private static string WorkspaceType(string self) => self == "Workspace" ? "StackWorkspace" : "Workspace";

    private static void InterfaceStatics(SourceWriter w, string self)
    {
        foreach (string name in NetworkCounts)
        {
            w.Line($"static int {Interface}<{self}>.{name} => {name};");
        }

        w.Line($"static ulong {Interface}<{self}>.Fingerprint => Fingerprint;");
        w.Line($"static global::LeNet.LossKind {Interface}<{self}>.Loss => Loss;");
        w.Line($"static string {Interface}<{self}>.Summary => Summary;");
        w.Line($"static global::System.ReadOnlySpan<global::LeNet.LayerInfo> {Interface}<{self}>.Layers => Layers;");
        w.Line($"static int {Interface}<{self}>.ClassOf({ReadOnlySpan} output) => ClassOf(output);");
        w.Line($"static float {Interface}<{self}>.LossOf({ReadOnlySpan} output, int label) => LossOf(output, label);");
    }

    private static void ShapeClass(SourceWriter w, LayerShape layer)
    {
        w.Line($"/// <summary>{Xml.Escape(ShapeComment(layer))}</summary>");
        using (w.Block($"public static class {layer.ClassName}"))
        {
            w.Line($"public const int InC = {layer.InC}, InH = {layer.InH}, InW = {layer.InW};");
            w.Line($"public const int OutC = {layer.OutC}, OutH = {layer.OutH}, OutW = {layer.OutW};");
            if (layer.Kind == LayerType.Dropout)
            {
                w.Line($"/// <summary>The probability of dropping each activation in training.</summary>");
                w.Line($"public const float Rate = {SourceWriter.Float(layer.Rate)};");
            }
            else if (layer.Kind == LayerType.BatchNorm)
            {
                w.Line("/// <summary>The weight of each batch in the running statistics: running = (1 − momentum) · running + momentum · batch.</summary>");
                w.Line($"public const float Momentum = {SourceWriter.Float(layer.Momentum)};");
                w.Line("/// <summary>Added to the variance before its square root.</summary>");
                w.Line($"public const float Epsilon = {SourceWriter.Float(layer.Epsilon)};");
            }
            else if (layer.Kind != LayerType.Dense)
            {
                w.Line($"public const int Kernel = {layer.Kernel}, Stride = {layer.Stride}, Padding = {layer.Padding};");
            }

            w.Line($"public const int InputLength = {SourceWriter.Int(layer.InputLength)}, OutputLength = {SourceWriter.Int(layer.OutputLength)};");
            w.Line(layer.HasInputGradient
                ? $"public const int InputOffset = {SourceWriter.Int(layer.InputOffset)}, OutputOffset = {SourceWriter.Int(layer.OutputOffset)};"
                : $"public const int OutputOffset = {SourceWriter.Int(layer.OutputOffset)};");
            // A pool's weight and bias lengths are 0 at the running offset, so generic code reads every layer alike.
            w.Line($"public const int WeightOffset = {SourceWriter.Int(layer.WeightOffset)}, WeightLength = {SourceWriter.Int(layer.WeightLength)};");
            w.Line($"public const int BiasOffset = {SourceWriter.Int(layer.BiasOffset)}, BiasLength = {SourceWriter.Int(layer.BiasLength)};");
            if (layer.Kind == LayerType.BatchNorm)
            {
                w.Line("/// <summary>The running mean (OutC floats) then the running variance (OutC floats), after γ (the weights) and β (the biases).</summary>");
                w.Line($"public const int StatisticsOffset = {SourceWriter.Int(layer.StatisticsOffset)}, StatisticsLength = {SourceWriter.Int(layer.StatisticsLength)};");
            }

            w.Line($"public const int ParameterCount = {SourceWriter.Int(layer.ParameterCount)};");
            if (layer.IsPadded)
            {
                w.Line($"public const int PaddedH = {layer.PaddedH}, PaddedW = {layer.PaddedW};");
                w.Line($"public const int PaddedOffset = {SourceWriter.Int(layer.PaddedOffset)}, PaddedLength = {SourceWriter.Int(layer.PaddedLength)};");
            }
        }

        w.Line();
    }

    private static void ForwardMembers(SourceWriter w, string self, ShapeChain chain, string kernels)
    {
        // Inference of a network with batch norms folds them into the convolutions before them (BatchNormEmitter.InferencePass).
        string inference = chain.HasBatchNorm ? "ForwardInference" : "Forward";
        if (chain.WorkspaceOnStack)
        {
            w.Lines($$"""
                /// <summary>
                /// Runs the network on one input (C,H,W) and writes the output: the fastest single-image path, the same bits as
                /// the workspace overload. Allocates nothing; the activations live on the stack.
                /// </summary>
                /// <exception cref="global::System.ArgumentException">The input is not InputLength or the output not OutputLength floats long.</exception>
                public void Forward({{ReadOnlySpan}} input, {{Span}} output)
                {
                    {{Support}}.CheckLength(input.Length, InputLength, nameof(input));
                    {{Support}}.CheckLength(output.Length, OutputLength, nameof(output));
                    {{kernels}}.Infer(_parameters, input, output);
                }

                """);
        }
        else
        {
            w.Lines($$"""
                /// <summary>Not available: the activations are too large for the stack (LENET011); pass a workspace of WorkspaceLength floats.</summary>
                void {{Interface}}<{{self}}>.Forward({{ReadOnlySpan}} input, {{Span}} output) =>
                    throw new global::System.NotSupportedException("{{self}} needs " + WorkspaceLength + " floats of activations, too many for the stack; call Forward(input, output, workspace).");

                """);
        }

        w.Lines($$"""
            /// <summary>Runs the network on one input (C,H,W) with caller-supplied scratch space of at least WorkspaceLength floats.</summary>
            /// <exception cref="global::System.ArgumentException">A span has the wrong length.</exception>
            public void Forward({{ReadOnlySpan}} input, {{Span}} output, {{Span}} workspace)
            {
                {{Support}}.CheckLength(input.Length, InputLength, nameof(input));
                {{Support}}.CheckLength(output.Length, OutputLength, nameof(output));
                {{Support}}.CheckMinimumLength(workspace.Length, WorkspaceLength, nameof(workspace));
                {{kernels}}.{{inference}}(_parameters, input, workspace);
                workspace.Slice(OutputOffset, OutputLength).CopyTo(output);
            }

            /// <summary>The predicted class of one input: <see cref="ClassOf"/> of its output.</summary>
            /// <exception cref="global::System.InvalidOperationException">The output is not finite (the parameters have diverged).</exception>
            public int Predict({{ReadOnlySpan}} input)
            {
            """);
        if (chain.WorkspaceOnStack)
        {
            w.Line($"    {WorkspaceType(self)} workspace = default;");
            w.Line($"    {Span} activations = workspace;");
        }
        else
        {
            w.Line($"    {Span} activations = new float[WorkspaceLength];");
        }

        w.Lines($$"""
                {{Support}}.CheckLength(input.Length, InputLength, nameof(input));
                {{kernels}}.{{inference}}(_parameters, input, activations);
                {{ReadOnlySpan}} output = activations.Slice(OutputOffset, OutputLength);
                int predicted = ClassOf(output);
                return predicted >= 0 ? predicted : throw {{Support}}.NonFiniteOutput(output);
            }

            """);
    }

    private static void ClassMembers(SourceWriter w, ShapeChain chain)
    {
        string rule = chain.ThresholdsOneUnit
            ? "1 when the one output is at least 0.5, else 0"
            : "the index of the largest output (the first one on ties)";
        w.Lines($$"""
            /// <summary>
            /// The class an output stands for: {{rule}}; -1 when the output holds a NaN or an infinity.
            /// </summary>
            public static int ClassOf({{ReadOnlySpan}} output)
            {
                {{Support}}.CheckLength(output.Length, OutputLength, nameof(output));
                if (!{{Support}}.IsFinite(output))
                {
                    return -1;
                }

            """);
        w.Line(chain.ThresholdsOneUnit
            ? "    return output[0] >= 0.5f ? 1 : 0;"
            : "    return global::System.Numerics.Tensors.TensorPrimitives.IndexOfMax(output);");
        w.Line("}");
        w.Line();

        string loss = chain.Loss switch
        {
            LossKind.CrossEntropy => "(uint)label < OutputLength ? " + Support + ".NegativeLog(output[label]) : float.NaN",
            LossKind.BinaryCrossEntropy => "(uint)label < 2 ? " + Support + ".NegativeLog(label == 1 ? output[0] : 1f - output[0]) : float.NaN",
            _ => "float.NaN",
        };
        string meaning = chain.Loss switch
        {
            LossKind.CrossEntropy => "cross-entropy −log output[label]; NaN for a label out of range",
            LossKind.BinaryCrossEntropy => "binary cross-entropy of the one sigmoid output; NaN for a label other than 0 or 1",
            _ => $"always NaN: {chain.Last.Name} supports no label loss",
        };
        w.Lines($$"""
            /// <summary>
            /// The loss Backward(input, label, ...) reports, from an output Forward wrote:
            /// {{meaning}}.
            /// </summary>
            public static float LossOf({{ReadOnlySpan}} output, int label)
            {
                {{Support}}.CheckLength(output.Length, OutputLength, nameof(output));
                return {{loss}};
            }

            """);
    }

    private static void BackwardMembers(SourceWriter w, ShapeChain chain, string kernels)
    {
        LayerShape last = chain.Last;
        string key = string.Empty;
        if (chain.HasDropout)
        {
            w.Summary("Runs the network and back-propagates the label's loss with every activation kept (no dropout);", "adds every parameter's gradient into <paramref name=\"gradients\"/> (same order as Parameters).");
            w.Line("/// <returns>The example's loss.</returns>");
            w.Line($"public float Backward({ReadOnlySpan} input, int label, {Span} gradients, {Span} workspace) => Backward(input, label, gradients, workspace, default);");
            w.Line();
            w.Summary("Runs the network with the dropout masks of <paramref name=\"dropout\"/> and back-propagates the label's loss through them;", "adds every parameter's gradient into <paramref name=\"gradients\"/> (same order as Parameters).");
            w.Line("/// <returns>The example's loss under its masks.</returns>");
            key = ", dropout";
        }
        else
        {
            w.Summary("Runs the network and back-propagates the label's loss;", "adds every parameter's gradient into <paramref name=\"gradients\"/> (same order as Parameters).");
            w.Line("/// <returns>The example's loss.</returns>");
        }

        string[] parameters = { $"{ReadOnlySpan} input", "int label", $"{Span} gradients", $"{Span} workspace" };
        if (chain.HasDropout)
        {
            parameters = [.. parameters, "global::LeNet.DropoutKey dropout"];
        }

        using (w.Method("public float Backward", parameters))
        {
            if (chain.Loss == LossKind.None)
            {
                w.Line($"throw new global::System.InvalidOperationException(\"{last.Name} has activation {last.Activation}; a label loss needs a Softmax output or a single Sigmoid unit. Use Backward(input, outputGradient, gradients, workspace).\");");
            }
            else
            {
                TrainingChecks(w);
                using (w.Block($"if ((uint)label >= ClassCount)"))
                {
                    w.Line($"throw new global::System.ArgumentOutOfRangeException(nameof(label), label, \"Expected a label from 0 to {chain.ClassCount - 1}.\");");
                }

                w.Line($"{kernels}.Forward(_parameters, input, workspace{key});");
                w.Line($"{ReadOnlySpan} probabilities = workspace.Slice(OutputOffset, OutputLength);");
                w.Line($"{Span} outputGradient = workspace.Slice(WorkspaceLength + OutputOffset, OutputLength);");
                if (chain.Loss == LossKind.CrossEntropy)
                {
                    w.Line("// Softmax and cross-entropy fused: dL/dz = p - q, q onehot(label) unless the training smooths labels.");
                    w.Line($"{Support}.CrossEntropyGradient(probabilities, label, outputGradient);");
                    w.Line($"float loss = {Support}.NegativeLog(probabilities[label]);");
                }
                else
                {
                    w.Line("// Sigmoid and binary cross-entropy fused: dL/dz = p - label.");
                    w.Line("float p = probabilities[0];");
                    w.Line("outputGradient[0] = p - label;");
                    w.Line($"float loss = {Support}.NegativeLog(label == 1 ? p : 1f - p);");
                }

                w.Line($"{kernels}.Backward(_parameters, input, gradients, workspace, outputIsPreActivation: true{key});");
                w.Line("return loss;");
            }
        }

        w.Line();
        w.Summary("Runs the network and back-propagates <paramref name=\"outputGradient\"/>, the gradient of some loss with respect to the output;", "adds every parameter's gradient into <paramref name=\"gradients\"/>.");
        using (w.Method("public void Backward", $"{ReadOnlySpan} input", $"{ReadOnlySpan} outputGradient", $"{Span} gradients", $"{Span} workspace"))
        {
            TrainingChecks(w);
            w.Line($"{Support}.CheckLength(outputGradient.Length, OutputLength, nameof(outputGradient));");
            w.Line($"{kernels}.Forward(_parameters, input, workspace);");
            w.Line("outputGradient.CopyTo(workspace.Slice(WorkspaceLength + OutputOffset, OutputLength));");
            w.Line($"{kernels}.Backward(_parameters, input, gradients, workspace, outputIsPreActivation: false);");
        }

        w.Line();
    }

    private static void BatchStatisticsMembers(SourceWriter w, ShapeChain chain, string kernels)
    {
        int plane = int.MaxValue, sharedPerExample = 0;
        foreach (LayerShape layer in chain.Layers)
        {
            plane = layer.Kind == LayerType.BatchNorm ? System.Math.Min(plane, layer.Plane) : plane;
            sharedPerExample += layer.Kind == LayerType.BatchNorm ? 4 * layer.OutC : 0;
        }

        w.Lines($$"""
            /// <summary>
            /// Floats the training pass keeps per batch normalisation between its forward and backward halves: the batch mean
            /// and 1/√(var + ε) per channel.
            /// </summary>
            public const int BatchStatisticsLength = {{SourceWriter.Int(chain.BatchStatisticsLength)}};

            /// <summary>
            /// Doubles of per-example sums the training pass shares between the workers of a batch: 4 per batch-norm channel
            /// (the sum and the squared deviations forward, Σ dy and Σ dy·x̂ backward).
            /// </summary>
            public const int SharedBatchStatisticsPerExample = {{SourceWriter.Int(sharedPerExample)}};

            /// <summary>
            /// Floats of scratch space BackwardWithBatchStatistics needs for <paramref name="examples"/> examples: a training
            /// workspace each, the batch statistics, then room for the shared sums of a call without a team (as doubles).
            /// </summary>
            /// <exception cref="global::System.ArgumentOutOfRangeException"><paramref name="examples"/> is negative or too many.</exception>
            public int BatchStatisticsWorkspaceLength(int examples) =>
                examples >= 0 && (long)examples * (TrainingWorkspaceLength + (2 * SharedBatchStatisticsPerExample)) + BatchStatisticsLength <= int.MaxValue
                    ? (examples * (TrainingWorkspaceLength + (2 * SharedBatchStatisticsPerExample))) + BatchStatisticsLength
                    : throw new global::System.ArgumentOutOfRangeException(nameof(examples), examples, "Expected a count whose workspace fits an int.");

            /// <summary>Doubles of shared sums a team needs for batches of up to <paramref name="examples"/> examples.</summary>
            /// <exception cref="global::System.ArgumentOutOfRangeException"><paramref name="examples"/> is negative or too many.</exception>
            public int SharedBatchStatisticsLength(int examples) =>
                examples >= 0 && (long)examples * SharedBatchStatisticsPerExample <= int.MaxValue
                    ? examples * SharedBatchStatisticsPerExample
                    : throw new global::System.ArgumentOutOfRangeException(nameof(examples), examples, "Expected a count whose shared sums fit an int.");

            /// <summary>
            /// The training pass over one mini-batch with batch statistics (see <see cref="global::LeNet.IBatchNormNetwork"/>): adds the
            /// summed gradient into <paramref name="gradients"/>, writes each output, and with <paramref name="updateRunningStatistics"/>
            /// moves every running mean and variance once by its layer's momentum.
            /// </summary>
            /// <returns>The summed loss.</returns>
            """);
        string[] parameters =
        {
            $"{ReadOnlySpan} inputs", "global::System.ReadOnlySpan<int> labels", $"{Span} gradients", $"{Span} outputs", $"{Span} workspace", "bool updateRunningStatistics",
        };
        using (w.Method("public float BackwardWithBatchStatistics", parameters))
        {
            w.Line("return BackwardWithBatchStatistics(inputs, labels, gradients, outputs, workspace, updateRunningStatistics, default);");
        }

        w.Lines("""

            /// <summary>
            /// One worker's part of the training pass over a mini-batch its team shares (see
            /// <see cref="global::LeNet.IBatchNormNetwork"/>); a failure here abandons the team, so the other workers stop waiting.
            /// </summary>
            /// <returns>This worker's summed loss.</returns>
            """);
        using (w.Method("public float BackwardWithBatchStatistics", [.. parameters, "global::LeNet.BatchStatisticsShard shard"]))
        {
            w.Lines("""
                if (shard.Team is null)
                {
                    return TrainShard(inputs, labels, gradients, outputs, workspace, updateRunningStatistics, shard);
                }

                try
                {
                    return TrainShard(inputs, labels, gradients, outputs, workspace, updateRunningStatistics, shard);
                }
                catch
                {
                    shard.Team.Abandon();
                    throw;
                }
                """);
        }

        w.Line();
        using (w.Method("private float TrainShard", $"{ReadOnlySpan} inputs", "global::System.ReadOnlySpan<int> labels", $"{Span} gradients", $"{Span} outputs",
            $"{Span} workspace", "bool updateRunningStatistics", "global::LeNet.BatchStatisticsShard shard"))
        {
            if (chain.Loss == LossKind.None)
            {
                w.Line($"throw new global::System.InvalidOperationException(\"{chain.Last.Name} has activation {chain.Last.Activation}; a label loss needs a Softmax output or a single Sigmoid unit.\");");
                return;
            }

            w.Line("int count = labels.Length, total = shard.TotalFor(count);");
            using (w.Block("if (shard.Team is not null && ((long)shard.First + count > total || shard.Team.Shared.Length < SharedBatchStatisticsLength(total)))"))
            {
                w.Line("throw new global::System.ArgumentException(\"Expected the shard's examples within its batch and the team's shared sums to hold \" +");
                w.Line("    SharedBatchStatisticsLength(total) + \" doubles; got examples \" + shard.First + \" to \" + (shard.First + count) + \" of \" + total + \" and \" +");
                w.Line("    shard.Team.Shared.Length + \" doubles.\", nameof(shard));");
            }

            using (w.Block($"if ((long)total * {SourceWriter.Int(plane)} < 2)"))
            {
                w.Line($"throw new global::System.ArgumentException(\"Expected at least {(plane >= 2 ? 1 : 2)} example(s): batch normalisation in training \" +");
                w.Line("    \"needs more than one value per channel, got \" + total + \" example(s).\", nameof(labels));");
            }

            w.Line($"{Support}.CheckLength(inputs.Length, checked(count * InputLength), nameof(inputs));");
            w.Line($"{Support}.CheckLength(gradients.Length, ParameterCount, nameof(gradients));");
            w.Line($"{Support}.CheckLength(outputs.Length, checked(count * OutputLength), nameof(outputs));");
            w.Line($"{Support}.CheckMinimumLength(workspace.Length, BatchStatisticsWorkspaceLength(count), nameof(workspace));");
            using (w.Block("for (int n = 0; n < count; n++)"))
            {
                using (w.Block("if ((uint)labels[n] >= ClassCount)"))
                {
                    w.Line($"throw new global::System.ArgumentOutOfRangeException(nameof(labels), labels[n], \"Expected labels from 0 to {chain.ClassCount - 1}, \" +");
                    w.Line("        \"at index \" + n + \".\");");
                }
            }

            w.Line($"return {kernels}.TrainBatch(");
            w.Line("    _parameters, inputs, labels, gradients, outputs, workspace, updateRunningStatistics, shard);");
        }

        w.Line();
    }

    private static void TrainingChecks(SourceWriter w)
    {
        w.Line($"{Support}.CheckLength(input.Length, InputLength, nameof(input));");
        w.Line($"{Support}.CheckLength(gradients.Length, ParameterCount, nameof(gradients));");
        w.Line($"{Support}.CheckMinimumLength(workspace.Length, TrainingWorkspaceLength, nameof(workspace));");
    }

    /// <summary>
    /// The surface of a declaration with errors: every member of a sound network, each throwing, and every nested layer
    /// class the declaration names, so code that uses them compiles and the LENET diagnostics are the only errors.
    /// </summary>
    public static void Throwing(SourceWriter w, NetworkSpec spec, EquatableArray<string> layerClassNames, string generatorVersion)
    {
        string self = CSharpNames.Identifier(spec.TypeName);
        string errorConstant = spec.TypeName == "DeclarationError" ? "DeclarationErrorText" : "DeclarationError";
        string fail = $"throw new global::System.InvalidOperationException({errorConstant})";
        const string unavailable = "/// <summary>Not available: the declaration has errors.</summary>";

        // A member named like the type itself is left out (CS0542 would bury LENET020, which names the clash).
        void Member(string name, string declaration)
        {
            if (name != spec.TypeName)
            {
                w.Line(unavailable);
                w.Line(declaration);
            }
        }

        w.Line($"/// <summary>The network declared on {self}; its declaration has errors, so every member throws.</summary>");
        w.Line($"[global::System.CodeDom.Compiler.GeneratedCode(\"LeNet.Generator\", \"{generatorVersion}\")]");
        using (w.Block($"partial class {self} : {Interface}<{self}>"))
        {
            w.Line($"private const string {errorConstant} = \"{self} has errors in its [Network] declaration (see the LENET diagnostics), so no network code was generated for it.\";");
            w.Line();
            foreach (string name in NetworkCounts)
            {
                Member(name, $"public static int {name} => {fail};");
            }

            Member("Fingerprint", $"public static ulong Fingerprint => {fail};");
            Member("Loss", $"public static global::LeNet.LossKind Loss => {fail};");
            Member("Summary", $"public static string Summary => {fail};");
            Member("Layers", $"public static global::System.ReadOnlySpan<global::LeNet.LayerInfo> Layers => {fail};");
            Member("Parameters", $"public {Span} Parameters => {fail};");
            w.Line();

            // The interface's statics throw themselves rather than forward, so they need none of the members above.
            foreach (string name in NetworkCounts)
            {
                w.Line($"static int {Interface}<{self}>.{name} => {fail};");
            }

            w.Line($"static ulong {Interface}<{self}>.Fingerprint => {fail};");
            w.Line($"static global::LeNet.LossKind {Interface}<{self}>.Loss => {fail};");
            w.Line($"static string {Interface}<{self}>.Summary => {fail};");
            w.Line($"static global::System.ReadOnlySpan<global::LeNet.LayerInfo> {Interface}<{self}>.Layers => {fail};");
            w.Line($"static int {Interface}<{self}>.ClassOf({ReadOnlySpan} output) => {fail};");
            w.Line($"static float {Interface}<{self}>.LossOf({ReadOnlySpan} output, int label) => {fail};");
            w.Line($"static {self} {Interface}<{self}>.Create() => {fail};");
            w.Line($"void {Interface}<{self}>.Forward({ReadOnlySpan} input, {Span} output) => {fail};");
            w.Line($"void {Interface}<{self}>.Forward({ReadOnlySpan} input, {Span} output, {Span} workspace) => {fail};");
            w.Line($"int {Interface}<{self}>.Predict({ReadOnlySpan} input) => {fail};");
            w.Line($"float {Interface}<{self}>.Backward({ReadOnlySpan} input, int label, {Span} gradients, {Span} workspace) => {fail};");
            w.Line($"void {Interface}<{self}>.Backward({ReadOnlySpan} input, {ReadOnlySpan} outputGradient, {Span} gradients, {Span} workspace) => {fail};");
            w.Line($"{Span} {Interface}<{self}>.Parameters => {fail};");
            w.Line();
            foreach (string className in layerClassNames)
            {
                if (className == spec.TypeName)
                {
                    continue;
                }

                w.Line(unavailable);
                using (w.Block($"public static class {className}"))
                {
                    foreach (string constant in LayerConstants)
                    {
                        w.Line($"public static int {constant} => {fail};");
                    }
                }

                w.Line();
            }

            Member("Forward", $"public void Forward({ReadOnlySpan} input, {Span} output) => {fail};");
            Member("Forward", $"public void Forward({ReadOnlySpan} input, {Span} output, {Span} workspace) => {fail};");
            Member("Predict", $"public int Predict({ReadOnlySpan} input) => {fail};");
            Member("ClassOf", $"public static int ClassOf({ReadOnlySpan} output) => {fail};");
            Member("LossOf", $"public static float LossOf({ReadOnlySpan} output, int label) => {fail};");
            Member("Backward", $"public float Backward({ReadOnlySpan} input, int label, {Span} gradients, {Span} workspace) => {fail};");
            Member("Backward", $"public void Backward({ReadOnlySpan} input, {ReadOnlySpan} outputGradient, {Span} gradients, {Span} workspace) => {fail};");
            foreach (LayerSpec layer in spec.Layers)
            {
                if (layer is DropoutSpec)
                {
                    Member("Backward", $"public float Backward({ReadOnlySpan} input, int label, {Span} gradients, {Span} workspace, global::LeNet.DropoutKey dropout) => {fail};");
                    break;
                }
            }

            foreach (LayerSpec layer in spec.Layers)
            {
                if (layer is BatchNormSpec)
                {
                    Member("BatchStatisticsLength", $"public static int BatchStatisticsLength => {fail};");
                    Member("BatchStatisticsWorkspaceLength", $"public int BatchStatisticsWorkspaceLength(int examples) => {fail};");
                    Member("BackwardWithBatchStatistics", $"public float BackwardWithBatchStatistics({ReadOnlySpan} inputs, global::System.ReadOnlySpan<int> labels, "
                        + $"{Span} gradients, {Span} outputs, {Span} workspace, bool updateRunningStatistics) => {fail};");
                    Member("SharedBatchStatisticsPerExample", $"public static int SharedBatchStatisticsPerExample => {fail};");
                    Member("SharedBatchStatisticsLength", $"public int SharedBatchStatisticsLength(int examples) => {fail};");
                    Member("BackwardWithBatchStatistics", $"public float BackwardWithBatchStatistics({ReadOnlySpan} inputs, global::System.ReadOnlySpan<int> labels, "
                        + $"{Span} gradients, {Span} outputs, {Span} workspace, bool updateRunningStatistics, global::LeNet.BatchStatisticsShard shard) => {fail};");
                    break;
                }
            }
        }
    }

    /// <summary>One line per layer: name, shapes and weight shape, e.g. <c>CONV1: (1,32,32) -> (6,28,28); W (6,1,5,5), b (6)</c>.</summary>
    internal static string ShapeComment(LayerShape layer)
    {
        string input = layer.Kind == LayerType.Dense || (layer.IsFlat && layer.Kind is LayerType.Dropout or LayerType.BatchNorm) ? $"({layer.InC})" : $"({layer.InC},{layer.InH},{layer.InW})";
        string output = layer.IsFlat ? $"({layer.OutC})" : $"({layer.OutC},{layer.OutH},{layer.OutW})";
        string text = layer.Kind switch
        {
            LayerType.Conv => $"{layer.Name}: x {input} -> y {output}; W ({layer.OutC},{layer.InC},{layer.Kernel},{layer.Kernel}), b ({layer.OutC}); stride {layer.Stride}, padding {layer.Padding}",
            LayerType.MaxPool => $"{layer.Name}: x {input} -> y {output}; max over {layer.Kernel}x{layer.Kernel}, stride {layer.Stride}",
            LayerType.AvgPool => $"{layer.Name}: x {input} -> y {output}; average over {layer.Kernel}x{layer.Kernel}, stride {layer.Stride}",
            LayerType.Dropout => $"{layer.Name}: x {input} -> y {output}; dropout {layer.Rate.ToString("R", CultureInfo.InvariantCulture)} in training, identity at inference",
            LayerType.BatchNorm => $"{layer.Name}: x {input} -> y {output}; batch norm per {(layer.IsFlat ? "unit" : "channel")}, γ β mean var ({layer.OutC}); "
                + $"momentum {layer.Momentum.ToString("R", CultureInfo.InvariantCulture)}, ε {layer.Epsilon.ToString("R", CultureInfo.InvariantCulture)}",
            _ => $"{layer.Name}: x {input} -> y {output}; W ({layer.OutC},{layer.InC}), b ({layer.OutC})",
        };

        return layer.Activation == Activation.None ? text : text + "; " + layer.Activation;
    }

    /// <summary>The lecture's table: layer, activation shape (H,W,C), activation size, parameters; then the dense comparison per conv.</summary>
    internal static List<string> SummaryRows(ShapeChain chain)
    {
        var rows = new List<string>
        {
            Row("Layer", "Shape (H,W,C)", "Activation size", "Parameters"),
            Row("Input", $"({chain.InH},{chain.InW},{chain.InC})", SourceWriter.Int(chain.InputLength), "0"),
        };

        foreach (LayerShape layer in chain.Layers)
        {
            string shape = layer.IsFlat ? $"({layer.OutC},1)" : $"({layer.OutH},{layer.OutW},{layer.OutC})";
            rows.Add(Row(layer.Name, shape, SourceWriter.Int(layer.OutputLength), SourceWriter.Int(layer.ParameterCount)));
        }

        rows.Add(Row("Total", string.Empty, string.Empty, SourceWriter.Int(chain.ParameterCount)));
        foreach (LayerShape layer in chain.Layers)
        {
            if (layer.Kind == LayerType.Conv)
            {
                rows.Add(string.Format(
                    CultureInfo.InvariantCulture,
                    "{0} as a dense layer would need {1}x{2} = {3:N0} weights; as a convolution it has {4:N0} parameters.",
                    layer.Name,
                    layer.InputLength,
                    layer.OutputLength,
                    layer.DenseEquivalentWeights,
                    layer.ParameterCount));
            }
        }

        return rows;
    }

    private static string Row(string name, string shape, string size, string parameters) =>
        string.Format(CultureInfo.InvariantCulture, "{0,-8} {1,-17} {2,15} {3,11}", name, shape, size, parameters).TrimEnd();

    private static string Hex(ulong value) => "0x" + value.ToString("X16", CultureInfo.InvariantCulture) + "UL";
}
