using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Cli.Reports;

/// <summary>
/// Namespaces per owner (<see cref="NamespaceAssessment.Owner"/>, as the analysis resolved it) over the whole scan:
/// how many, by status, and on how many clusters. One row per owner, never the namespaces; namespaces without an
/// owner are counted under <see cref="NoOwner"/>. Rows come ordered by owner (ordinal), <see cref="NoOwner"/> last.
/// </summary>
internal sealed class OwnerRollup
{
    public const string NoOwner = "(no owner)";

    private readonly Dictionary<string, Row> _rows = new(StringComparer.Ordinal);
    private int _clusters;

    public int Count => _rows.Count;

    /// <summary>Counts the cluster's namespaces; call once per cluster.</summary>
    public void Add(ClusterAssessment cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var clusterNumber = ++_clusters;
        foreach (var ns in cluster.Namespaces)
        {
            var owner = string.IsNullOrWhiteSpace(ns.Owner) ? NoOwner : ns.Owner;
            if (!_rows.TryGetValue(owner, out var row))
            {
                row = new Row(owner);
                _rows.Add(owner, row);
            }

            row.Namespaces++;
            row.ByStatus[(int)ns.Status]++;
            if (row.LastCluster != clusterNumber)
            {
                row.LastCluster = clusterNumber;
                row.Clusters++;
            }
        }
    }

    /// <summary>Every owner by name (ordinal), <see cref="NoOwner"/> last.</summary>
    public IEnumerable<Row> Rows() =>
        _rows.Values.OrderBy(r => r.Owner == NoOwner).ThenBy(r => r.Owner, StringComparer.Ordinal);

    /// <summary>One owner's namespaces.</summary>
    internal sealed class Row(string owner)
    {
        public string Owner { get; } = owner;

        public int Namespaces { get; set; }

        public int Clusters { get; set; }

        public int LastCluster { get; set; }

        public int[] ByStatus { get; } = new int[(int)Enum.GetValues<NamespaceStatus>().Max() + 1];

        public int Of(NamespaceStatus status) => ByStatus[(int)status];
    }
}
