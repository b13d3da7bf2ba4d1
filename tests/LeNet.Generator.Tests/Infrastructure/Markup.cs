using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace LeNet.Generator.Tests.Infrastructure;

/// <summary>A diagnostic the markup expects: its ID and the span of source it must cover.</summary>
internal sealed record ExpectedSpan(string Id, TextSpan Span);

/// <summary>
/// Reads sources marked up like <c>[Conv(filters: 6, {|LENET002:kernel: 9|})]</c>: each <c>{|ID:text|}</c> is
/// replaced by <c>text</c> and recorded as a diagnostic expected exactly on it, in source order. Markers do not nest.
/// </summary>
internal static class Markup
{
    private const string Open = "{|";
    private const string Close = "|}";

    public static (string Source, IReadOnlyList<ExpectedSpan> Expected) Parse(string markup)
    {
        var source = new StringBuilder(markup.Length);
        var expected = new List<ExpectedSpan>();
        int position = 0;
        while (true)
        {
            int open = markup.IndexOf(Open, position, StringComparison.Ordinal);
            if (open < 0)
            {
                source.Append(markup, position, markup.Length - position);
                break;
            }

            int colon = markup.IndexOf(':', open);
            int close = markup.IndexOf(Close, open, StringComparison.Ordinal);
            if (colon < 0 || close < 0 || colon > close)
            {
                throw new FormatException($"Marker at {open} needs the form {{|ID:text|}}.");
            }

            int nested = markup.IndexOf(Open, open + Open.Length, StringComparison.Ordinal);
            if (nested >= 0 && nested < close)
            {
                throw new FormatException($"Marker at {open} contains another marker; markers do not nest.");
            }

            source.Append(markup, position, open - position);
            string id = markup.Substring(open + Open.Length, colon - open - Open.Length);
            string text = markup.Substring(colon + 1, close - colon - 1);
            expected.Add(new ExpectedSpan(id, new TextSpan(source.Length, text.Length)));
            source.Append(text);
            position = close + Close.Length;
        }

        return (source.ToString(), expected);
    }
}
