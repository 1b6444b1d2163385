using System.CommandLine;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Cli.Scanning;

/// <summary>
/// Reads exactly one cluster through the scan sources (<c>--manifests</c>, <c>--kubeconfig/--context</c>, ...) for
/// commands that answer questions about one snapshot (<c>reach</c>, <c>remediate</c>).
/// </summary>
internal static class SingleClusterLoader
{
    /// <summary>
    /// Returns the snapshot. Throws <see cref="ScanInputException"/> when no source or several are selected, when the
    /// source yields more or fewer than one cluster, or when the cluster could not be read (with the reason).
    /// </summary>
    public static async Task<ClusterSnapshot> LoadAsync(IReadOnlyList<IScanSource> sources, ParseResult parseResult, CancellationToken cancellationToken)
    {
        var selected = sources.Where(s => s.IsSelected(parseResult)).ToList();
        if (selected.Count > 1)
        {
            // --kubeconfig/--context also name the cluster `remediate --apply` writes to; next to another source
            // (e.g. --manifests) that is all they do.
            selected.RemoveAll(s => s is KubeconfigScanSource);
        }

        if (selected.Count != 1)
        {
            throw new ScanInputException(selected.Count == 0
                ? $"no cluster to read: give one of {string.Join(", ", sources.Select(s => s.Usage))}"
                : $"choose one source, not {string.Join(" and ", selected.Select(s => s.Usage))}");
        }

        var session = await selected[0].OpenAsync(parseResult, cancellationToken).ConfigureAwait(false);
        var targets = new List<Connectors.Scanning.ClusterTarget>();
        await foreach (var target in session.Inventory.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            targets.Add(target);
            if (targets.Count > 1)
            {
                throw new ScanInputException("this command reads exactly one cluster; the source names several (choose one context)");
            }
        }

        if (targets.Count == 0)
        {
            throw new ScanInputException("the source names no cluster");
        }

        var outcome = await session.Collector.CollectAsync(targets[0], cancellationToken).ConfigureAwait(false);
        return outcome.Snapshot ?? throw new ScanInputException($"cluster {targets[0].Identity.Name} could not be read: {outcome.Reason}");
    }
}
