using System.Text;
using System.Text.Json;
using NetPolGovernance.Analysis;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.LogAnalytics;
using NetPolGovernance.Testing.LogAnalytics;

namespace NetPolGovernance.Integration.Tests.LogAnalytics;

/// <summary>Every field a row sends stays under the 64 KB Logs Ingestion field limit, and says what it left out.</summary>
public sealed class FieldLimitsTests
{
    [Fact]
    public void Rows_NamespaceWith2000UncoveredPods_EveryFieldIsValidJsonUnder64KbWithTheOmittedCount()
    {
        // Arrange: a real analysis of a namespace with 2,000 pods (long names) and no policy.
        var pods = Enumerable.Range(0, 2000)
            .Select(i => new PodInfo { Namespace = "batch", Name = $"ingest-worker-{i:D5}-7d9f8c6b5-{i * 7919 % 100000:D5}", Labels = new Dictionary<string, string> { ["app"] = "ingest" } })
            .ToList();
        var snapshot = new ClusterSnapshot
        {
            Cluster = new ClusterIdentity { Name = "aks-big", SubscriptionId = "00000000-0000-0000-0000-000000000001" },
            Source = SnapshotSource.KubernetesApi,
            Namespaces = [new NamespaceInfo { Name = "batch" }],
            Pods = pods,
            NetworkProfile = new ClusterNetworkProfile { NetworkPlugin = "azure", NetworkPolicy = "cilium", NetworkDataplane = "cilium", NodePoolOsTypes = ["Linux"] },
            EngineEvidence = new EngineEvidence { DaemonSets = [new EngineDaemonSet("cilium", "kube-system", "cilium", 3, 3)] },
        };
        var assessment = SnapshotAnalyzer.Analyze(snapshot, new AnalysisOptions { Now = DateTimeOffset.UnixEpoch, Profile = ComplianceProfile.Strict }, AccessPath.Kubeconfig);

        // Act
        var rows = AssessmentRowMapper.Map(SampleAssessments.Scan(), assessment);

        // Assert
        var uncovered = Assert.Single(rows.Findings, f => f.CheckId == "NPG-N04");
        Assert.Equal(FieldLimits.MaxListItems, uncovered.Evidence!["uncoveredPods"].Count);
        Assert.Equal([(2000 - FieldLimits.MaxListItems).ToString(System.Globalization.CultureInfo.InvariantCulture)], uncovered.Evidence["uncoveredPods" + FieldLimits.OmittedSuffix]);
        foreach (var table in RowSerializer.Serialize(rows))
        {
            foreach (var row in table.Rows)
            {
                using var document = JsonDocument.Parse(row);
                foreach (var field in document.RootElement.EnumerateObject())
                {
                    var bytes = field.Value.ValueKind == JsonValueKind.String
                        ? Encoding.UTF8.GetByteCount(field.Value.GetString()!)
                        : Encoding.UTF8.GetByteCount(field.Value.GetRawText());
                    Assert.True(bytes < FieldLimits.ServiceFieldLimitBytes, $"{table.Table.Name}.{field.Name} is {bytes} bytes");
                }
            }
        }
    }

    [Fact]
    public void CapEvidence_ListOverTheByteBudget_KeepsWhatFitsAndCountsTheRest()
    {
        var big = Enumerable.Range(0, 300).Select(i => new string('x', 400) + i).ToList();

        var capped = FieldLimits.CapEvidence(new Dictionary<string, IReadOnlyList<string>> { ["pods"] = big, ["other"] = ["a"] })!;

        var kept = capped["pods"].Count;
        Assert.InRange(kept, 1, 299);
        Assert.Equal([(300 - kept).ToString(System.Globalization.CultureInfo.InvariantCulture)], capped["podsOmitted"]);
        Assert.Equal(["a"], capped["other"]);
        Assert.False(capped.ContainsKey("otherOmitted"));
        Assert.True(Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(capped)) < FieldLimits.ServiceFieldLimitBytes);
    }

    [Fact]
    public void CapText_LongMessage_IsCutAndSaysHowMuchWasLeftOut()
    {
        var text = new string('é', 70_000);

        var capped = FieldLimits.CapText(text)!;

        Assert.True(Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(capped)) < FieldLimits.ServiceFieldLimitBytes);
        Assert.EndsWith("characters left out)", capped, StringComparison.Ordinal);
        Assert.Equal("short", FieldLimits.CapText("short"));
    }
}
