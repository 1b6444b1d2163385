using System.Globalization;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Cli.Interaction;

/// <summary>One status line per finished cluster on an interactive terminal (stderr), e.g. <c>[12] aks-prod-1: Scanned</c>.</summary>
internal sealed class ClusterProgress(IInteractionService interaction) : IProgress<FleetScanProgress>
{
    public void Report(FleetScanProgress value)
    {
        ArgumentNullException.ThrowIfNull(value);
        interaction.DisplayStatus(string.Create(CultureInfo.InvariantCulture, $"[{value.Completed}] {value.ClusterName}: {value.Status}"));
    }
}
