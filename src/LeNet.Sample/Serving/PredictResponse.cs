namespace LeNet.Sample.Serving;

/// <summary>The answer to the drawing page: the class, the ten probabilities, CONV1's maps and the 28x28 digit the network saw.</summary>
internal sealed class PredictResponse
{
    public int Class { get; set; }

    public float[] Probabilities { get; set; } = [];

    /// <summary>Six 28x28 maps, one after another, each scaled to 0..255 by its own maximum (base64 in JSON).</summary>
    public byte[] FeatureMaps { get; set; } = [];

    /// <summary>The preprocessed 28x28 digit, 0..255.</summary>
    public byte[] Digit { get; set; } = [];

    public string? Error { get; set; }
}
