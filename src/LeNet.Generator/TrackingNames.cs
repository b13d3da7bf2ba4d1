namespace LeNet.Generator;

/// <summary>Names of the pipeline steps, so incremental tests can ask whether each step was cached.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Check = nameof(Check);
    public const string Emittable = nameof(Emittable);
    public const string ReadWeights = nameof(ReadWeights);
    public const string BakeWeights = nameof(BakeWeights);
    public const string Identities = nameof(Identities);
    public const string Settings = nameof(Settings);
}
