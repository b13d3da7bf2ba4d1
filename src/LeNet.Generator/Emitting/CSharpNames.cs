using System.Collections.Generic;
using System.Text;
using LeNet.Generator.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace LeNet.Generator.Emitting;

/// <summary>
/// Names as generated code writes them. The model holds names as their symbols spell them, without '@'; code written
/// from it escapes every keyword again, and hint names (file names, which may not hold '@' and are compared ignoring
/// case) are built from them and made unique among all networks of the compilation.
/// </summary>
internal static class CSharpNames
{
    /// <summary>The identifier as it must be written in code: keywords and contextual keywords get their '@' back.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None
            ? "@" + name
            : name;

    /// <summary>A dotted namespace with each part escaped, e.g. <c>event.namespace</c> becomes <c>@event.@namespace</c>.</summary>
    public static string Namespace(string dotted)
    {
        if (dotted.Length == 0)
        {
            return dotted;
        }

        string[] parts = dotted.Split('.');
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = Identifier(parts[i]);
        }

        return string.Join(".", parts);
    }

    /// <summary>
    /// What tells two network types apart exactly: namespace, containers and name, with separators no identifier holds,
    /// so <c>A.B.C</c> in namespace <c>A.B</c> and <c>C</c> nested in class <c>B</c> of namespace <c>A</c> differ.
    /// </summary>
    public static string Identity(NetworkSpec spec)
    {
        var name = new StringBuilder(spec.Namespace).Append("::");
        foreach (ContainingType container in spec.ContainingTypes)
        {
            name.Append(container.Name).Append('+');
        }

        return name.Append(spec.TypeName).ToString();
    }

    /// <summary>
    /// Deterministic and unique ignoring case among <paramref name="allIdentities"/> (every network's
    /// <see cref="Identity"/>): <c>Namespace.Containers.Type.LeNet.g.cs</c> with every character other than a letter,
    /// digit, '_' or '.' replaced by '_'. Networks whose such names are equal ignoring case (<c>CaseNet</c> and
    /// <c>CASENET</c>) each get their rank among those twins in ordinal order of their identities, as a part that no
    /// identifier can be: <c>Demo.CASENET.1.LeNet.g.cs</c>, <c>Demo.CaseNet.2.LeNet.g.cs</c>.
    /// </summary>
    public static string HintName(NetworkSpec spec, EquatableArray<string> allIdentities)
    {
        string stem = HintStem(Identity(spec));
        string identity = Identity(spec);
        var twins = new List<string>();
        foreach (string other in allIdentities)
        {
            if (string.Equals(HintStem(other), stem, System.StringComparison.OrdinalIgnoreCase))
            {
                twins.Add(other);
            }
        }

        if (twins.Count <= 1)
        {
            return stem + ".LeNet.g.cs";
        }

        twins.Sort(System.StringComparer.Ordinal);
        int rank = twins.IndexOf(identity) + 1;
        return stem + "." + rank.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".LeNet.g.cs";
    }

    /// <summary>The identity as a file name part: separators become '.', anything but letters, digits and '_' becomes '_'.</summary>
    private static string HintStem(string identity)
    {
        var stem = new StringBuilder(identity.Length);
        string dotted = identity.StartsWith("::", System.StringComparison.Ordinal) ? identity.Substring(2) : identity.Replace("::", ".");
        foreach (char c in dotted.Replace('+', '.'))
        {
            stem.Append(c == '.' || c == '_' || (c < 128 && char.IsLetterOrDigit(c)) || (c >= 128 && char.IsLetter(c)) ? c : '_');
        }

        return stem.ToString();
    }
}
