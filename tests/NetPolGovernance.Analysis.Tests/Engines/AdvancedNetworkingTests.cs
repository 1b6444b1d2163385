using NetPolGovernance.Analysis.Model;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Engines;

/// <summary>ACNS (networkProfile.advancedNetworking) decides which Cilium policy features AKS enforces.</summary>
public sealed class AdvancedNetworkingTests
{
    private static readonly CiliumPolicy s_fqdn = new()
    {
        Kind = "CiliumNetworkPolicy",
        Namespace = "app",
        Name = "to-api",
        Rules = [new CiliumRule { EndpointSelector = Sel(), EgressCount = 1, UsesFqdnRules = true }],
    };

    private static readonly CiliumPolicy s_l7 = new()
    {
        Kind = "CiliumNetworkPolicy",
        Namespace = "app",
        Name = "http-get",
        Rules = [new CiliumRule { EndpointSelector = Sel(), IngressCount = 1, UsesL7Rules = true }],
    };

    private static ClusterSnapshot Cilium(AdvancedNetworking? acns) =>
        Snapshot([Ns("app")], [Pod("app", "web-1", "app=web")]) with
        {
            Source = SnapshotSource.KubernetesApi,
            NetworkProfile = Profile() with { AdvancedNetworking = acns },
            EngineEvidence = Evidence(Ready("cilium")),
            CiliumPolicies = [s_fqdn, s_l7],
        };

    [Fact]
    public void AcnsSecurityOff_FqdnAndL7Rules_AreNotedAsNotEnforced_AndTheEngineSaysSo()
    {
        var assessment = SnapshotAnalyzer.Analyze(Cilium(new AdvancedNetworking { Enabled = true, ObservabilityEnabled = true }), Options());

        Assert.Contains("ACNS security off", assessment.Engine.Basis, StringComparison.Ordinal);
        Assert.Contains(assessment.Notes, n => n.StartsWith("CiliumNetworkPolicy app/to-api has FQDN rules", StringComparison.Ordinal));
        Assert.Contains(assessment.Notes, n => n.StartsWith("CiliumNetworkPolicy app/http-get has L7 rules", StringComparison.Ordinal));
    }

    [Fact]
    public void AcnsSecurityFqdn_OnlyL7RulesAreNoted()
    {
        var acns = new AdvancedNetworking { Enabled = true, SecurityEnabled = true, AdvancedNetworkPolicies = "FQDN" };

        var assessment = SnapshotAnalyzer.Analyze(Cilium(acns), Options());

        Assert.Contains("FQDN policy enforced, L7 not", assessment.Engine.Basis, StringComparison.Ordinal);
        Assert.DoesNotContain(assessment.Notes, n => n.Contains("has FQDN rules", StringComparison.Ordinal));
        Assert.Contains(assessment.Notes, n => n.Contains("has L7 rules", StringComparison.Ordinal));
    }

    [Fact]
    public void AcnsSecurityL7_EnforcesBoth_NoNotes()
    {
        var acns = new AdvancedNetworking { Enabled = true, SecurityEnabled = true, AdvancedNetworkPolicies = "L7" };

        var assessment = SnapshotAnalyzer.Analyze(Cilium(acns), Options());

        Assert.Contains("L7 and FQDN policy enforced", assessment.Engine.Basis, StringComparison.Ordinal);
        Assert.DoesNotContain(assessment.Notes, n => n.Contains("rules, which AKS enforces only", StringComparison.Ordinal));
    }

    [Fact]
    public void NoAcnsReported_NothingIsClaimed()
    {
        var assessment = SnapshotAnalyzer.Analyze(Cilium(null), Options());

        Assert.DoesNotContain("ACNS", assessment.Engine.Basis, StringComparison.Ordinal);
        Assert.DoesNotContain(assessment.Notes, n => n.Contains("AKS enforces only", StringComparison.Ordinal));
    }
}
