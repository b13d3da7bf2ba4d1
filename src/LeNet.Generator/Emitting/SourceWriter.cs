using System;
using System.Globalization;
using System.Text;

namespace LeNet.Generator.Emitting;

/// <summary>
/// A text writer with an indent level: 4 spaces per level, '\n' line endings. <see cref="Block"/> opens a brace block
/// that closes when disposed, and <see cref="Lines"/> writes multi-line text (a raw string literal) at the current indent.
/// </summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new(64 * 1024);
    private int _indent;

    public void Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4);
            _text.Append(line);
        }

        _text.Append('\n');
    }

    /// <summary>Writes every line of <paramref name="text"/> at the current indent; a raw string literal's own indent is already gone.</summary>
    public void Lines(string text)
    {
        int start = 0;
        while (start <= text.Length)
        {
            int end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }

            Line(text.Substring(start, end - start).TrimEnd('\r'));
            start = end + 1;
        }
    }

    /// <summary>Writes <paramref name="header"/> and an opening brace; disposing the result writes the closing brace and <paramref name="suffix"/>.</summary>
    public Scope Block(string header, string suffix = "")
    {
        if (header.IndexOf('\n') >= 0)
        {
            Lines(header);
        }
        else
        {
            Line(header);
        }

        Line("{");
        _indent++;
        return new Scope(this, suffix);
    }

    /// <summary>Lines longer than this are broken: a call into one named argument per line, a summary into its sentences.</summary>
    public const int MaxLineLength = 150;

    /// <summary>
    /// Writes <c>head(args)tail</c> on one line when it fits in <see cref="MaxLineLength"/>; otherwise one argument per
    /// line, each named when <paramref name="named"/> (the parameter names of a kernel say which span is which).
    /// </summary>
    public void Call(string head, (string Name, string Value)[] args, string tail = ";", bool named = true)
    {
        var line = new StringBuilder(head).Append('(');
        for (int i = 0; i < args.Length; i++)
        {
            line.Append(i == 0 ? string.Empty : ", ").Append(args[i].Value);
        }

        line.Append(')').Append(tail);
        if ((_indent * 4) + line.Length <= MaxLineLength)
        {
            Line(line.ToString());
            return;
        }

        Line(head + "(");
        for (int i = 0; i < args.Length; i++)
        {
            string argument = named ? args[i].Name + ": " + args[i].Value : args[i].Value;
            Line("    " + argument + (i < args.Length - 1 ? "," : ")" + tail));
        }
    }

    /// <summary>A method header whose parameters go one per line when the header would not fit on one.</summary>
    public Scope Method(string head, params string[] parameters)
    {
        string line = head + "(" + string.Join(", ", parameters) + ")";
        if ((_indent * 4) + line.Length <= MaxLineLength)
        {
            return Block(line);
        }

        Line(head + "(");
        for (int i = 0; i < parameters.Length; i++)
        {
            Line("    " + parameters[i] + (i < parameters.Length - 1 ? "," : ")"));
        }

        Line("{");
        _indent++;
        return new Scope(this, string.Empty);
    }

    /// <summary>An XML doc summary: one line when it fits, else each sentence on its own line.</summary>
    public void Summary(params string[] sentences)
    {
        string joined = "/// <summary>" + string.Join(" ", sentences) + "</summary>";
        if ((_indent * 4) + joined.Length <= MaxLineLength)
        {
            Line(joined);
            return;
        }

        Line("/// <summary>");
        foreach (string sentence in sentences)
        {
            Line("/// " + sentence);
        }

        Line("/// </summary>");
    }

    public override string ToString() => _text.ToString();

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A C# float literal that reads back to the same value whatever the machine's culture.</summary>
    public static string Float(float value)
    {
        if (float.IsNaN(value))
        {
            return "float.NaN";
        }

        if (float.IsInfinity(value))
        {
            return value > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity";
        }

        return value.ToString("R", CultureInfo.InvariantCulture) + "f";
    }

    private void Close(string suffix)
    {
        _indent--;
        Line("}" + suffix);
    }

    /// <summary>An open brace block; <see cref="Dispose"/> closes it.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly SourceWriter _writer;
        private readonly string _suffix;

        public Scope(SourceWriter writer, string suffix)
        {
            _writer = writer;
            _suffix = suffix;
        }

        public void Dispose() => _writer.Close(_suffix);
    }
}
