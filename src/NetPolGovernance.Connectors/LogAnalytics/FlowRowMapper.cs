using System.Globalization;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Connectors.Publishing;

namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>
/// Maps the runtime proof of an assessment (<see cref="NamespaceAssessment.Runtime"/>) to <c>NetPolFlows_CL</c> rows.
/// Pure, like <see cref="AssessmentRowMapper"/>: the same scan and assessment give the same rows and row ids. Only
/// namespaces with traffic in the flows read get rows, so a scan without flows writes none. The row count is bounded by
/// the namespace count: one namespace row, plus at most <see cref="MaxRowsPerKind"/> rows of each detail kind (the
/// busiest first; what is left out is counted in <see cref="FlowRow.RowsOmitted"/>).
/// </summary>
public static class FlowRowMapper
{
    /// <summary>Detail rows kept per namespace and kind.</summary>
    public const int MaxRowsPerKind = 50;

    private const string RuntimeCheckId = "NPG-N13";

    public static IReadOnlyList<FlowRow> Map(ScanContext scan, ClusterAssessment assessment)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(assessment);

        var cluster = assessment.Cluster;
        var clusterKey = RowIds.ClusterKey(cluster.ResourceId, cluster.Name);
        var time = scan.StartedAt.ToUniversalTime();
        var rows = new List<FlowRow>();
        foreach (var ns in assessment.Namespaces)
        {
            if (ns.Runtime is not { Connections: > 0 } runtime)
            {
                continue;
            }

            var template = new FlowRow
            {
                TimeGenerated = time,
                RowId = string.Empty,
                ScanId = scan.ScanId,
                SubscriptionId = cluster.SubscriptionId,
                ResourceGroup = cluster.ResourceGroup,
                ClusterName = cluster.Name,
                ClusterResourceId = cluster.ResourceId,
                Namespace = ns.Name,
                Owner = ns.Owner,
                Kind = FlowRowKinds.Namespace,
                WindowStart = runtime.Window?.From.ToUniversalTime(),
                WindowEnd = runtime.Window?.To.ToUniversalTime(),
            };
            string Id(string kind, params string?[] subject) =>
                RowIds.For([LogAnalyticsSchema.FlowsTableName, scan.ScanId, clusterKey, ns.Name, kind, .. subject]);

            var allowAll = runtime.AllowAllCarryingTraffic.Select(p => p.Policy).ToHashSet(StringComparer.Ordinal);
            var hits = runtime.PolicyHits
                .Where(h => h.Matched > 0 || h.Reported > 0)
                .OrderByDescending(h => Math.Max(h.Matched ?? 0, h.Reported))
                .ThenBy(h => h.Policy, StringComparer.Ordinal)
                .ToList();
            var drops = runtime.DropsByOwner; // most first
            var omitted = Omitted(hits.Count) + Omitted(runtime.UnusedRules.Count) + Omitted(drops.Count)
                + (runtime.ContradictionCount - Math.Min(runtime.Contradictions.Count, MaxRowsPerKind));
            var check = ns.Findings.FirstOrDefault(f => string.Equals(f.CheckId, RuntimeCheckId, StringComparison.Ordinal));

            rows.Add(template with
            {
                RowId = Id(FlowRowKinds.Namespace),
                Connections = runtime.Connections,
                ForwardedIngress = runtime.IngressForwarded,
                ForwardedEgress = runtime.EgressForwarded,
                DroppedIngress = drops.Sum(d => d.Ingress),
                DroppedEgress = drops.Sum(d => d.Egress),
                StaticRuntimeDisagreement = runtime.ContradictionCount,
                RuntimeCheckResult = check?.Result.ToString(),
                UnverifiedCount = runtime.UnverifiedCount,
                UnmatchedCount = runtime.Unmatched,
                UnusedRuleCount = runtime.UnusedRules.Count,
                RowsOmitted = omitted,
            });

            foreach (var hit in hits.Take(MaxRowsPerKind))
            {
                rows.Add(template with
                {
                    RowId = Id(FlowRowKinds.PolicyHits, hit.Policy),
                    Kind = FlowRowKinds.PolicyHits,
                    Policy = hit.Policy,
                    MatchedHits = hit.Matched,
                    ReportedHits = hit.Reported,
                    AllowAll = allowAll.Contains(hit.Policy),
                });
            }

            foreach (var unused in runtime.UnusedRules.Take(MaxRowsPerKind))
            {
                var (policy, rule) = SplitRule(unused);
                rows.Add(template with
                {
                    RowId = Id(FlowRowKinds.UnusedRule, unused),
                    Kind = FlowRowKinds.UnusedRule,
                    Policy = policy,
                    Rule = rule,
                });
            }

            foreach (var drop in drops.Take(MaxRowsPerKind))
            {
                rows.Add(template with
                {
                    RowId = Id(FlowRowKinds.Drops, drop.Owner),
                    Kind = FlowRowKinds.Drops,
                    Workload = drop.Owner,
                    DroppedIngress = drop.Ingress,
                    DroppedEgress = drop.Egress,
                });
            }

            foreach (var contradiction in runtime.Contradictions.Take(MaxRowsPerKind))
            {
                var port = contradiction.Port.ToString(CultureInfo.InvariantCulture);
                var protocol = contradiction.Protocol.ToKubernetes();
                rows.Add(template with
                {
                    RowId = Id(FlowRowKinds.Contradiction, contradiction.From, contradiction.To, protocol, port),
                    Kind = FlowRowKinds.Contradiction,
                    Peer = contradiction.From,
                    Workload = contradiction.To,
                    Protocol = protocol,
                    Port = contradiction.Port,
                    ForwardedIngress = contradiction.Forwarded,
                    FirstSeen = contradiction.FirstSeen.ToUniversalTime(),
                    LastSeen = contradiction.LastSeen.ToUniversalTime(),
                    Decision = FieldLimits.CapText(contradiction.Decision),
                });
            }
        }

        return rows;
    }

    private static int Omitted(int count) => Math.Max(0, count - MaxRowsPerKind);

    /// <summary><c>ns/name ingress rule 1</c> as the policy and <c>ingress rule 1</c>.</summary>
    private static (string Policy, string? Rule) SplitRule(string unused)
    {
        foreach (var direction in (ReadOnlySpan<string>)[" ingress rule ", " egress rule "])
        {
            var at = unused.LastIndexOf(direction, StringComparison.Ordinal);
            if (at > 0)
            {
                return (unused[..at], unused[(at + 1)..]);
            }
        }

        return (unused, null);
    }
}
