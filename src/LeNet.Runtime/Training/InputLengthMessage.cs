namespace LeNet.Training;

/// <summary>The message for data whose inputs do not fit a network, with a hint when the sizes say why.</summary>
internal static class InputLengthMessage
{
    private const int Unpadded = Mnist.ImageSide * Mnist.ImageSide;
    private const int Padded = Mnist.PaddedSide * Mnist.PaddedSide;

    public static string For(string network, int expected, int got)
    {
        string message = $"Expected inputs of {expected} floats for {network}, got {got}.";
        return (expected, got) switch
        {
            (Padded, Unpadded) => message + $" The data look like 28x28 images as stored; {network} takes 32x32: load MNIST with Mnist.Load(directory, split), which pads to 32x32 by default.",
            (Unpadded, Padded) => message + $" The data look like 28x28 images padded to 32x32; {network} takes 28x28: load MNIST with Mnist.Load(directory, split, padTo32: false).",
            _ => message,
        };
    }
}
