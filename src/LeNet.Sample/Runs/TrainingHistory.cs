using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;

namespace LeNet.Sample.Runs;

/// <summary>
/// The per-epoch record of a run, kept beside its checkpoint as <c>FILE.history.json</c> so that <c>plot</c> can draw
/// loss and accuracy later, and a resumed run continues the same history.
/// </summary>
internal static class TrainingHistory
{
    public static string PathFor(string checkpointPath) => checkpointPath + ".history.json";

    public static void Write(TextWriter writer, EpochRecord record, bool includeSeconds = true)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("epoch", record.Epoch);
            json.WriteNumber("loss", Math.Round(record.Loss, 4));
            json.WriteNumber("trainAccuracy", Math.Round(record.TrainAccuracy, 4));
            json.WriteNumber("testAccuracy", Math.Round(record.TestAccuracy, 4));
            if (includeSeconds)
            {
                json.WriteNumber("seconds", Math.Round(record.Seconds, 2));
                json.WriteNumber("trainSeconds", Math.Round(record.TrainSeconds, 2));
                json.WriteNumber("imagesPerSecond", Math.Round(record.ImagesPerSecond));
            }

            json.WriteEndObject();
        }

        writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>Writes the history as JSON lines through a temporary file and a rename, so it is never half-written.</summary>
    public static void Save(string path, IReadOnlyList<EpochRecord> records)
    {
        string temporary = path + ".tmp";
        using (var writer = new StreamWriter(temporary, append: false, new UTF8Encoding(false)))
        {
            foreach (EpochRecord record in records)
            {
                Write(writer, record);
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The records of <paramref name="path"/>; an empty list when it does not exist.</summary>
    /// <exception cref="InvalidDataException">A line is not a record written by <see cref="Save"/>.</exception>
    public static List<EpochRecord> Load(string path)
    {
        var records = new List<EpochRecord>();
        if (!File.Exists(path))
        {
            return records;
        }

        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                JsonElement root = document.RootElement;
                records.Add(new EpochRecord(
                    root.GetProperty("epoch").GetInt32(),
                    root.GetProperty("loss").GetDouble(),
                    root.GetProperty("trainAccuracy").GetDouble(),
                    root.GetProperty("testAccuracy").GetDouble(),
                    root.GetProperty("seconds").GetDouble(),
                    root.GetProperty("trainSeconds").GetDouble(),
                    root.GetProperty("imagesPerSecond").GetDouble()));
            }
            catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"Training history '{path}' line {lineNumber}: expected an epoch record (epoch, loss, trainAccuracy, testAccuracy, seconds, trainSeconds, imagesPerSecond), got '{Shorten(line)}'.", error);
            }
        }

        return records;
    }

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..80] + "...";
}
