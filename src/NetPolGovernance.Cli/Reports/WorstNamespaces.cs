using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Cli.Reports;

/// <summary>
/// The namespaces with the most severe failing (not exempt) findings over the scan, as the summary and HTML reports
/// rank them: the most critical first, then the most high, and so on down to info; then the most findings; then by
/// cluster and namespace name. Holds one small row per namespace with a failing finding.
/// </summary>
internal sealed class WorstNamespaces
{
    public const int Count = 10;

    private static readonly Severity[] s_severities = [.. Enum.GetValues<Severity>().OrderDescending()];

    private readonly List<Row> _rows = [];
    private int _clusters;

    /// <summary>Severities from critical down to info, the order of <see cref="Row.BySeverity"/>.</summary>
    public static IReadOnlyList<Severity> Severities => s_severities;

    /// <summary>Ranks the cluster's namespaces; call once per cluster. <see cref="Row.ClusterNumber"/> counts the calls from 1.</summary>
    public void Add(ClusterAssessment cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var clusterNumber = ++_clusters;
        foreach (var ns in cluster.Namespaces)
        {
            var failing = ns.Findings.Where(f => f.Result == CheckResult.Fail).ToList();
            if (failing.Count > 0)
            {
                var bySeverity = s_severities.Select(s => failing.Count(f => f.Severity == s)).ToArray();
                _rows.Add(new Row(cluster.Cluster.Name, clusterNumber, ns.Name, ns.Owner, ns.Status, bySeverity, failing.Count));
            }
        }
    }

    /// <summary>The worst <see cref="Count"/> namespaces, worst first.</summary>
    public IReadOnlyList<Row> Top() => [.. _rows.OrderBy(r => r, Row.Ranking).Take(Count)];

    /// <summary>
    /// A namespace with failing findings; <see cref="BySeverity"/> counts them from critical down to info.
    /// </summary>
    internal sealed record Row(string Cluster, int ClusterNumber, string Namespace, string? Owner, NamespaceStatus Status, int[] BySeverity, int Total)
    {
        /// <summary>More critical first, then more high, and so on; then more findings; then by cluster and namespace.</summary>
        public static IComparer<Row> Ranking { get; } = Comparer<Row>.Create((a, b) =>
        {
            for (var i = 0; i < a.BySeverity.Length; i++)
            {
                var bySeverity = b.BySeverity[i].CompareTo(a.BySeverity[i]);
                if (bySeverity != 0)
                {
                    return bySeverity;
                }
            }

            var total = b.Total.CompareTo(a.Total);
            if (total != 0)
            {
                return total;
            }

            var cluster = string.CompareOrdinal(a.Cluster, b.Cluster);
            return cluster != 0 ? cluster : string.CompareOrdinal(a.Namespace, b.Namespace);
        });

        /// <summary><c>1 critical 2 high</c>: the non-zero counts, most severe first.</summary>
        public string Counts() => string.Join(
            " ",
            s_severities.Select((s, i) => (Severity: s, Count: BySeverity[i])).Where(p => p.Count > 0)
                .Select(p => $"{p.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)} {p.Severity.ToString().ToLowerInvariant()}"));
    }
}
