using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Cli.Reports.Html;

/// <summary>
/// The scan's exempt findings grouped by exemption owner, reason and check: per group the number of findings, the
/// clusters and namespaces they are in (in the order the clusters were added), the earliest and latest expiry and
/// how many have none. A fleet whose every cluster exempts its platform namespaces gives a handful of groups, not
/// a row per namespace.
/// </summary>
internal sealed class ExemptionGroups
{
    private readonly Dictionary<(string Owner, string Reason, string CheckId), Group> _groups = [];
    private int _clusters;

    public int Findings { get; private set; }

    public int Count => _groups.Count;

    /// <summary>Adds the cluster's exempt findings (cluster checks and every namespace's); call once per cluster.</summary>
    public void Add(ClusterAssessment cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var clusterNumber = ++_clusters;
        foreach (var finding in cluster.ClusterFindings.Concat(cluster.Namespaces.SelectMany(n => n.Findings)).Where(f => f.Result == CheckResult.Exempt))
        {
            var key = (finding.ExemptionOwner ?? OwnerRollup.NoOwner, finding.ExemptionReason ?? "no reason given", finding.CheckId);
            if (!_groups.TryGetValue(key, out var group))
            {
                group = new Group(key.Item1, key.Item2, key.CheckId);
                _groups.Add(key, group);
            }

            group.Add(clusterNumber, cluster.Cluster.Name, finding.Namespace, finding.ExemptionExpiresOn);
            Findings++;
        }
    }

    /// <summary>Soonest expiry first (groups without any expiry last), then owner, reason and check (ordinal).</summary>
    public IEnumerable<Group> Ordered() => _groups.Values
        .OrderBy(g => g.EarliestExpiry ?? DateTimeOffset.MaxValue)
        .ThenBy(g => g.Owner, StringComparer.Ordinal)
        .ThenBy(g => g.Reason, StringComparer.Ordinal)
        .ThenBy(g => g.CheckId, StringComparer.Ordinal);

    /// <summary>The findings one exemption (owner, reason, check) covers.</summary>
    internal sealed class Group(string owner, string reason, string checkId)
    {
        private readonly List<(int Number, string Cluster, List<string> Namespaces)> _where = [];

        public string Owner { get; } = owner;

        public string Reason { get; } = reason;

        public string CheckId { get; } = checkId;

        public int Findings { get; private set; }

        public int WithoutExpiry { get; private set; }

        public DateTimeOffset? EarliestExpiry { get; private set; }

        public DateTimeOffset? LatestExpiry { get; private set; }

        public int Clusters => _where.Count;

        /// <summary>
        /// Each cluster (its number in report order, its name) with the namespaces (<c>(cluster)</c> for a cluster
        /// check) the group covers there.
        /// </summary>
        public IReadOnlyList<(int Number, string Cluster, List<string> Namespaces)> Where => _where;

        public void Add(int clusterNumber, string cluster, string? ns, DateTimeOffset? expiresOn)
        {
            Findings++;
            if (expiresOn is { } expiry)
            {
                EarliestExpiry = EarliestExpiry is { } earliest && earliest <= expiry ? earliest : expiry;
                LatestExpiry = LatestExpiry is { } latest && latest >= expiry ? latest : expiry;
            }
            else
            {
                WithoutExpiry++;
            }

            // Clusters come one after the other, so the last entry is this cluster's when it has one already.
            if (_where.Count == 0 || _where[^1].Number != clusterNumber)
            {
                _where.Add((clusterNumber, cluster, []));
            }

            _where[^1].Namespaces.Add(ns ?? "(cluster)");
        }
    }
}
