using System;
using System.Globalization;
using System.Text;
using Xunit.Sdk;

namespace LeNet.Tests.Reference;

/// <summary>llm.c's check: |actual - expected| &lt;= abs + rel * |expected|; on failure shows the first five misses side by side.</summary>
internal static class Tolerance
{
    public const double Absolute = 1e-5;
    public const double Relative = 1e-5;

    public static void AssertClose(string what, ReadOnlySpan<float> actual, double[] expected)
    {
        if (actual.Length != expected.Length)
        {
            throw new XunitException($"{what}: {actual.Length} values, expected {expected.Length}.");
        }

        var misses = new StringBuilder();
        int missCount = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (error <= Absolute + (Relative * Math.Abs(expected[i])))
            {
                continue;
            }

            // NaN fails the comparison above and lands here too.
            if (++missCount <= 5)
            {
                misses.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,8} {1,16:G9} {2,16:G9} {3,12:G3}", i, expected[i], actual[i], error));
            }
        }

        if (missCount > 0)
        {
            string header = string.Format(CultureInfo.InvariantCulture, "{0,8} {1,16} {2,16} {3,12}", "index", "reference", "generated", "|diff|");
            throw new XunitException($"{what}: {missCount} of {expected.Length} values differ by more than {Absolute:G} + {Relative:G}*|ref|; the first {Math.Min(missCount, 5)}:{Environment.NewLine}{header}{Environment.NewLine}{misses}");
        }
    }
}
