using System;
using Xunit;

namespace LeNet.Runtime.Tests;

/// <summary>
/// <see cref="InferenceKernels.Transpose"/>, which repacks a convolution's weights for the single-image Forward and
/// turns its channel-last outputs back into (C,H,W): against the element-by-element definition, for the sizes the
/// 16x16 register path takes (whole blocks, overlapping last blocks) and the ones it leaves to the scalar loop.
/// </summary>
public sealed class InferenceKernelsTests
{
    [Theory]
    [InlineData(16, 16)]
    [InlineData(16, 150)] // LeNet-5's CONV2 weights, (OC, IC·K·K)
    [InlineData(25, 16)] // CONV2's pooled outputs, [position][oc]
    [InlineData(32, 450)]
    [InlineData(17, 33)]
    [InlineData(8, 150)] // 8 output channels: too few for a 16x16 block
    [InlineData(150, 8)]
    [InlineData(3, 5)]
    [InlineData(1, 1)]
    [InlineData(0, 7)]
    public void Transpose_moves_every_value_to_its_transposed_place(int rows, int columns)
    {
        var random = new Random(rows * 1000 + columns);
        var source = new float[rows * columns];
        for (int i = 0; i < source.Length; i++)
        {
            source[i] = (float)random.NextDouble() - 0.5f;
        }

        // One value past the end is never written.
        var destination = new float[(rows * columns) + 1];
        Array.Fill(destination, float.NaN);

        InferenceKernels.Transpose(source, rows, columns, destination);

        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                Assert.True(
                    BitConverter.SingleToInt32Bits(source[(r * columns) + c]) == BitConverter.SingleToInt32Bits(destination[(c * rows) + r]),
                    $"row {r}, column {c}: expected {source[(r * columns) + c]}, got {destination[(c * rows) + r]}");
            }
        }

        Assert.True(float.IsNaN(destination[^1]), "Transpose wrote past rows x columns.");
    }

    [Fact]
    public void Transpose_refuses_spans_shorter_than_the_matrix_and_writes_nothing()
    {
        var source = new float[16 * 150];
        var destination = new float[(16 * 150) - 1];

        var e = Assert.Throws<ArgumentException>(() => InferenceKernels.Transpose(source, 16, 150, destination));

        Assert.Contains("2400", e.Message);
        Assert.Contains("2399", e.Message);
        Assert.All(destination, value => Assert.Equal(0f, value));
        Assert.Throws<ArgumentException>(() => InferenceKernels.Transpose(source.AsSpan(1), 16, 150, new float[2400]));
        Assert.Throws<ArgumentOutOfRangeException>(() => InferenceKernels.Transpose(source, -1, 150, new float[2400]));
    }
}
