namespace NetPolGovernance.Analysis.Assessment;

/// <summary>
/// Checks the keys a namespace's owner is read from (<see cref="AnalysisOptions.OwnerKeys"/>): each is a label,
/// annotation or tag key, so it is non-empty, has no whitespace and is at most 316 characters (a Kubernetes key with
/// its prefix); duplicates are dropped, the order is kept.
/// </summary>
public static class OwnerKeys
{
    private const int MaxLength = 316;

    /// <summary>The keys, or null when none were given; <paramref name="where"/> names the flag or setting in the error.</summary>
    /// <exception cref="FormatException">A key is empty, has whitespace, or is too long.</exception>
    public static IReadOnlyList<string>? Parse(IEnumerable<string>? keys, string where)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(where);
        if (keys is null)
        {
            return null;
        }

        var parsed = new List<string>();
        foreach (var raw in keys)
        {
            var key = raw?.Trim() ?? string.Empty;
            if (key.Length == 0)
            {
                throw new FormatException($"{where}: an owner key is empty; give label, annotation or tag keys such as netpolgov.io/owner or team");
            }

            if (key.Any(char.IsWhiteSpace) || key.Length > MaxLength)
            {
                throw new FormatException($"{where}: '{key}' is not a label, annotation or tag key (no spaces, at most {MaxLength} characters)");
            }

            if (!parsed.Contains(key, StringComparer.Ordinal))
            {
                parsed.Add(key);
            }
        }

        return parsed.Count == 0 ? null : parsed;
    }
}
