using System.Globalization;
using NetPolGovernance.Analysis.Engines;

namespace NetPolGovernance.Analysis.Checks.Cluster;

/// <summary>
/// NPG-C02: the engine ARM names has a ready DaemonSet in the cluster (every desired pod ready); for BYO CNI, and
/// without a profile, some engine does. NotApplicable without collected evidence (manifests) and for an engine the user
/// declared that no DaemonSet confirms; Unknown when evidence was unreadable.
/// </summary>
internal sealed class EngineRunningCheck : IClusterCheck
{
    public CheckDefinition Definition => CheckCatalog.C02EngineRunning;

    public CheckOutcome Evaluate(ClusterContext context)
    {
        var evidenceMap = EvidenceMap.Of([.. ProfileEvidence.Of(context.Profile, context.Evidence)]);
        var profile = context.Profile;
        if (profile is null)
        {
            return WithoutProfile(context) with { Evidence = evidenceMap };
        }

        var declared = EngineState.FromArmValue(profile.NetworkPolicy);
        var byoCni = declared is null && EngineState.Normalize(profile.NetworkPlugin) == "none";
        if (declared is null or PolicyEngine.Unknown && !byoCni)
        {
            return CheckOutcome.NotApplicable("ARM declares no known policy engine (see NPG-C01).") with { Evidence = evidenceMap };
        }

        if (!context.Readable)
        {
            return CheckOutcome.Unknown($"The cluster could not be read: {context.UnreadableReason}") with { Evidence = evidenceMap };
        }

        var evidence = context.Evidence;
        if (evidence is null)
        {
            return CheckOutcome.NotApplicable("No in-cluster engine evidence was collected.") with { Evidence = evidenceMap };
        }

        if (evidence.Unavailable)
        {
            return CheckOutcome.Unknown($"Engine DaemonSets could not be listed: {evidence.UnavailableReason ?? "no reason given"}.") with { Evidence = evidenceMap };
        }

        if (byoCni)
        {
            return EngineState.RunningEngine(evidence) is { } found
                ? CheckOutcome.Pass($"BYO CNI: a ready {EngineState.EvidenceName(found)} engine DaemonSet was found.") with { Evidence = evidenceMap }
                : CheckOutcome.Fail("BYO CNI (networkPlugin 'none') and no ready engine DaemonSet (" + string.Join(", ", PolicyEngines.DeclarableNames.Where(n => n != "none")) + ") was found.") with { Evidence = evidenceMap };
        }

        var name = EngineState.EvidenceName(declared!.Value);
        var sets = evidence.DaemonSets.Where(d => string.Equals(d.Engine, name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (sets.Count == 0)
        {
            return CheckOutcome.Fail($"ARM declares '{EngineState.Normalize(profile.NetworkPolicy)}' but no {name} DaemonSet was found in the cluster.") with { Evidence = evidenceMap };
        }

        var notReady = sets.Where(d => !d.IsReady).ToList();
        if (notReady.Count > 0)
        {
            var detail = string.Join(", ", notReady.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Namespace}/{d.Name} {d.Ready}/{d.Desired}")));
            return CheckOutcome.Fail($"The {name} DaemonSet is not ready on every node: {detail}.") with { Evidence = evidenceMap };
        }

        return CheckOutcome.Pass($"The declared {name} engine DaemonSet is ready.") with { Evidence = evidenceMap };
    }

    private static CheckOutcome WithoutProfile(ClusterContext context)
    {
        if (!context.Readable)
        {
            return CheckOutcome.Unknown($"The cluster could not be read: {context.UnreadableReason}");
        }

        var evidence = context.Evidence;
        if (evidence is null)
        {
            return CheckOutcome.NotApplicable("No network profile and no in-cluster evidence: there is no engine to look for.");
        }

        if (evidence.Unavailable)
        {
            return context.Engine.Declared
                ? CheckOutcome.NotApplicable($"The engine {context.Engine.Name} is declared; the DaemonSet list could not be read to confirm it.")
                : CheckOutcome.Unknown($"Engine DaemonSets could not be listed: {evidence.UnavailableReason ?? "no reason given"}.");
        }

        if (EngineState.RunningEngine(evidence) is { } found)
        {
            return CheckOutcome.Pass($"A ready {EngineState.EvidenceName(found)} engine DaemonSet was found.");
        }

        if (context.Engine.Declared)
        {
            return CheckOutcome.NotApplicable($"The engine {context.Engine.Name} is declared by the user; no engine DaemonSet confirms it.");
        }

        var notReady = EngineState.NotReady(evidence);
        return notReady.Count > 0
            ? CheckOutcome.Fail($"No engine DaemonSet is ready on every node: {string.Join(", ", notReady)}.")
            : CheckOutcome.Fail("No network profile and no engine DaemonSet (" + string.Join(", ", PolicyEngines.DeclarableNames.Where(n => n != "none")) + ") was found in the cluster.");
    }
}
