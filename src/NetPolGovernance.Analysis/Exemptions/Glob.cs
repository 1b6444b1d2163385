namespace NetPolGovernance.Analysis.Exemptions;

/// <summary>Glob matching with <c>*</c> (any run) and <c>?</c> (one character) over the whole text.</summary>
public static class Glob
{
    /// <summary>True when <paramref name="pattern"/> matches all of <paramref name="text"/>.</summary>
    public static bool IsMatch(string pattern, string text, StringComparison comparison)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || CharEquals(pattern[p], text[t], comparison)))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool CharEquals(char a, char b, StringComparison comparison) =>
        comparison == StringComparison.OrdinalIgnoreCase ? char.ToUpperInvariant(a) == char.ToUpperInvariant(b) : a == b;
}
