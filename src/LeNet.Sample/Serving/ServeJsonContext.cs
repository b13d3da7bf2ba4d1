using System.Text.Json.Serialization;

namespace LeNet.Sample.Serving;

/// <summary>Source-generated JSON for the server (no reflection: NativeAOT-safe), camelCase like the page expects.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PredictRequest))]
[JsonSerializable(typeof(PredictResponse))]
internal sealed partial class ServeJsonContext : JsonSerializerContext;
