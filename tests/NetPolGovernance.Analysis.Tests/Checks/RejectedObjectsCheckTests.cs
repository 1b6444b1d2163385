using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Checks;

/// <summary>
/// NPG-N11 and NPG-C06 on live data: an object the API server would reject (a live cluster can hold one that a newer
/// version refuses) is reported, and a rejected policy protects nothing (docs/semantics.md §14).
/// </summary>
public sealed class RejectedObjectsCheckTests
{
    private static ClusterSnapshot Live(params NetworkPolicy[] policies) =>
        Snapshot([Ns("app")], [Pod("app", "web-1", "app=web")], policies) with
        {
            Source = SnapshotSource.KubernetesApi,
            NetworkProfile = Profile(),
            EngineEvidence = Evidence(Ready("cilium")),
        };

    private static NetworkPolicy DenyAll(string? cidr = null) =>
        Policy("app", "deny-all", Sel(), ["Ingress", "Egress"], egress: cidr is null ? null : [Rule([IpPeer(cidr)])]);

    [Fact]
    public void N11_ValidPolicy_Passes_AndCountsAsProtection()
    {
        var ns = AnalyzeNamespace(Live(DenyAll("10.0.0.0/8")));

        Assert.Equal(CheckResult.Pass, FindingOf(ns, "NPG-N11").Result);
        Assert.Equal(CheckResult.Pass, FindingOf(ns, "NPG-N01").Result);
        Assert.Equal(CheckResult.Pass, FindingOf(ns, "NPG-N02").Result);
        Assert.True(ns.HasPolicy);
    }

    [Fact]
    public void N11_RejectedPolicy_Fails_NamesFieldAndRule_AndIsNotCountedAsProtection()
    {
        var ns = AnalyzeNamespace(Live(DenyAll("10.0.0.0/33")));

        var finding = FindingOf(ns, "NPG-N11");
        Assert.Equal(CheckResult.Fail, finding.Result);
        Assert.Equal(Severity.High, finding.Severity);
        Assert.True(finding.InProfile);
        Assert.Contains("NetworkPolicy app/deny-all", finding.Message, StringComparison.Ordinal);
        Assert.Contains("spec.egress[0].to[0].ipBlock.cidr", finding.Message, StringComparison.Ordinal);
        Assert.Equal(["networkpolicies/deny-all"], finding.Evidence["objects"]);
        Assert.Equal(["cidr-valid"], finding.Evidence["rules"]);
        Assert.Equal(CheckResult.Fail, FindingOf(ns, "NPG-N01").Result);
        Assert.Equal(CheckResult.Fail, FindingOf(ns, "NPG-N02").Result);
        Assert.False(ns.HasPolicy);
        Assert.Equal(NamespaceStatus.NonCompliant, ns.Status);
    }

    [Fact]
    public void N11_RejectedPolicyAlone_StillGivesItsNamespaceARow()
    {
        var snapshot = Live(DenyAll("10.0.0.0/33") with { Namespace = "orphan" }) with { Namespaces = [Ns("app")] };

        var ns = AnalyzeNamespace(snapshot, "orphan");

        Assert.Equal(CheckResult.Fail, FindingOf(ns, "NPG-N11").Result);
    }

    [Fact]
    public void C06_RejectedAdminPolicy_Fails_AndIsNotCounted()
    {
        AdminPolicy Anp(int priority) => new()
        {
            Kind = "AdminNetworkPolicy",
            ApiVersion = "policy.networking.k8s.io/v1alpha1",
            Name = "deny-app",
            Priority = priority,
            SubjectNamespaces = Sel(),
            IngressRuleCount = 1,
            Ingress = [new AdminPolicyRule { Action = "Deny", Peers = [new AdminPolicyPeer { Fields = ["namespaces"], Namespaces = Sel() }] }],
        };

        // No engine profile: CRD kinds count as if enforced, so only validation decides whether the ANP covers.
        var live = Live() with { NetworkProfile = null, EngineEvidence = null };
        var valid = SnapshotAnalyzer.Analyze(live with { AdminPolicies = [Anp(10)] }, Options());
        var rejected = SnapshotAnalyzer.Analyze(live with { AdminPolicies = [Anp(2000)] }, Options());

        Assert.Equal(CheckResult.Pass, FindingOf(valid, "NPG-C06").Result);
        var finding = FindingOf(rejected, "NPG-C06");
        Assert.Equal(CheckResult.Fail, finding.Result);
        Assert.Equal(["adminnetworkpolicies/deny-app"], finding.Evidence["objects"]);
        Assert.Contains("priority-range", finding.Message, StringComparison.Ordinal);
        Assert.Equal(["web-1"], valid.Namespaces.Single().IngressCoveredPods);
        Assert.Empty(rejected.Namespaces.Single().IngressCoveredPods);
    }
}
