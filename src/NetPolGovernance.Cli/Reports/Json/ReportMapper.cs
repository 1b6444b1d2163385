using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;

namespace NetPolGovernance.Cli.Reports.Json;

/// <summary>Maps assessments to the report's wire types.</summary>
internal static class ReportMapper
{
    public static ToolDto Tool(string version) => new("netpolgov", version);

    public static ScanDto Scan(ReportHeader header) => new(
        header.Scan.ScanId,
        header.Scan.StartedAt,
        header.Scan.Profile.ToString().ToLowerInvariant(),
        header.Source,
        header.FailOn);

    public static ClusterDto Cluster(ClusterAssessment cluster) => new()
    {
        Name = cluster.Cluster.Name,
        ResourceId = cluster.Cluster.ResourceId,
        SubscriptionId = cluster.Cluster.SubscriptionId,
        ResourceGroup = cluster.Cluster.ResourceGroup,
        Location = cluster.Cluster.Location,
        AzureTenantId = cluster.Cluster.AzureTenantId,
        KubeContext = cluster.Cluster.KubeContext,
        Owner = cluster.Owner,
        KubernetesVersion = cluster.Cluster.KubernetesVersion,
        Status = cluster.Status,
        Reason = cluster.StatusReason,
        AccessPath = cluster.AccessPath,
        Source = cluster.Source,
        NetworkProfile = cluster.NetworkProfile is { } p
            ? new NetworkProfileDto(p.NetworkPlugin, p.NetworkPluginMode, p.NetworkPolicy, p.NetworkDataplane, p.NodePoolOsTypes)
            : null,
        EngineEvidence = cluster.EngineEvidence is { } e
            ? new EngineEvidenceDto(
                e.DaemonSets.Select(d => new EngineDaemonSetDto(d.Engine, d.Namespace, d.Name, d.Desired, d.Ready)).ToList(),
                e.CiliumPolicyEnforcementMode,
                e.Unavailable,
                e.UnavailableReason)
            : null,
        Engine = new EngineDto(cluster.Engine.Name, cluster.Engine.Basis, cluster.Engine.Declared, cluster.Engine.EnforcementDisabled),
        Stats = new StatsDto(cluster.Stats.ApiCalls, cluster.Stats.BytesRead, cluster.Stats.DurationMs),
        NamespaceCount = cluster.Namespaces.Count,
        CompliantNamespaceCount = cluster.CompliantNamespaceCount,
        PodCount = cluster.PodCount,
        PolicyCount = cluster.PolicyCount,
        Findings = cluster.ClusterFindings.Select(Finding).ToList(),
        InvisibleKinds = cluster.InvisibleKinds.Select(k => new InvisibleKindDto(k.ApiGroup, k.Kind, k.Reason)).ToList(),
        Notes = cluster.Notes,
        Namespaces = cluster.Namespaces.Select(Namespace).ToList(),
    };

    public static NamespaceDto Namespace(NamespaceAssessment ns) => new()
    {
        Name = ns.Name,
        System = ns.System,
        Status = ns.Status,
        Owner = ns.Owner,
        OwnerSource = ns.OwnerSource,
        PodCount = ns.PodCount,
        DerivedPods = ns.DerivedPods,
        HostNetworkPods = ns.HostNetworkPods,
        PolicyNames = ns.PolicyNames,
        HasPolicy = ns.HasPolicy,
        IngressIsolatedPods = ns.IngressIsolatedPods,
        EgressIsolatedPods = ns.EgressIsolatedPods,
        DefaultDenyIngress = ns.DefaultDenyIngress,
        DefaultDenyEgress = ns.DefaultDenyEgress,
        AllowAllIngress = ns.AllowAllIngress,
        AllowAllEgress = ns.AllowAllEgress,
        DeadPolicies = ns.DeadPolicies,
        HasAnyPolicy = ns.HasAnyPolicy,
        IngressCoveredPods = ns.IngressCoveredPods,
        EgressCoveredPods = ns.EgressCoveredPods,
        Findings = ns.Findings.Select(Finding).ToList(),
        Runtime = ns.Runtime is { } r ? Runtime(r) : null,
    };

    public static NamespaceRuntimeDto Runtime(NamespaceRuntime runtime) => new(
        runtime.Window is { } w ? new FlowWindowDto(w.From, w.To) : null,
        runtime.Connections,
        runtime.IngressForwarded,
        runtime.EgressForwarded,
        runtime.Dropped,
        [.. runtime.PolicyHits.Select(h => new PolicyHitDto(h.Policy, h.Matched, h.Reported))],
        runtime.UnusedRules,
        [.. runtime.AllowAllCarryingTraffic.Select(h => new PolicyHitDto(h.Policy, h.Matched, h.Reported))],
        [.. runtime.DropsByOwner.Select(d => new OwnerDropsDto(d.Owner, d.Ingress, d.Egress))],
        [.. runtime.Contradictions.Select(c => new ContradictionDto(c.From, c.To, c.Protocol.ToKubernetes(), c.Port, c.Forwarded, c.FirstSeen, c.LastSeen, c.Decision))],
        runtime.ContradictionCount,
        runtime.UnverifiedCount,
        runtime.Unmatched);

    public static FindingDto Finding(Finding finding) => new()
    {
        CheckId = finding.CheckId,
        Title = finding.Title,
        Severity = finding.Severity,
        Result = finding.Result,
        Namespace = finding.Namespace,
        Message = finding.Message,
        Benchmark = finding.Benchmark,
        Evidence = finding.Evidence,
        Remediation = finding.Remediation,
        InProfile = finding.InProfile,
        Exemption = finding.ExemptionReason is null && finding.ExemptionOwner is null && finding.ExemptionExpiresOn is null
            ? null
            : new ExemptionDto(finding.ExemptionReason, finding.ExemptionOwner, finding.ExemptionExpiresOn),
        Location = finding.Location is { } l ? Location(l) : null,
    };

    public static LocationDto Location(SourceLocation location) => new(location.File, location.Line);

    public static SummaryDto Summary(ScanSummary summary) => new()
    {
        Result = summary.Result,
        Gate = new GateDto(summary.Gate.Kind, summary.Gate.Threshold, summary.Gate.OutcomeName, summary.Gate.Reason),
        ExitCode = summary.ExitCode,
        Clusters = new ClusterCountsDto(summary.Clusters, summary.ClustersScanned, summary.ClustersUnknown, summary.ClustersSkipped),
        Namespaces = new NamespaceCountsDto(
            summary.Namespaces,
            Count(summary.NamespacesByStatus, NamespaceStatus.Compliant),
            Count(summary.NamespacesByStatus, NamespaceStatus.NonCompliant),
            Count(summary.NamespacesByStatus, NamespaceStatus.Unenforced),
            Count(summary.NamespacesByStatus, NamespaceStatus.Exempt),
            Count(summary.NamespacesByStatus, NamespaceStatus.Unknown)),
        FailingFindings = new FindingCountsDto(
            Count(summary.FailingFindingsBySeverity, Severity.Critical),
            Count(summary.FailingFindingsBySeverity, Severity.High),
            Count(summary.FailingFindingsBySeverity, Severity.Medium),
            Count(summary.FailingFindingsBySeverity, Severity.Low),
            Count(summary.FailingFindingsBySeverity, Severity.Info)),
        Publishing = summary.SinkMessages,
    };

    private static int Count<TKey>(IReadOnlyDictionary<TKey, int> counts, TKey key)
        where TKey : notnull =>
        counts.TryGetValue(key, out var count) ? count : 0;
}
