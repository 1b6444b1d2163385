using System.Globalization;
using System.Text;
using System.Text.Json;

namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>
/// Logs Ingestion truncates any field value over 64 KB (a cut dynamic column is broken JSON). Every list and text a
/// row carries is capped here, by count and by encoded bytes, and says how much was left out: a list keeps its first
/// <see cref="MaxListItems"/> items within its byte budget and the evidence gains <c>{key}Omitted</c> with the count;
/// a text is cut at a character boundary and ends with the number of characters left out.
/// </summary>
public static class FieldLimits
{
    /// <summary>The service's limit per field (Azure Monitor service limits, Logs Ingestion API).</summary>
    public const int ServiceFieldLimitBytes = 64 * 1024;

    /// <summary>What a field may use: the service limit less a margin for the row's own JSON framing.</summary>
    public const int FieldBudgetBytes = 60 * 1024;

    /// <summary>Items kept per list (the rest is counted, not listed).</summary>
    public const int MaxListItems = 500;

    /// <summary>The suffix of the evidence key that holds the count of a list's items left out.</summary>
    public const string OmittedSuffix = "Omitted";

    /// <summary>Caps every list of <paramref name="evidence"/> so the whole map serializes within the field budget.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>>? CapEvidence(IReadOnlyDictionary<string, IReadOnlyList<string>>? evidence)
    {
        if (evidence is null || evidence.Count == 0)
        {
            return evidence;
        }

        // Each key gets an equal share of the budget, less room for its name and an omitted count.
        var share = (FieldBudgetBytes / evidence.Count) - 64;
        var capped = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (key, values) in evidence)
        {
            var kept = CapList(values, share, out var omitted);
            capped[key] = kept;
            if (omitted > 0)
            {
                capped[key + OmittedSuffix] = [omitted.ToString(CultureInfo.InvariantCulture)];
            }
        }

        return capped;
    }

    /// <summary>The first items of <paramref name="values"/> within <paramref name="budgetBytes"/> (JSON-encoded) and <see cref="MaxListItems"/>.</summary>
    public static IReadOnlyList<string> CapList(IReadOnlyList<string> values, int budgetBytes, out int omitted)
    {
        ArgumentNullException.ThrowIfNull(values);
        var used = 2; // [ ]
        var kept = new List<string>(Math.Min(values.Count, MaxListItems));
        foreach (var value in values)
        {
            var size = EncodedBytes(value) + 3; // quotes and comma
            if (kept.Count == MaxListItems || used + size > budgetBytes)
            {
                break;
            }

            kept.Add(value);
            used += size;
        }

        omitted = values.Count - kept.Count;
        return omitted == 0 ? values : kept;
    }

    /// <summary>A list column capped to the field budget; the last item says how many were left out.</summary>
    public static IReadOnlyList<string> CapColumn(IReadOnlyList<string> values)
    {
        var kept = CapList(values, FieldBudgetBytes - 64, out var omitted);
        return omitted == 0 ? kept : [.. kept, string.Create(CultureInfo.InvariantCulture, $"… {omitted} more")];
    }

    /// <summary>A text column cut to the field budget, ending with how many characters were left out.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? CapText(string? text)
    {
        if (text is null || EncodedBytes(text) <= FieldBudgetBytes)
        {
            return text;
        }

        var low = 0;
        var high = text.Length;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (EncodedBytes(text[..mid]) <= FieldBudgetBytes - 64)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        if (low > 0 && char.IsHighSurrogate(text[low - 1]))
        {
            low--;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{text[..low]}… ({text.Length - low} characters left out)");
    }

    private static int EncodedBytes(string value) =>
        Encoding.UTF8.GetByteCount(JsonEncodedText.Encode(value).Value);
}
