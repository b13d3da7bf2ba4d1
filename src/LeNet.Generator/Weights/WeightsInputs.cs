using LeNet.Generator.Model;

namespace LeNet.Generator.Weights;

/// <summary>
/// What baking reads besides the network: the paths of all AdditionalFiles items and the <c>.weights</c> ones loaded.
/// One class, so the pipeline combines it with a network as a pair of classes (see <see cref="PipelineArray{T}"/>).
/// </summary>
internal sealed record WeightsInputs(EquatableArray<string> AdditionalFiles, EquatableArray<WeightsSource> WeightsFiles);
