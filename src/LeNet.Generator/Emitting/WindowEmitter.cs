using System;
using System.Text;

namespace LeNet.Generator.Emitting;

/// <summary>One tap of a window: its input and weight offsets as expressions, each moved by a constant, and its index ky * K + kx.</summary>
internal readonly struct Tap(Func<int, string> input, Func<int, string> weight, string index)
{
    public string Index => index;

    public string X(int delta = 0) => input(delta);

    public string W(int delta = 0) => weight(delta);
}

/// <summary>
/// The kernel-window machinery every convolution and pool shares: writing the K×K taps at the unroll depth the IL budget
/// allows, and the small text helpers of index expressions.
/// </summary>
internal static class WindowEmitter
{
    /// <summary>
    /// Most bytes of IL the windows of one kernel method may take; beyond it the window falls back to Row, then to None.
    /// The rest of a method is far smaller, so every method stays under 16 KB.
    /// </summary>
    internal const int UnrollBudget = 14_000;

    // Rough IL sizes of the statements a window is written with, for the budget.
    internal const int LoadBytes = 18;      // a vector load into a local, or a scalar one
    internal const int BroadcastBytes = 23; // a weight broadcast into a vector local
    internal const int FmaBytes = 13;       // a multiply-add of vector locals
    internal const int ScalarFmaBytes = 25; // s += xv * w[offset]
    internal const int StatementBytes = 35; // anything through two refs at offsets: a scalar tap, a pool tap, a vector sum or store

    /// <summary>
    /// The unrolling that fits the budget when the method writes <paramref name="bytesPerTap"/> bytes of IL for each
    /// tap, summed over every copy of the window it writes.
    /// </summary>
    public static KernelUnroll Budgeted(KernelUnroll unroll, int kernel, int bytesPerTap) =>
        unroll == KernelUnroll.Window && bytesPerTap * kernel * kernel > UnrollBudget ? (bytesPerTap * kernel > UnrollBudget ? KernelUnroll.None : KernelUnroll.Row)
        : unroll == KernelUnroll.Row && bytesPerTap * kernel > UnrollBudget ? KernelUnroll.None
        : unroll;

    /// <summary>The comment that says which depth a kernel got, and why when the budget lowered it.</summary>
    public static string UnrollComment(KernelUnroll requested, KernelUnroll granted) => requested == granted
        ? $"// Kernel window unrolled: {granted}."
        : $"// Kernel window unrolled: {granted}, not {requested}: the written-out window would pass the {SourceWriter.Int(UnrollBudget)}-byte IL budget.";

    /// <summary>As the other overload, for a tap written as a single statement (or none, when it returns null).</summary>
    public static void Window(SourceWriter w, int k, int rowLength, KernelUnroll unroll, string xBase, string? wBase, Func<string, string, string?> tap) =>
        Window(w, k, rowLength, unroll, xBase, wBase, columnMajor: false, t =>
        {
            if (tap(t.X(), t.W()) is { } statement)
            {
                w.Line(statement);
            }
        });

    /// <summary>
    /// Writes the K×K window, calling <paramref name="tap"/> to write each tap. Window unrolling writes all K² taps with
    /// literal offsets; Row loops over kernel rows with each row's taps written out; None loops over both. Column-major
    /// swaps the roles of kernel rows and columns: taps go column by column, and Row loops over kernel columns.
    /// Weight offsets are tap indices times <paramref name="weightStride"/> (more than 1 for weights repacked tap-major).
    /// </summary>
    public static void Window(SourceWriter w, int k, int rowLength, KernelUnroll unroll, string xBase, string? wBase, bool columnMajor, Action<Tap> tap, int weightStride = 1)
    {
        string weightBase = wBase ?? string.Empty;
        (string outer, string inner) = columnMajor ? ("kx", "ky") : ("ky", "kx");
        switch (unroll)
        {
            case KernelUnroll.Window:
                for (int a = 0; a < k; a++)
                {
                    for (int b = 0; b < k; b++)
                    {
                        (int ky, int kx) = columnMajor ? (b, a) : (a, b);
                        int xo = (ky * rowLength) + kx, wo = (ky * k) + kx;
                        tap(new Tap(d => Plus(xBase, xo + d), d => Plus(weightBase, (wo * weightStride) + d), SourceWriter.Int(wo)));
                    }
                }

                break;
            case KernelUnroll.Row:
                (int xStep, int wStep, int xInner, int wInner) = columnMajor ? (1, weightStride, rowLength, k * weightStride) : (rowLength, k * weightStride, 1, weightStride);
                string xName = columnMajor ? "xc" : "xr", wName = columnMajor ? "wc" : "wr";
                using (w.Block($"for (int {outer} = 0; {outer} < {k}; {outer}++)"))
                {
                    w.Line($"int {xName} = {xBase} + {Times(outer, xStep)};");
                    if (wBase is not null)
                    {
                        w.Line($"int {wName} = {wBase} + {Times(outer, wStep)};");
                    }

                    for (int b = 0; b < k; b++)
                    {
                        int xo = b * xInner, wo = b * wInner, io = columnMajor ? b * k : b;
                        tap(new Tap(d => Plus(xName, xo + d), d => Plus(wName, wo + d), columnMajor ? Plus("kx", io) : Plus($"ky * {SourceWriter.Int(k)}", io)));
                    }
                }

                break;
            default:
                using (w.Block($"for (int {outer} = 0; {outer} < {k}; {outer}++)"))
                using (w.Block($"for (int {inner} = 0; {inner} < {k}; {inner}++)"))
                {
                    string weight = weightStride == 1 ? $"{weightBase} + ky * {k} + kx" : $"{weightBase} + (ky * {k} + kx) * {weightStride}";
                    tap(new Tap(d => Plus($"{xBase} + ky * {rowLength} + kx", d), d => Plus(weight, d), $"ky * {k} + kx"));
                }

                break;
        }
    }

    /// <summary><c>++</c> for a step of one, else <c> += n</c>.</summary>
    public static string Step(int step) => step == 1 ? "++" : " += " + SourceWriter.Int(step);

    /// <summary><paramref name="baseName"/> plus a constant, folded when the constant is 0.</summary>
    public static string Plus(string baseName, long offset) => offset == 0 ? baseName : baseName + " + " + SourceWriter.Int(offset);

    /// <summary><paramref name="name"/> times a constant, folded when the constant is 1.</summary>
    public static string Times(string name, long factor) => factor == 1 ? name : name + " * " + SourceWriter.Int(factor);

    /// <summary>
    /// The row-major index (a * sizeB + b) * sizeC + c with the trivial cases folded: a term whose size is 1 or whose
    /// index is the literal 0 drops out, so <c>(oc * 1 + ic) * 25</c> reads <c>oc * 25</c> when there is one channel.
    /// </summary>
    public static string Index(string outer, int innerSize, string inner)
    {
        bool outerZero = outer == "0", innerZero = inner == "0";
        if (outerZero)
        {
            return inner;
        }

        string scaled = innerSize == 1 ? outer : $"{outer} * {SourceWriter.Int(innerSize)}";
        return innerZero ? scaled : $"{scaled} + {inner}";
    }

    /// <summary>Wraps a sum in parentheses before it is scaled, unless it is one name or literal.</summary>
    public static string Group(string expression) => expression.IndexOf(' ') < 0 ? expression : "(" + expression + ")";

    /// <summary><paramref name="count"/> items joined by <paramref name="separator"/>.</summary>
    public static string List(int count, Func<int, string> item, string separator = ", ")
    {
        var text = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            text.Append(i == 0 ? string.Empty : separator).Append(item(i));
        }

        return text.ToString();
    }
}
