using System.Text.Json;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Connectors.LogAnalytics;
using NetPolGovernance.Testing.LogAnalytics;

namespace NetPolGovernance.Integration.Tests.LogAnalytics;

/// <summary>
/// <c>NetPolFlows_CL</c> (docs/log-analytics.md): the runtime proof of each namespace with traffic as one namespace row
/// carrying the static/runtime disagreement, plus bounded detail rows (policy hits, unused rules, drops, contradictions).
/// </summary>
public sealed class FlowRowMapperTests
{
    private static readonly DateTimeOffset s_from = new(2026, 1, 2, 0, 0, 0, TimeSpan.Zero);

    private static NamespaceRuntime Runtime(int contradictions = 1, int unusedRules = 1) => new()
    {
        Namespace = "ns-1",
        Window = new FlowWindow(s_from, s_from.AddHours(24)),
        Connections = 4,
        IngressForwarded = 30,
        EgressForwarded = 12,
        Dropped = 7,
        PolicyHits =
        [
            new PolicyHitCount("ns-1/allow-web", 25, 20),
            new PolicyHitCount("ns-1/idle", 0, 0),
            new PolicyHitCount("ns-1/allow-all", 5, 0),
            new PolicyHitCount("CiliumNetworkPolicy ns-1/l7", null, 9),
        ],
        UnusedRules = [.. Enumerable.Range(1, unusedRules).Select(i => $"ns-1/idle ingress rule {i}")],
        AllowAllCarryingTraffic = [new PolicyHitCount("ns-1/allow-all", 5, 0)],
        DropsByOwner = [new OwnerDropCount("Deployment/web", 4, 1), new OwnerDropCount("StatefulSet/db", 2, 0)],
        Contradictions = [.. Enumerable.Range(0, Math.Min(contradictions, RuntimeProof.MaxListed)).Select(i => new RuntimeContradiction(
            $"other/Deployment/client-{i}", "ns-1/StatefulSet/db", TransportProtocol.Tcp, 5432, 3, s_from.AddHours(1), s_from.AddHours(2), "isolated by ns-1/db-deny"))],
        ContradictionCount = contradictions,
        UnverifiedCount = 2,
        Unmatched = 1,
    };

    private static ClusterAssessment WithRuntime(NamespaceRuntime? runtime, CheckResult n13 = CheckResult.Fail)
    {
        var cluster = SampleAssessments.Cluster("aks-a", namespaces: 2, findingsPerFailingNamespace: 1);
        var finding = new Finding { CheckId = "NPG-N13", Title = "Traffic does not reach pods the policies isolate", Severity = Severity.Critical, Result = n13, Message = "m" };
        var ns = cluster.Namespaces[1] with { Owner = "team-db", Runtime = runtime, Findings = [.. cluster.Namespaces[1].Findings, finding] };
        return cluster with { Namespaces = [cluster.Namespaces[0], ns] };
    }

    [Fact]
    public void Map_NamespaceWithTraffic_OneNamespaceRowWithTotalsAndTheDisagreement_ThenDetailRows()
    {
        var assessment = WithRuntime(Runtime());

        var rows = AssessmentRowMapper.Map(SampleAssessments.Scan(), assessment).Flows;

        var ns = Assert.Single(rows, r => r.Kind == FlowRowKinds.Namespace);
        Assert.Equal((assessment.Namespaces[1].Name, "team-db", "aks-a"), (ns.Namespace, ns.Owner, ns.ClusterName));
        Assert.Equal(assessment.Cluster.ResourceId, ns.ClusterResourceId);
        Assert.Equal((4, 30L, 12L, 6L, 1L), (ns.Connections, ns.ForwardedIngress, ns.ForwardedEgress, ns.DroppedIngress, ns.DroppedEgress));
        Assert.Equal((1, "Fail", 2, 1, 1, 0), (ns.StaticRuntimeDisagreement, ns.RuntimeCheckResult, ns.UnverifiedCount, ns.UnmatchedCount, ns.UnusedRuleCount, ns.RowsOmitted));
        Assert.Equal((s_from, s_from.AddHours(24)), (ns.WindowStart, ns.WindowEnd));
        Assert.All(rows, r => Assert.Equal(SampleAssessments.Scan().StartedAt, r.TimeGenerated));

        // Only policies with hits, the busiest first; a dataplane-credited kind has no static match.
        var hits = rows.Where(r => r.Kind == FlowRowKinds.PolicyHits).ToList();
        Assert.Equal(["ns-1/allow-web", "CiliumNetworkPolicy ns-1/l7", "ns-1/allow-all"], hits.Select(h => h.Policy));
        Assert.Equal((25L, 20L, false), (hits[0].MatchedHits, hits[0].ReportedHits, hits[0].AllowAll));
        Assert.Null(hits[1].MatchedHits);
        Assert.True(hits[2].AllowAll);

        var unused = Assert.Single(rows, r => r.Kind == FlowRowKinds.UnusedRule);
        Assert.Equal(("ns-1/idle", "ingress rule 1"), (unused.Policy, unused.Rule));

        var drops = rows.Where(r => r.Kind == FlowRowKinds.Drops).ToList();
        Assert.Equal(["Deployment/web", "StatefulSet/db"], drops.Select(d => d.Workload));
        Assert.Equal((4L, 1L), (drops[0].DroppedIngress, drops[0].DroppedEgress));

        var reached = Assert.Single(rows, r => r.Kind == FlowRowKinds.Contradiction);
        Assert.Equal(("other/Deployment/client-0", "ns-1/StatefulSet/db", "TCP", 5432, 3L), (reached.Peer, reached.Workload, reached.Protocol, reached.Port, reached.ForwardedIngress));
        Assert.Equal("isolated by ns-1/db-deny", reached.Decision);
        Assert.Equal(rows.Count, rows.Select(r => r.RowId).Distinct().Count());
    }

