using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Checks;

/// <summary>NPG-N12: an AKS managed namespace whose ARM default network policy is AllowAll, shown next to what the cluster holds.</summary>
public sealed class ManagedNamespaceCheckTests
{
    private static ClusterSnapshot Live(AksManagedNamespace? managed, params NetworkPolicy[] policies) =>
        Snapshot([Ns("app") with { AksManaged = managed }], [Pod("app", "web-1", "app=web")], policies) with
        {
            Source = SnapshotSource.KubernetesApi,
            NetworkProfile = Profile(),
            EngineEvidence = Evidence(Ready("cilium")),
        };

    private static AksManagedNamespace Managed(string ingress, string egress) => new()
    {
        Name = "app",
        DefaultIngress = ingress,
        DefaultEgress = egress,
        Tags = new Dictionary<string, string> { ["owner"] = "team-web" },
    };

    [Fact]
    public void N12_AllowAllEgress_FailsNamingTheDefaultAndWhatTheClusterHolds()
    {
        var deny = Policy("app", "deny-in", Sel(), ["Ingress"]);

        var finding = FindingOf(AnalyzeNamespace(Live(Managed("AllowSameNamespace", "AllowAll"), deny), options: Options(ComplianceProfile.Strict)), "NPG-N12");

        Assert.Equal(CheckResult.Fail, finding.Result);
        Assert.Contains("egress AllowAll", finding.Message, StringComparison.Ordinal);
        Assert.Contains("default-deny ingress in deny-in", finding.Message, StringComparison.Ordinal);
        Assert.Contains("no default-deny egress policy", finding.Message, StringComparison.Ordinal);
        Assert.Equal(["AllowSameNamespace"], finding.Evidence["defaultIngress"]);
        Assert.Equal(["AllowAll"], finding.Evidence["defaultEgress"]);
        Assert.Equal(["owner=team-web"], finding.Evidence["tags"]);
    }

    [Theory]
    [InlineData("DenyAll", "DenyAll")]
    [InlineData("AllowSameNamespace", "AllowSameNamespace")]
    [InlineData("DenyAll", "AllowSameNamespace")]
    public void N12_NoAllowAll_Passes(string ingress, string egress)
    {
        var finding = FindingOf(AnalyzeNamespace(Live(Managed(ingress, egress)), options: Options(ComplianceProfile.Strict)), "NPG-N12");

        Assert.Equal(CheckResult.Pass, finding.Result);
        Assert.Contains($"ingress {ingress}, egress {egress}", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void N12_NotAManagedNamespace_IsNotApplicable()
    {
        var finding = FindingOf(AnalyzeNamespace(Live(null), options: Options(ComplianceProfile.Strict)), "NPG-N12");

        Assert.Equal(CheckResult.NotApplicable, finding.Result);
    }
}
