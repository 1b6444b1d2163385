using System.Text.Json;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Connectors.LogAnalytics;
using NetPolGovernance.Testing.LogAnalytics;

namespace NetPolGovernance.Integration.Tests.LogAnalytics;

public sealed class AssessmentRowMapperTests
{
    [Fact]
    public void Map_ClusterWithFailingNamespaces_OneRowPerClusterNamespaceAndFailingFinding()
    {
        var assessment = SampleAssessments.Cluster("aks-a", namespaces: 4, findingsPerFailingNamespace: 3);

        var rows = AssessmentRowMapper.Map(SampleAssessments.Scan(), assessment);

        Assert.Equal(4, rows.Namespaces.Count);
        Assert.Equal(2 * 3, rows.Findings.Count); // 2 failing namespaces × 3; the passing cluster finding is not a row
        Assert.Equal(2, rows.ClusterScan.CompliantNamespaceCount);
        Assert.Equal("baseline", rows.ClusterScan.Profile);
        Assert.Equal(["NPG-N01", "NPG-N02", "NPG-N03"], rows.Namespaces[1].FailingChecks);
        Assert.Empty(rows.Namespaces[0].FailingChecks);
    }

    [Fact]
    public void Map_Owners_AreOnEveryRow_NamespaceFindingsTakeTheNamespaceOwner_ClusterFindingsTheCluster()
    {
        var assessment = SampleAssessments.Cluster("aks-a", namespaces: 2, findingsPerFailingNamespace: 1);
        var failing = assessment.Namespaces[1] with { Owner = "team-pay", OwnerSource = "managed-namespace-tag:owner" };
        var clusterFinding = assessment.ClusterFindings[0] with { Result = CheckResult.Fail };
        assessment = assessment with { Owner = "cluster-team", Namespaces = [assessment.Namespaces[0], failing], ClusterFindings = [clusterFinding] };

        var rows = AssessmentRowMapper.Map(SampleAssessments.Scan(), assessment);

        Assert.Equal("cluster-team", rows.ClusterScan.Owner);
        Assert.Equal(("team-pay", "managed-namespace-tag:owner"), (rows.Namespaces[1].Owner, rows.Namespaces[1].OwnerSource));
        Assert.Equal("cluster-team", Assert.Single(rows.Findings, f => f.Namespace is null).Owner);
        Assert.All(rows.Findings.Where(f => f.Namespace == failing.Name), f => Assert.Equal("team-pay", f.Owner));
    }

    [Fact]
    public void Map_SameScanTwice_SameRowIds()
    {
        var assessment = SampleAssessments.Cluster("aks-a", namespaces: 3);

        var first = AssessmentRowMapper.Map(SampleAssessments.Scan(), assessment);
        var second = AssessmentRowMapper.Map(SampleAssessments.Scan(), assessment);

        Assert.Equal(AllIds(first), AllIds(second));
    }

    [Fact]
    public void Map_AnotherScanOfSameCluster_DifferentRowIds()
    {
        var assessment = SampleAssessments.Cluster("aks-a", namespaces: 3);

        var first = AssessmentRowMapper.Map(SampleAssessments.Scan("scan-1"), assessment);
        var second = AssessmentRowMapper.Map(SampleAssessments.Scan("scan-2"), assessment);

        Assert.Empty(AllIds(first).Intersect(AllIds(second)));
    }

    [Fact]
    public void Map_SameCheckTwiceInOneNamespace_DistinctDeterministicIds()
    {
        var assessment = SampleAssessments.Cluster("aks-a", namespaces: 2, findingsPerFailingNamespace: 1);
        var failing = assessment.Namespaces[1];
        var twice = failing with { Findings = [failing.Findings[0], failing.Findings[0] with { Message = "second policy" }] };
        assessment = assessment with { Namespaces = [assessment.Namespaces[0], twice] };

        var rows = AssessmentRowMapper.Map(SampleAssessments.Scan(), assessment);

        Assert.Equal(2, rows.Findings.Select(f => f.RowId).Distinct().Count());
    }

