using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using LeNet.Generator.Diagnostics;
using LeNet.Generator.Model;

namespace LeNet.Generator.Weights;

/// <summary>
/// Pairs a network's <c>Weights</c> argument with the AdditionalFiles item it names and checks the file against the
/// declared network. The analyzer reports the problem; the generator bakes the parameters when there is none. One
/// rule, used by both, so they cannot disagree.
/// </summary>
internal static class WeightsBinding
{
    /// <summary>The verdict: a problem on the Weights argument, or the file whose parameters to bake.</summary>
    public static (Problem? Problem, WeightsSource? Source) Check(CheckedNetwork network, IReadOnlyList<string> additionalFiles, Func<string, WeightsSource> load)
    {
        string requested = network.Spec.Weights;
        string type = network.Spec.DisplayName;
        List<string> matches = additionalFiles.Where(path => WeightsSource.IsCandidate(path) && Names(requested, path)).ToList();
        if (matches.Count != 1)
        {
            string found = matches.Count == 0
                ? additionalFiles.Count == 0 ? "no AdditionalFiles items" : "none among " + List(additionalFiles)
                : $"{matches.Count.ToString(CultureInfo.InvariantCulture)} items: {List(matches)}";
            return (Create(Descriptors.WeightsFileNotFound.Id, type, requested, found), null);
        }

        WeightsSource source = load(matches[0]);
        WeightsFile file = source.File;
        string name = requested;
        switch (file.Problem)
        {
            case WeightsFileProblem.Header:
                return (Create(Descriptors.WeightsFileInvalid.Id, type, name, file.Expected, file.Found), source);
            case WeightsFileProblem.Checksum:
                return (Create(Descriptors.WeightsChecksumMismatch.Id, type, name, file.Found, file.Expected), source);
        }

        int count = network.Chain?.ParameterCount ?? 0;
        if (file.ParameterCount != count)
        {
            return (Create(Descriptors.WeightsCountMismatch.Id, type, name, Int(file.ParameterCount), Int(count)), source);
        }

        if (file.Fingerprint != network.Fingerprint)
        {
            return (Create(Descriptors.WeightsFingerprintMismatch.Id, type, name, WeightsFile.Hex(file.Fingerprint), WeightsFile.Hex(network.Fingerprint)), source);
        }

        return (null, source);
    }

    /// <summary>Whether <paramref name="path"/> is the file <paramref name="requested"/> names: the same path, or one ending in it after a separator.</summary>
    public static bool Names(string requested, string path)
    {
        string wanted = Normalize(requested);
        while (wanted.StartsWith("./", StringComparison.Ordinal))
        {
            wanted = wanted.Substring(2);
        }

        string full = Normalize(path);
        return wanted.Length > 0 && (full == wanted || full.EndsWith("/" + wanted, StringComparison.Ordinal));
    }

    private static string Normalize(string path) => path.Replace('\\', '/');

    private static string List(IEnumerable<string> paths) => string.Join(", ", paths.Select(p => System.IO.Path.GetFileName(p)).OrderBy(p => p, StringComparer.Ordinal));

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static Problem Create(string id, params string[] args) =>
        new(id, ProblemSite.NetworkAttribute, 0, "Weights", new EquatableArray<string>(args));
}
