using LeNet.Generator.Model;

namespace LeNet.Generator.Weights;

/// <summary>
/// A network with a <c>Weights</c> argument and what binding it gave: the parameters' bit patterns to bake, or the
/// problem (reported by the analyzer) that the baked members then name when called.
/// </summary>
internal sealed record BakedWeights(NetworkSpec Spec, string File, ulong Fingerprint, Problem? Problem, EquatableArray<int> ParameterBits);
