namespace NetPolGovernance.Analysis.Model;

/// <summary>
/// The Kubernetes name rules that matter before a name becomes part of a file name or a shell command:
/// a namespace is a DNS-1123 label (at most 63 characters of <c>a-z</c>, <c>0-9</c> and <c>-</c>, starting and ending
/// with a letter or digit); a NetworkPolicy name is a DNS-1123 subdomain (at most 253 characters, dot-separated
/// labels). Neither can contain <c>/</c>, <c>..</c> as a whole name, whitespace or control characters.
/// </summary>
public static class KubernetesNames
{
    /// <summary>The longest DNS-1123 label.</summary>
    public const int MaxLabelLength = 63;

    /// <summary>The longest DNS-1123 subdomain.</summary>
    public const int MaxSubdomainLength = 253;

    /// <summary>True when <paramref name="name"/> is a DNS-1123 label (what a namespace name must be).</summary>
    public static bool IsDns1123Label(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLabelLength && IsLabel(name);

    /// <summary>True when <paramref name="name"/> is a DNS-1123 subdomain (what most object names must be).</summary>
    public static bool IsDns1123Subdomain(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxSubdomainLength)
        {
            return false;
        }

        foreach (var label in name.Split('.'))
        {
            if (label.Length == 0 || !IsLabel(label))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLabel(string label)
    {
        if (!IsAlphanumeric(label[0]) || !IsAlphanumeric(label[^1]))
        {
            return false;
        }

        foreach (var c in label)
        {
            if (!IsAlphanumeric(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAlphanumeric(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
}
