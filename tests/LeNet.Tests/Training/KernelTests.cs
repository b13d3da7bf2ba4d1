using System;
using Xunit;

namespace LeNet.Tests.Training;

public sealed class KernelTests
{
    /// <summary>
    /// The same numbers at a different address must reduce to the same bits, or two training runs with one seed could
    /// diverge only because the GC placed an array elsewhere.
    /// </summary>
    [Fact]
    public void DotIsBitIdenticalWhereverTheDataSits()
    {
        var random = new Random(1);
        var x = new float[403];
        var y = new float[403];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)((random.NextDouble() * 2) - 1);
            y[i] = (float)((random.NextDouble() * 2) - 1);
        }

        float expected = LeNet.GeneratedCodeSupport.Dot(x, y);
        double exact = 0;
        for (int i = 0; i < x.Length; i++)
        {
            exact += (double)x[i] * y[i];
        }

        Assert.Equal(exact, expected, 4);
        for (int shift = 1; shift < 16; shift++)
        {
            var xs = new float[x.Length + shift];
            var ys = new float[y.Length + shift];
            x.CopyTo(xs, shift);
            y.CopyTo(ys, shift);
            Assert.Equal(expected, LeNet.GeneratedCodeSupport.Dot(xs.AsSpan(shift), ys.AsSpan(shift)));
        }
    }

    [Fact]
    public void SoftmaxSurvivesLargeLogitsAndSumsToOne()
    {
        float[] values = [1000f, 999f, -1000f];
        LeNet.GeneratedCodeSupport.Softmax(values);
        Assert.Equal(1f / (1f + MathF.Exp(-1f)), values[0], 1e-6f);
        Assert.Equal(0f, values[2]);
        Assert.Equal(1f, values[0] + values[1] + values[2], 1e-6f);
    }
}
