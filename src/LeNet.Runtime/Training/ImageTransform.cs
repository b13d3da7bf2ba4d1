namespace LeNet.Training;

/// <summary>
/// One geometric distortion of an image about its centre: scale and rotate, then shift. Positive shifts move the
/// content right (x, columns) and down (y, rows); a positive angle turns it clockwise as an image is shown (rows
/// downwards).
/// </summary>
/// <param name="ShiftX">Columns to move the content right by (negative: left).</param>
/// <param name="ShiftY">Rows to move the content down by (negative: up).</param>
/// <param name="RotationDegrees">Clockwise rotation in degrees.</param>
/// <param name="Scale">Size factor: above 1 enlarges the content, below 1 shrinks it; positive.</param>
public readonly record struct ImageTransform(float ShiftX, float ShiftY, float RotationDegrees, float Scale)
{
    /// <summary>The transform that leaves every pixel where it is.</summary>
    public static ImageTransform Identity => new(0, 0, 0, 1);
}
