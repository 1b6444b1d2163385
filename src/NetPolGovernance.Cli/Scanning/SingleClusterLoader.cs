using System.CommandLine;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Flows;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Cli.Scanning;

/// <summary>
/// Reads exactly one cluster through the scan sources (<c>--manifests</c>, <c>--kubeconfig/--context</c>, ...) for
/// commands that answer questions about one snapshot (<c>reach</c>, <c>remediate</c>).
/// </summary>
internal static class SingleClusterLoader
{
    /// <summary>
    /// Returns the snapshot. Throws <see cref="ScanInputException"/> when no source or several are selected (<see cref="ScanSources"/>), when the
    /// source yields more or fewer than one cluster, or when the cluster could not be read (with the reason).
    /// <paramref name="kubeconfigNamesTarget"/> is true when the command's <c>--kubeconfig/--context</c> also name a
    /// target (see <see cref="ScanSources.Select"/>).
    /// </summary>
    public static Task<ClusterSnapshot> LoadAsync(
        IReadOnlyList<IScanSource> sources,
        ParseResult parseResult,
        bool kubeconfigNamesTarget,
        CancellationToken cancellationToken) =>
        LoadAsync(sources, parseResult, kubeconfigNamesTarget, whileOpen: null, cancellationToken);

    /// <summary>
    /// As <see cref="LoadAsync(IReadOnlyList{IScanSource}, ParseResult, bool, CancellationToken)"/>, then runs
    /// <paramref name="whileOpen"/> on the snapshot before the session closes, with the source's own Log Analytics query
    /// client (<see cref="ScanSourceSession.FlowQueries"/>: the fleet simulator's for <c>--simulated-fleet</c>; null for
    /// a source without one). Reading <c>--flows-from-workspace</c> there uses the same query client <c>scan</c> does.
    /// </summary>
    public static async Task<ClusterSnapshot> LoadAsync(
        IReadOnlyList<IScanSource> sources,
        ParseResult parseResult,
        bool kubeconfigNamesTarget,
        Func<ClusterSnapshot, LogAnalyticsQueryClient?, CancellationToken, Task>? whileOpen,
        CancellationToken cancellationToken)
    {
        // The session is disposed once the one cluster is read: a source that started something (the simulator
        // of --simulated-fleet) stops here, before the command goes on to answer from the snapshot.
        await using var session = await ScanSources.OpenAsync(sources, parseResult, kubeconfigNamesTarget, cancellationToken).ConfigureAwait(false);
        var targets = new List<ClusterTarget>();
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

        // The same one per-cluster deadline a scan applies (FleetScanOptions), so reach and remediate never wait longer.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(session.ScanOptions.PerClusterTimeout);
        CollectionOutcome outcome;
        try
        {
            outcome = await session.Collector.CollectAsync(targets[0], deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ScanInputException(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"cluster {targets[0].Identity.Name} could not be read: timeout: not read within {session.ScanOptions.PerClusterTimeout.TotalSeconds:0.#} s (per-cluster deadline)"));
        }

        var snapshot = outcome.Snapshot ?? throw new ScanInputException($"cluster {targets[0].Identity.Name} could not be read: {outcome.Reason}");
        if (whileOpen is not null)
        {
            await whileOpen(snapshot, session.FlowQueries, cancellationToken).ConfigureAwait(false);
        }

        return snapshot;
    }
}
