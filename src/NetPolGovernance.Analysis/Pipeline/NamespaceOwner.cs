using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Pipeline;

/// <summary>
/// The owner of a namespace, from the first non-blank of: annotation <c>netpolgov.io/owner</c>, label
/// <c>netpolgov.io/owner</c>, label <c>owner</c>, label <c>team</c>, annotation <c>owner</c>. Null when none is set
/// (callers then fall back to the owner of an applying exemption).
/// </summary>
internal static class NamespaceOwner
{
    public const string OwnerKey = "netpolgov.io/owner";

    public static string? From(NamespaceInfo ns)
    {
        (IReadOnlyDictionary<string, string> Map, string Key)[] sources =
        [
            (ns.Annotations, OwnerKey),
            (ns.Labels, OwnerKey),
            (ns.Labels, "owner"),
            (ns.Labels, "team"),
            (ns.Annotations, "owner"),
        ];
        foreach (var (map, key) in sources)
        {
            if (map.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }

        return null;
    }
}