    [Fact]
    public void Map_NoFlowsOrNoTraffic_NoRows()
    {
        Assert.Empty(AssessmentRowMapper.Map(SampleAssessments.Scan(), WithRuntime(null)).Flows);
        Assert.Empty(AssessmentRowMapper.Map(SampleAssessments.Scan(), WithRuntime(new NamespaceRuntime { Namespace = "ns-1" })).Flows);
        Assert.Empty(AssessmentRowMapper.Map(SampleAssessments.Scan(), SampleAssessments.Cluster("aks-a", namespaces: 3)).Flows);
    }

    [Fact]
    public void Map_MoreDetailThanTheCap_KeepsTheCapPerKindAndCountsTheRest()
    {
        var assessment = WithRuntime(Runtime(contradictions: 35, unusedRules: FlowRowMapper.MaxRowsPerKind + 12));

        var rows = AssessmentRowMapper.Map(SampleAssessments.Scan(), assessment).Flows;

        var ns = Assert.Single(rows, r => r.Kind == FlowRowKinds.Namespace);
        Assert.Equal(FlowRowMapper.MaxRowsPerKind, rows.Count(r => r.Kind == FlowRowKinds.UnusedRule));
        Assert.Equal(RuntimeProof.MaxListed, rows.Count(r => r.Kind == FlowRowKinds.Contradiction));
        Assert.Equal(35, ns.StaticRuntimeDisagreement);
        Assert.Equal(FlowRowMapper.MaxRowsPerKind + 12, ns.UnusedRuleCount);
        Assert.Equal(12 + (35 - RuntimeProof.MaxListed), ns.RowsOmitted);
    }

    [Fact]
    public void Map_SameScanTwice_SameRowIds_AnotherScan_OtherIds()
    {
        var assessment = WithRuntime(Runtime());

        var first = AssessmentRowMapper.Map(SampleAssessments.Scan("scan-1"), assessment).Flows.Select(r => r.RowId).ToList();
        var again = AssessmentRowMapper.Map(SampleAssessments.Scan("scan-1"), assessment).Flows.Select(r => r.RowId).ToList();
        var other = AssessmentRowMapper.Map(SampleAssessments.Scan("scan-2"), assessment).Flows.Select(r => r.RowId).ToList();

        Assert.Equal(first, again);
        Assert.Empty(first.Intersect(other));
    }

    [Fact]
    public void Serialize_FlowRows_GoToTheFlowsStream_WithSchemaColumnsOnly()
    {
        var rows = AssessmentRowMapper.Map(SampleAssessments.Scan(), WithRuntime(Runtime()));

        var flows = Assert.Single(RowSerializer.Serialize(rows), t => t.Table == LogAnalyticsSchema.Flows);

        Assert.Equal("Custom-NetPolFlows_CL", new LogAnalyticsStreamNames().For(flows.Table));
        Assert.Equal(rows.Flows.Count, flows.Rows.Count);
        Assert.Equal(1 + rows.Namespaces.Count + rows.Findings.Count + rows.Flows.Count, rows.Count);
        var columns = LogAnalyticsSchema.Flows.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var row in flows.Rows)
        {
            using var document = JsonDocument.Parse(row);
            Assert.All(document.RootElement.EnumerateObject(), p => Assert.Contains(p.Name, columns));
            Assert.False(document.RootElement.TryGetProperty("Decision", out var decision) && decision.ValueKind == JsonValueKind.Null);
        }
    }
}
