using System.Globalization;
using System.Text.RegularExpressions;

namespace NetPolGovernance.Analysis.Validation;

/// <summary>
/// The name and label syntax the Kubernetes API server enforces (docs/semantics.md §14). Each method returns the
/// problems it found, empty when the value is valid.
/// </summary>
public static partial class KubernetesNames
{
    public const int Dns1123LabelMaxLength = 63;
    public const int Dns1123SubdomainMaxLength = 253;
    public const int QualifiedNameMaxLength = 63;
    public const int LabelValueMaxLength = 63;
    public const int PortNameMaxLength = 15;

    /// <summary>A DNS-1123 label (namespace names): lower-case alphanumerics and '-', starting and ending alphanumeric, at most 63.</summary>
    public static IReadOnlyList<string> Dns1123Label(string value)
    {
        var problems = new List<string>();
        if (value.Length > Dns1123LabelMaxLength)
        {
            problems.Add(TooLong(Dns1123LabelMaxLength));
        }

        if (!Dns1123LabelPattern().IsMatch(value))
        {
            problems.Add("must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit");
        }

        return problems;
    }

    /// <summary>A DNS-1123 subdomain (most object names): dot-separated DNS-1123 labels, at most 253 characters.</summary>
    public static IReadOnlyList<string> Dns1123Subdomain(string value)
    {
        var problems = new List<string>();
        if (value.Length > Dns1123SubdomainMaxLength)
        {
            problems.Add(TooLong(Dns1123SubdomainMaxLength));
        }

        if (!Dns1123SubdomainPattern().IsMatch(value))
        {
            problems.Add("must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit");
        }

        return problems;
    }

    /// <summary>
    /// A qualified name (label keys): an optional DNS-1123 subdomain prefix and '/', then a name of at most 63
    /// alphanumerics, '-', '_' or '.', starting and ending alphanumeric.
    /// </summary>
    public static IReadOnlyList<string> QualifiedName(string value)
    {
        var problems = new List<string>();
        var name = value;
        var parts = value.Split('/');
        if (parts.Length == 2)
        {
            var prefix = parts[0];
            name = parts[1];
            if (prefix.Length == 0)
            {
                problems.Add("prefix part must be non-empty");
            }
            else
            {
                problems.AddRange(Dns1123Subdomain(prefix).Select(p => "prefix part " + p));
            }
        }
        else if (parts.Length > 2)
        {
            problems.Add("must be a name with an optional DNS subdomain prefix and one '/' (e.g. 'example.com/MyName')");
            return problems;
        }

        if (name.Length == 0)
        {
            problems.Add("name part must be non-empty");
        }
        else
        {
            if (name.Length > QualifiedNameMaxLength)
            {
                problems.Add("name part " + TooLong(QualifiedNameMaxLength));
            }

            if (!QualifiedNamePattern().IsMatch(name))
            {
                problems.Add("name part must consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric");
            }
        }

        return problems;
    }

    /// <summary>A label value: empty, or at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric.</summary>
    public static IReadOnlyList<string> LabelValue(string value)
    {
        var problems = new List<string>();
        if (value.Length > LabelValueMaxLength)
        {
            problems.Add(TooLong(LabelValueMaxLength));
        }

        if (value.Length > 0 && !QualifiedNamePattern().IsMatch(value))
        {
            problems.Add("must be empty or consist of alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric");
        }

        return problems;
    }

    /// <summary>An IANA_SVC_NAME (named ports): at most 15 lower-case letters, digits and '-', at least one letter, no '--', no '-' at either end.</summary>
    public static IReadOnlyList<string> PortName(string value)
    {
        var problems = new List<string>();
        if (value.Length == 0 || value.Length > PortNameMaxLength)
        {
            problems.Add($"must be 1 to {PortNameMaxLength} characters");
        }

        if (!PortNameCharacters().IsMatch(value))
        {
            problems.Add("must contain only lower-case letters, digits and '-'");
        }

        if (!value.Any(char.IsAsciiLetterLower))
        {
            problems.Add("must contain at least one letter");
        }

        if (value.Contains("--", StringComparison.Ordinal))
        {
            problems.Add("must not contain consecutive hyphens");
        }

        if (value.StartsWith('-') || value.EndsWith('-'))
        {
            problems.Add("must not begin or end with a hyphen");
        }

        return problems;
    }

    /// <summary>A port number: 1 to 65535 inclusive.</summary>
    public static IReadOnlyList<string> PortNumber(long value) =>
        value is >= 1 and <= 65535 ? [] : ["must be between 1 and 65535, inclusive"];

    private static string TooLong(int max) => "must be no more than " + max.ToString(CultureInfo.InvariantCulture) + " characters";

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123LabelPattern();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123SubdomainPattern();

    [GeneratedRegex(@"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex QualifiedNamePattern();

    [GeneratedRegex(@"^[-a-z0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex PortNameCharacters();
}
