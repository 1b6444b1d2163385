using System.CommandLine;
using NetPolGovernance.Connectors.Flows;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Cli.Scanning;

/// <summary>
/// Where <c>netpolgov scan</c> gets clusters from (manifests, kubeconfig contexts, Azure). Each source adds its own
/// options to the scan command and is selected by them; exactly one source runs per command (<see cref="ScanSources"/> chooses it). Register an implementation
/// as <c>IScanSource</c> in <see cref="CliServices"/> to add one.
/// </summary>
internal interface IScanSource
{
    /// <summary>How to select this source, for the "nothing to scan" error, e.g. <c>--manifests PATH...</c>.</summary>
    string Usage { get; }

    /// <summary>Adds this source's options to the scan command. Called once.</summary>
    void AddOptions(Command command);

    /// <summary>True when the command line selects this source.</summary>
    bool IsSelected(ParseResult parseResult);

    /// <summary>
    /// Prepares the scan: the inventory of clusters and the collector that reads them.
    /// Throws <see cref="ScanInputException"/> for bad input (exit code 1).
    /// </summary>
    Task<ScanSourceSession> OpenAsync(ParseResult parseResult, CancellationToken cancellationToken);

    /// <summary>Local folders the source reads (the manifest folders), where conventionally named files are looked for; none for live sources.</summary>
    IReadOnlyList<string> InputFolders(ParseResult parseResult) => [];
}

/// <summary>
/// What a source prepared for one scan. Disposing it stops what the source started (<see cref="Resources"/>);
/// every command that opens a session disposes it when it is done reading clusters.
/// </summary>
internal sealed record ScanSourceSession(IClusterInventory Inventory, ISnapshotCollector Collector) : IAsyncDisposable
{
    /// <summary>Concurrency and per-cluster deadline; sources with options for them override the defaults.</summary>
    public FleetScanOptions ScanOptions { get; init; } = new();

    /// <summary>Where objects were written, for reports that point into files (SARIF); null for live sources.</summary>
    public ISourceLocationLookup? Locations { get; init; }

    /// <summary>
    /// What the source started for this scan and disposing the session stops, whatever the command's outcome
    /// (the in-process fleet simulator of <c>--simulated-fleet</c>); null when there is nothing to stop.
    /// </summary>
    public IAsyncDisposable? Resources { get; init; }

    /// <summary>
    /// The Log Analytics query client the source's clusters are read through for <c>--flows-from-workspace</c> (the
    /// in-process fleet simulator's); null: the command's own (Azure's query endpoint).
    /// </summary>
    public LogAnalyticsQueryClient? FlowQueries { get; init; }

    public ValueTask DisposeAsync() => Resources?.DisposeAsync() ?? ValueTask.CompletedTask;
}