    [Fact]
    public void Map_ExemptAndUnknownFindings_BecomeRowsWithExemptionColumns()
    {
        var expires = new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.FromHours(2));
        var assessment = SampleAssessments.Cluster("aks-a", namespaces: 1) with
        {
            ClusterFindings =
            [
                new Finding { CheckId = "NPG-C01", Title = "t", Severity = Severity.Critical, Result = CheckResult.Exempt, Message = "m", ExemptionReason = "migration", ExemptionOwner = "ops", ExemptionExpiresOn = expires },
                new Finding { CheckId = "NPG-C02", Title = "t", Severity = Severity.High, Result = CheckResult.Unknown, Message = "m" },
                new Finding { CheckId = "NPG-C04", Title = "t", Severity = Severity.High, Result = CheckResult.NotApplicable, Message = "m" },
            ],
        };

        var rows = AssessmentRowMapper.Map(SampleAssessments.Scan(), assessment);

        Assert.Equal(["NPG-C01", "NPG-C02"], rows.Findings.Select(f => f.CheckId));
        Assert.Equal(expires.ToUniversalTime(), rows.Findings[0].ExemptionExpiresOn);
        Assert.Equal(TimeSpan.Zero, rows.Findings[0].ExemptionExpiresOn!.Value.Offset);
        Assert.Null(rows.Findings[0].Namespace);
    }

    [Fact]
    public void Map_UnknownCluster_CarriesReasonAsError()
    {
        var rows = AssessmentRowMapper.Map(SampleAssessments.Scan(), SampleAssessments.Unknown("aks-down", "403 Forbidden listing namespaces"));

        Assert.Equal(("Unknown", "403 Forbidden listing namespaces"), (rows.ClusterScan.Status, rows.ClusterScan.Error));
        Assert.Single(rows.Findings);
    }

    [Fact]
    public void Serialize_EveryRow_UsesSchemaColumnNamesAndJsonKinds()
    {
        var rows = AssessmentRowMapper.Map(SampleAssessments.Scan(), SampleAssessments.Cluster("aks-a", namespaces: 2));

        foreach (var table in RowSerializer.Serialize(rows))
        {
            var columns = table.Table.Columns.ToDictionary(c => c.Name, c => c.Type);
            foreach (var row in table.Rows)
            {
                using var document = JsonDocument.Parse(row);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    Assert.True(columns.TryGetValue(property.Name, out var type), $"{table.Table.Name} has no column {property.Name}");
                    Assert.True(KindFits(type, property.Value), $"{table.Table.Name}.{property.Name} ({type}) got {property.Value.ValueKind}");
                }
            }
        }
    }

    [Fact]
    public void Serialize_ClusterScanRow_WritesUtcIsoTimeAndOmitsNulls()
    {
        var rows = AssessmentRowMapper.Map(SampleAssessments.Scan(), SampleAssessments.Cluster("aks-a", namespaces: 1));

        using var document = JsonDocument.Parse(RowSerializer.Serialize(rows.ClusterScan));

        Assert.Equal("2026-11-26T06:00:00+00:00", document.RootElement.GetProperty("TimeGenerated").GetString());
        Assert.False(document.RootElement.TryGetProperty("Error", out _));
        Assert.Equal("cilium", document.RootElement.GetProperty("EngineEvidence").GetProperty("DaemonSets")[0].GetProperty("Engine").GetString());
    }

    private static bool KindFits(LogAnalyticsColumnType type, JsonElement value) => type switch
    {
        LogAnalyticsColumnType.String => value.ValueKind is JsonValueKind.String,
        LogAnalyticsColumnType.Int => value.ValueKind is JsonValueKind.Number && value.TryGetInt32(out _),
        LogAnalyticsColumnType.Long => value.ValueKind is JsonValueKind.Number && value.TryGetInt64(out _),
        LogAnalyticsColumnType.Real => value.ValueKind is JsonValueKind.Number,
        LogAnalyticsColumnType.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        LogAnalyticsColumnType.DateTime => value.ValueKind is JsonValueKind.String && value.TryGetDateTimeOffset(out _),
        LogAnalyticsColumnType.Dynamic => value.ValueKind is JsonValueKind.Object or JsonValueKind.Array,
        _ => false,
    };

    private static string[] AllIds(AssessmentRows rows) =>
        [rows.ClusterScan.RowId, .. rows.Namespaces.Select(n => n.RowId), .. rows.Findings.Select(f => f.RowId)];
}
