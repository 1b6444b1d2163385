using System.CommandLine;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Connectors.Publishing;

namespace NetPolGovernance.Cli.Scanning;

/// <summary>
/// A place scan results go besides the report (e.g. Log Analytics with <c>--publish</c>). A sink adds its options to
/// the scan command and opens a session only when its options ask for it. Register as <c>IScanResultSink</c>.
/// </summary>
internal interface IScanResultSink
{
    void AddOptions(Command command);

    /// <summary>A session for this scan, or null when the command line does not ask for this sink.
    /// Throws <see cref="ScanInputException"/> for bad options (exit code 1).</summary>
    Task<IScanResultSession?> OpenAsync(ParseResult parseResult, ScanContext scan, CancellationToken cancellationToken);
}

/// <summary>One sink's part in one scan: every cluster as it completes, then completion.</summary>
internal interface IScanResultSession : IAsyncDisposable
{
    Task OnClusterAsync(ClusterAssessment assessment, CancellationToken cancellationToken);

    /// <summary>Flushes and reports how it went. A failed outcome makes the scan exit with <see cref="ExitCodes.PublishFailed"/>.</summary>
    Task<SinkOutcome> CompleteAsync(CancellationToken cancellationToken);
}

/// <summary>How a sink's session ended; <see cref="Message"/> is shown to the user (stderr).</summary>
internal sealed record SinkOutcome(bool Succeeded, string Message);
