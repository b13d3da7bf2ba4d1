using System.CommandLine.Parsing;
using System.Globalization;

namespace LeNet.Sample.Cli;

/// <summary>Value parsers that name the option, the range expected and the text that came.</summary>
internal static class Parsing
{
    public static int IntegerIn(ArgumentResult result, int min, int max)
    {
        string option = OptionName(result);
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
        {
            result.AddError($"Option {option} expects a whole number from {min} to {max}, got '{text}'.");
            return 0;
        }

        if (value < min || value > max)
        {
            result.AddError($"Option {option} expects a whole number from {min} to {max}, got {value}.");
        }

        return value;
    }

    public static float FloatIn(ArgumentResult result, float min, bool minExclusive)
    {
        string option = OptionName(result);
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        bool parsed = float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value);
        if (!parsed || !float.IsFinite(value) || value < min || (minExclusive && value == min))
        {
            string expected = minExclusive ? "a positive number" : "a non-negative number";
            result.AddError($"Option {option} expects {expected}, got '{text}'.");
        }

        return value;
    }

    /// <summary>A number in [0, 1), such as a decay.</summary>
    public static float FractionBelowOne(ArgumentResult result)
    {
        string option = OptionName(result);
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        bool parsed = float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value);
        if (!parsed || !(value >= 0 && value < 1))
        {
            result.AddError($"Option {option} expects a number from 0 up to (not including) 1, got '{text}'.");
        }

        return value;
    }

    private static string OptionName(ArgumentResult result) =>
        result.Parent is OptionResult option ? option.Option.Name : result.Argument.Name;
}
