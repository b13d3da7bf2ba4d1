namespace LeNet.Generator.Model;

/// <summary>
/// What every network's file needs beyond its own model: the identities of all networks (for unique hint names) and
/// whether the user's compilation allows unsafe code, which <c>[SkipLocalsInit]</c> on the generated kernels requires
/// (CS0227 otherwise). A class of plain values, so the step caches and stays cheap for Roslyn's node tables.
/// </summary>
internal sealed record EmitSettings(EquatableArray<string> Identities, bool AllowUnsafe);
