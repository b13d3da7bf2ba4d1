using System;
using System.CommandLine;
using Spectre.Console;

namespace LeNet.Sample.Cli;

/// <summary><c>summary</c>: the compile-time layer tables of both LeNet-5 variants, as tables.</summary>
internal static class SummaryCommand
{
    public static Command Create()
    {
        var command = new Command("summary", "Print the layer tables of both LeNet-5 variants (computed at compile time by the generator).");
        command.SetAction(_ =>
        {
            Render("LeNet-5, 1 channel (MNIST digits)", LeNet5.Summary);
            Render("LeNet-5, 3 channels", LeNet5Rgb.Summary);
            return 0;
        });
        return command;
    }

    /// <summary>Splits the generated summary (columns separated by two or more spaces) into a table; the notes under it stay text.</summary>
    private static void Render(string title, string summary)
    {
        string[] lines = summary.Replace("\r", "", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var table = new Table { Title = new TableTitle(title), Border = TableBorder.Rounded };
        string[] header = Columns(lines[0]);
        for (int i = 0; i < header.Length; i++)
        {
            var column = new TableColumn(Markup.Escape(header[i]));
            if (i >= 2)
            {
                column.RightAligned();
            }

            table.AddColumn(column);
        }

        var notes = new System.Collections.Generic.List<string>();
        foreach (string line in lines[1..])
        {
            string[] cells = Columns(line);
            if (cells.Length == 1 || line.Contains(" as a dense layer ", StringComparison.Ordinal))
            {
                notes.Add(line);
                continue;
            }

            var row = new string[header.Length];
            for (int i = 0; i < header.Length; i++)
            {
                // The Total row has no shape or size: its number belongs in the last column.
                row[i] = i < cells.Length ? cells[i] : "";
            }

            if (cells.Length == 2 && header.Length > 2)
            {
                row = [cells[0], "", "", cells[1]];
            }

            table.AddRow(Array.ConvertAll(row, Markup.Escape));
        }

        AnsiConsole.Write(table);
        foreach (string note in notes)
        {
            Console.WriteLine(note);
        }

        Console.WriteLine();
    }

    private static string[] Columns(string line) =>
        System.Text.RegularExpressions.Regex.Split(line.Trim(), @"\s{2,}");
}
