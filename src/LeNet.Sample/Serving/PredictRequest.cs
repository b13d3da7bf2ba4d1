namespace LeNet.Sample.Serving;

/// <summary>What the drawing page sends: its canvas as grey levels, row-major (System.Text.Json reads the bytes from base64).</summary>
internal sealed class PredictRequest
{
    public int Width { get; set; }

    public int Height { get; set; }

    public byte[] Pixels { get; set; } = [];
}
