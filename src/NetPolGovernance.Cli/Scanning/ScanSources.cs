using System.CommandLine;

namespace NetPolGovernance.Cli.Scanning;

/// <summary>
/// The one way a command chooses its source: exactly one <see cref="IScanSource"/> must be selected by the command
/// line. <c>scan</c>, <c>reach</c> and <c>remediate</c> all choose here, so the same options pick the same source
/// with the same errors. The session a source opens owns what it started and must be disposed.
/// </summary>
internal static class ScanSources
{
    /// <summary>
    /// The selected source. Throws <see cref="ScanInputException"/> when none or several are selected.
    /// When <paramref name="kubeconfigNamesTarget"/> is true (<c>remediate</c>, whose <c>--kubeconfig/--context</c>
    /// also name the cluster <c>--apply</c> writes to), those options next to another source select nothing.
    /// </summary>
    public static IScanSource Select(IReadOnlyList<IScanSource> sources, ParseResult parseResult, bool kubeconfigNamesTarget = false)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(parseResult);
        var selected = sources.Where(s => s.IsSelected(parseResult)).ToList();
        if (kubeconfigNamesTarget && selected.Count > 1)
        {
            selected.RemoveAll(s => s is KubeconfigScanSource);
        }

        return selected.Count switch
        {
            1 => selected[0],
            0 => throw new ScanInputException($"nothing to scan: give one of {string.Join(", ", sources.Select(s => s.Usage))}"),
            _ => throw new ScanInputException($"choose one source per scan, not {string.Join(" and ", selected.Select(s => s.Usage))}"),
        };
    }

    /// <summary>Selects the source (<see cref="Select"/>) and opens it; the caller disposes the session.</summary>
    public static async Task<ScanSourceSession> OpenAsync(
        IReadOnlyList<IScanSource> sources,
        ParseResult parseResult,
        bool kubeconfigNamesTarget,
        CancellationToken cancellationToken)
    {
        var source = Select(sources, parseResult, kubeconfigNamesTarget);
        return await source.OpenAsync(parseResult, cancellationToken).ConfigureAwait(false);
    }
}
