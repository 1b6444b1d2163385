namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>
/// One row of <c>NetPolFlows_CL</c>: what observed flows show for a namespace, runtime against static (docs/flows.md,
/// "Runtime proof"). Written only for namespaces that had traffic in a scan that read flows. <see cref="Kind"/> says
/// which columns a row fills: one <c>Namespace</c> row with the totals and the static/runtime disagreement, then at most
/// <see cref="FlowRowMapper.MaxRowsPerKind"/> rows of each detail kind (<c>PolicyHits</c>, <c>UnusedRule</c>,
/// <c>Drops</c>, <c>Contradiction</c>); the rest is counted on the namespace row.
/// </summary>
public sealed record FlowRow
{
    public required DateTimeOffset TimeGenerated { get; init; }

    /// <summary>Deterministic: scan + cluster + namespace + kind + subject.</summary>
    public required string RowId { get; init; }

    public required string ScanId { get; init; }

    public string? SubscriptionId { get; init; }

    public string? ResourceGroup { get; init; }

    public required string ClusterName { get; init; }

    public string? ClusterResourceId { get; init; }

    public required string Namespace { get; init; }

    /// <summary>The namespace's owner (as in <c>NetPolNamespaces_CL</c>); null when unknown.</summary>
    public string? Owner { get; init; }

    /// <summary><c>Namespace</c>, <c>PolicyHits</c>, <c>UnusedRule</c>, <c>Drops</c> or <c>Contradiction</c> (<see cref="FlowRowKinds"/>).</summary>
    public required string Kind { get; init; }

    /// <summary>First flow time of the cluster's flows read (all of them, not only this namespace's).</summary>
    public DateTimeOffset? WindowStart { get; init; }

    public DateTimeOffset? WindowEnd { get; init; }

    /// <summary>PolicyHits, UnusedRule: the policy, <c>ns/name</c> (or <c>Kind ns/name</c> for a kind the dataplane credited).</summary>
    public string? Policy { get; init; }

    /// <summary>UnusedRule: which rule of <see cref="Policy"/>, <c>ingress rule 1</c>.</summary>
    public string? Rule { get; init; }

    /// <summary>Drops: the owning workload (<c>Kind/name</c>, or the pod); Contradiction: the destination reached.</summary>
    public string? Workload { get; init; }

    /// <summary>Contradiction: the source of the connection.</summary>
    public string? Peer { get; init; }

    /// <summary>Contradiction: <c>TCP</c>, <c>UDP</c> or <c>SCTP</c>.</summary>
    public string? Protocol { get; init; }

    /// <summary>Contradiction: the destination port.</summary>
    public int? Port { get; init; }

    /// <summary>Namespace: distinct connections with an end in the namespace.</summary>
    public int? Connections { get; init; }

    /// <summary>Namespace: events forwarded at its pods' ingress; Contradiction: events forwarded although denied.</summary>
    public long? ForwardedIngress { get; init; }

    /// <summary>Namespace: events forwarded at its pods' egress.</summary>
    public long? ForwardedEgress { get; init; }

    /// <summary>Namespace, Drops: events dropped at the ingress of the namespace's (the workload's) pods.</summary>
    public long? DroppedIngress { get; init; }

    /// <summary>Namespace, Drops: events dropped at their egress.</summary>
    public long? DroppedEgress { get; init; }

    /// <summary>PolicyHits: forwarded events one of the policy's rules admits, by the static rules; null for a kind not matched statically.</summary>
    public long? MatchedHits { get; init; }

    /// <summary>PolicyHits: events of connections the dataplane credited to the policy (the flows' <c>Policies</c> data).</summary>
    public long? ReportedHits { get; init; }

    /// <summary>PolicyHits: the policy is one of the namespace's allow-all policies (NPG-N06/N07), and it carried traffic.</summary>
    public bool? AllowAll { get; init; }

    /// <summary>
    /// Namespace: connections forwarded into the namespace's pods although their ingress policies deny them (runtime
    /// contradicts static; NPG-N13 fails on any); 0 when none.
    /// </summary>
    public int? StaticRuntimeDisagreement { get; init; }

    /// <summary>Namespace: the NPG-N13 result (<c>Fail</c>, <c>Exempt</c>, <c>Unknown</c>, <c>Pass</c> or <c>NotApplicable</c>).</summary>
    public string? RuntimeCheckResult { get; init; }

    /// <summary>Namespace: forwarded connections whose static answer is unknown (not judged).</summary>
    public int? UnverifiedCount { get; init; }

    /// <summary>Namespace: forwarded connections into pods the snapshot does not hold (gone since, or hostNetwork).</summary>
    public int? UnmatchedCount { get; init; }

    /// <summary>Namespace: allow rules no forwarded connection used in the window.</summary>
    public int? UnusedRuleCount { get; init; }

    /// <summary>Namespace: detail rows left out by the per-kind cap (the counts above still count them).</summary>
    public int? RowsOmitted { get; init; }

    /// <summary>Contradiction: first and last time the connection was seen.</summary>
    public DateTimeOffset? FirstSeen { get; init; }

    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>Contradiction: why the static analysis denies it (the isolating policies).</summary>
    public string? Decision { get; init; }
}

/// <summary>The values of <see cref="FlowRow.Kind"/>.</summary>
public static class FlowRowKinds
{
    public const string Namespace = "Namespace";
    public const string PolicyHits = "PolicyHits";
    public const string UnusedRule = "UnusedRule";
    public const string Drops = "Drops";
    public const string Contradiction = "Contradiction";
}
