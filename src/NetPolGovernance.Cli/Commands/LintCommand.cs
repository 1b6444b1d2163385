using System.CommandLine;
using System.Text;
using NetPolGovernance.Analysis.Remediation;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Remediation;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Connectors.Manifests;
using NetPolGovernance.Connectors.Output;

namespace NetPolGovernance.Cli.Commands;

/// <summary>
/// <c>netpolgov lint</c>: checks the policies of any scan source (usually <c>--manifests</c>, the set about to be merged)
/// against the AKS platform-dependency catalog (docs/platform-dependencies.md): what they cut of DNS, LocalDNS, the API
/// server, webhook calls through konnectivity-agent, IMDS, metrics-server, the Azure Monitor agents, workload identity,
/// and whether they touch an add-on namespace. One finding per line on stdout. Exit 2 when any finding is an error,
/// else 0; 1 for bad input.
/// </summary>
internal sealed class LintCommand : BaseCommand
{
    private readonly IReadOnlyList<IScanSource> _sources;
    private readonly IInteractionService _interaction;
    private readonly NamespaceFilterOptions _namespaces = new(
        "Lint the namespaces of the snapshot these names or globs match (repeatable; each must match one) instead of every namespace that has a policy.",
        "Leave out the namespaces these names or globs match (repeatable).");

    public LintCommand(IEnumerable<IScanSource> sources, IInteractionService interaction)
        : base("lint", "Check policies against the AKS platform dependencies (DNS, API server, webhooks, IMDS, add-ons).")
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(interaction);
        _sources = sources.ToList();
        _interaction = interaction;
        foreach (var source in _sources)
        {
            source.AddOptions(this);
        }

        _namespaces.AddTo(this);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = await SingleClusterLoader.LoadAsync(_sources, parseResult, kubeconfigNamesTarget: false, cancellationToken).ConfigureAwait(false);
            var filter = _namespaces.Filter(parseResult);
            var namespaces = filter.Include.Count > 0
                ? NamespaceFilterOptions.Select(filter, snapshot.Namespaces.Select(n => n.Name).Concat(PlatformFindingsText.NamespacesOf(snapshot, snapshot)), requireMatch: true)
                : NamespaceFilterOptions.Select(filter, PlatformFindingsText.NamespacesOf(snapshot, snapshot), requireMatch: false);
            var findings = PlatformLint.Check(snapshot, namespaces);
            var text = new StringBuilder();
            foreach (var finding in findings)
            {
                text.Append(TerminalText.Escape(finding.ToString())).Append('\n');
            }

            var stdout = _interaction.OpenStandardOutput();
            await stdout.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken).ConfigureAwait(false);
            await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            _interaction.DisplayStatus($"lint: {findings.Count} finding(s) in {namespaces.Count} namespace(s)");
            return findings.Any(f => f.Level == PlatformFindingLevel.Error) ? ExitCodes.NonCompliant : ExitCodes.Compliant;
        }
        catch (ScanInputException ex)
        {
            _interaction.DisplayError(ex.Message);
            return ExitCodes.UsageError;
        }
        catch (InputFileException ex)
        {
            _interaction.DisplayError(ex.Message);
            return ExitCodes.UsageError;
        }
    }
}
