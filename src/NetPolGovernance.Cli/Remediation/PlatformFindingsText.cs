using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Remediation;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Connectors.Output;

namespace NetPolGovernance.Cli.Remediation;

/// <summary>Prints platform-dependency findings (docs/platform-dependencies.md) on stderr, one line each.</summary>
internal static class PlatformFindingsText
{
    public static void Display(IInteractionService interaction, IReadOnlyList<PlatformFinding> findings)
    {
        foreach (var finding in findings)
        {
            var line = $"platform: {TerminalText.Escape(finding.ToString())}";
            switch (finding.Level)
            {
                case PlatformFindingLevel.Error:
                    interaction.DisplayError(line);
                    break;
                case PlatformFindingLevel.Warning:
                    interaction.DisplayWarning(line);
                    break;
                default:
                    interaction.DisplayStatus(line);
                    break;
            }
        }
    }

    /// <summary>The namespaces a set of proposed objects touches (a clusterwide Cilium policy touches every namespace).</summary>
    public static IReadOnlyList<string> NamespacesOf(ClusterSnapshot proposal, ClusterSnapshot? cluster = null)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        names.UnionWith(proposal.NetworkPolicies.Select(p => p.Namespace));
        names.UnionWith(proposal.CiliumPolicies.Select(p => p.Namespace).OfType<string>());
        names.UnionWith(proposal.CalicoPolicies.Select(p => p.Namespace).OfType<string>());
        if (cluster is not null && proposal.CiliumPolicies.Any(p => p.IsClusterwide))
        {
            names.UnionWith(cluster.Namespaces.Select(n => n.Name));
        }

        return [.. names];
    }
}
