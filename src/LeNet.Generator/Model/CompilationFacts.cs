namespace LeNet.Generator.Model;

/// <summary>
/// The one fact the emitter takes from the user's compilation: whether it allows unsafe code. A class, as every value
/// between steps is (see <see cref="PipelineArray{T}"/>).
/// </summary>
internal sealed record CompilationFacts(bool AllowUnsafe);
