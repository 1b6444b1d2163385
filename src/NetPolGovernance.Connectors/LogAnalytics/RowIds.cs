using System.Security.Cryptography;
using System.Text;

namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>
/// Deterministic row ids: the same scan, cluster, namespace and check always give the same id, so a row re-sent
/// from the dead-letter store can be de-duplicated in KQL (<c>summarize arg_max(TimeGenerated, *) by RowId</c>).
/// </summary>
public static class RowIds
{
    private const char Separator = '\u001f';

    /// <summary>A 32-hex-character id: the first 128 bits of SHA-256 over the parts, separated by U+001F.</summary>
    public static string For(params ReadOnlySpan<string?> parts)
    {
        var text = new StringBuilder();
        foreach (var part in parts)
        {
            text.Append(part).Append(Separator);
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>The key that names a cluster in row ids: its ARM id (case-folded) or, outside Azure, its name.</summary>
    public static string ClusterKey(string? resourceId, string clusterName) =>
        string.IsNullOrEmpty(resourceId) ? clusterName : resourceId.ToUpperInvariant();
}
