using System.Globalization;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Coverage;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Exemptions;

/// <summary>
/// Decides which exemptions apply where. An exemption applies to a namespace when every scope field that is set
/// matches: subscription (case-insensitive; <c>/subscriptions/</c> prefix allowed), cluster name or glob
/// (case-insensitive), namespace name or glob (case-sensitive), namespace labels (every <c>key=value</c>).
/// It is valid while <c>Now &lt; ExpiresOn</c>; once expired it stops applying and raises NPG-N10.
/// Platform namespaces get a built-in exemption (all checks, reason "platform-managed", no expiry).
/// </summary>
internal sealed class ExemptionMatcher
{
    /// <summary>Owner recorded on the built-in platform exemption.</summary>
    public const string PlatformOwner = "platform";

    private readonly List<ResolvedExemption> _valid = [];
    private readonly List<ResolvedExemption> _expired = [];
    private readonly IReadOnlyList<string> _platformGlobs;
    private readonly ResolvedExemption _platform;

    public ExemptionMatcher(AnalysisOptions options, ClusterIdentity cluster, ICollection<string> notes)
    {
        _platformGlobs = options.PlatformNamespaces ?? PlatformNamespaces.Default;
        _platform = new ResolvedExemption(
            PlatformNamespaces.DefaultExemptionReason,
            new Exemption { Owner = PlatformOwner, Reason = PlatformNamespaces.DefaultExemptionReason });

        for (var i = 0; i < options.Exemptions.Count; i++)
        {
            var exemption = options.Exemptions[i];
            var resolved = new ResolvedExemption(
                string.IsNullOrWhiteSpace(exemption.Id) ? string.Create(CultureInfo.InvariantCulture, $"exemption[{i}]") : exemption.Id,
                exemption);
            if (!MatchesCluster(exemption, cluster))
            {
                continue;
            }

            foreach (var unknown in exemption.Checks.Where(c => Checks.CheckCatalog.Find(c) is null))
            {
                notes.Add($"Exemption '{resolved.Id}' lists '{unknown}', which is not a check id; it exempts nothing for it.");
            }

            if (exemption.ExpiresOn is { } expires && expires <= options.Now)
            {
                _expired.Add(resolved);
                continue;
            }

            if (exemption.ExpiresOn is null)
            {
                notes.Add($"Exemption '{resolved.Id}' (owner {exemption.Owner}) has no expiry date; exemptions should expire.");
            }

            _valid.Add(resolved);
        }
    }

    /// <summary>True when the namespace is on the configured (or default) platform list.</summary>
    public bool IsPlatformNamespace(string ns) => _platformGlobs.Any(g => Glob.IsMatch(g.Trim(), ns, StringComparison.Ordinal));

    public NamespaceExemptions ForNamespace(NamespaceView ns)
    {
        var valid = _valid.Where(e => MatchesNamespace(e.Exemption, ns)).ToList();
        if (IsPlatformNamespace(ns.Name))
        {
            valid.Add(_platform);
        }

        var expired = _expired.Where(e => MatchesNamespace(e.Exemption, ns)).ToList();
        return valid.Count == 0 && expired.Count == 0 ? NamespaceExemptions.None : new NamespaceExemptions(valid, expired);
    }

    /// <summary>The first valid cluster-wide exemption (no namespace scope) covering a cluster check.</summary>
    public ResolvedExemption? ForClusterCheck(string checkId) =>
        _valid.FirstOrDefault(e => e.IsClusterWide && e.Covers(checkId));

    private static bool MatchesCluster(Exemption exemption, ClusterIdentity cluster)
    {
        if (!string.IsNullOrWhiteSpace(exemption.SubscriptionId)
            && !string.Equals(TrimSubscription(exemption.SubscriptionId), TrimSubscription(cluster.SubscriptionId), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return string.IsNullOrWhiteSpace(exemption.Cluster)
            || Glob.IsMatch(exemption.Cluster.Trim(), cluster.Name, StringComparison.OrdinalIgnoreCase);
    }

    private static bool MatchesNamespace(Exemption exemption, NamespaceView ns)
    {
        if (!string.IsNullOrWhiteSpace(exemption.Namespace) && !Glob.IsMatch(exemption.Namespace.Trim(), ns.Name, StringComparison.Ordinal))
        {
            return false;
        }

        if (exemption.NamespaceLabels is { } labels)
        {
            foreach (var (key, value) in labels)
            {
                if (!ns.Labels.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static string? TrimSubscription(string? id)
    {
        if (id is null)
        {
            return null;
        }

        var trimmed = id.Trim().TrimEnd('/');
        const string prefix = "/subscriptions/";
        return trimmed.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? trimmed[prefix.Length..] : trimmed;
    }
}
