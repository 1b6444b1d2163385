using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Coverage;

/// <summary>Any-kind coverage: docs/semantics.md §9 and §10.</summary>
public sealed class AnyKindCoverageTests
{
    private static readonly PodInfo[] s_pods = [Pod("app", "web-1", "app=web"), Pod("app", "db-1", "app=db")];

    private static CiliumPolicy Cnp(string? ns, string name, LabelSelector? selector, int ingress = 1, int egress = 0, bool nodeSelector = false) => new()
    {
        Kind = ns is null ? "CiliumClusterwideNetworkPolicy" : "CiliumNetworkPolicy",
        Namespace = ns,
        Name = name,
        Rules = [new CiliumRule { EndpointSelector = selector, HasNodeSelector = nodeSelector, IngressCount = ingress, EgressCount = egress }],
    };

    private static CalicoPolicy Calico(string? ns, string name, string? selector, int ingress = 1, int egress = 0, string group = "projectcalico.org", string? kind = null) => new()
    {
        ApiGroup = group,
        Kind = kind ?? (ns is null ? "GlobalNetworkPolicy" : "NetworkPolicy"),
        Namespace = ns,
        Name = name,
        Selector = selector,
        IngressRuleCount = ingress,
        EgressRuleCount = egress,
    };

    [Fact]
    public void Cnp_KeysWithK8sAndAnyPrefixes_MatchPodLabels()
    {
        var cnp = Cnp("app", "web", new LabelSelector
        {
            MatchLabels = new Dictionary<string, string> { ["k8s:app"] = "web" },
            MatchExpressions = [new LabelSelectorRequirement("any:app", "In", ["web"])],
        });

        var ns = AnalyzeNamespace(App(s_pods) with { CiliumPolicies = [cnp] });

        Assert.Equal(["web-1"], ns.IngressCoveredPods);
        Assert.True(ns.HasAnyPolicy);
        Assert.False(ns.HasPolicy);
    }

    [Fact]
    public void Cnp_SelectsOnlyItsOwnNamespace_EvenWithNamespacePseudoLabelOfAnother()
    {
        var cnp = Cnp("other", "steal", Sel("k8s:io.kubernetes.pod.namespace=app"));
        var snapshot = Snapshot([Ns("app"), Ns("other")], s_pods) with { CiliumPolicies = [cnp] };

        var ns = AnalyzeNamespace(snapshot);

        Assert.Empty(ns.IngressCoveredPods);
        Assert.False(ns.HasAnyPolicy);
    }

    [Fact]
    public void Cnp_RuleWithoutIngressOrEgress_CoversNothing()
    {
        var ns = AnalyzeNamespace(App(s_pods) with { CiliumPolicies = [Cnp("app", "empty", Sel(), ingress: 0, egress: 0)] });

        Assert.Empty(ns.IngressCoveredPods);
        Assert.True(ns.HasAnyPolicy);
    }

    [Fact]
    public void Cnp_EgressDenyOnly_CoversEgress()
    {
        var cnp = new CiliumPolicy
        {
            Kind = "CiliumNetworkPolicy",
            Namespace = "app",
            Name = "deny-out",
            Rules = [new CiliumRule { EndpointSelector = Sel(), EgressDenyCount = 1 }],
        };

        var ns = AnalyzeNamespace(App(s_pods) with { CiliumPolicies = [cnp] });

        Assert.Equal(["db-1", "web-1"], ns.EgressCoveredPods);
        Assert.Empty(ns.IngressCoveredPods);
    }

    [Fact]
    public void Ccnp_WithNamespaceNotInKubeSystem_CoversOtherNamespacesButIsNotANamespacePolicy()
    {
        var ccnp = Cnp(null, "default-deny", Expr("k8s:io.kubernetes.pod.namespace", "NotIn", "kube-system"), ingress: 1, egress: 1);
        var snapshot = Snapshot([Ns("app"), Ns("kube-system")], [.. s_pods, Pod("kube-system", "coredns")]) with { CiliumPolicies = [ccnp] };

        var result = SnapshotAnalyzer.Analyze(snapshot, Options());
        var app = result.Namespaces.Single(n => n.Name == "app");

        Assert.Equal(["db-1", "web-1"], app.EgressCoveredPods);
        Assert.False(app.HasAnyPolicy);
        Assert.Empty(result.Namespaces.Single(n => n.Name == "kube-system").IngressCoveredPods);
        Assert.Equal(Assessment.CheckResult.Pass, FindingOf(app, "NPG-N01").Result);
    }

    [Fact]
    public void Ccnp_NamespaceLabelPseudoKey_MatchesNamespaceLabels()
    {
        var ccnp = Cnp(null, "team-a", Sel("io.cilium.k8s.namespace.labels.team=a"));
        var snapshot = Snapshot([Ns("app", "team=a"), Ns("b", "team=b")], [.. s_pods, Pod("b", "x")]) with { CiliumPolicies = [ccnp] };

        var result = SnapshotAnalyzer.Analyze(snapshot, Options());

        Assert.Equal(["db-1", "web-1"], result.Namespaces.Single(n => n.Name == "app").IngressCoveredPods);
        Assert.Empty(result.Namespaces.Single(n => n.Name == "b").IngressCoveredPods);
    }

    [Fact]
    public void Ccnp_NodeSelectorOnlyRule_SelectsNoPods()
    {
        var ccnp = Cnp(null, "host", selector: null, nodeSelector: true);

        Assert.Empty(AnalyzeNamespace(App(s_pods) with { CiliumPolicies = [ccnp] }).IngressCoveredPods);
    }

    [Fact]
    public void CalicoNetworkPolicy_SelectorExpression_CoversMatchingPodsOfItsNamespace()
    {
        var snapshot = Snapshot([Ns("app"), Ns("other")], [.. s_pods, Pod("other", "web-2", "app=web")]) with
        {
            CalicoPolicies = [Calico("app", "web", "app == 'web'")],
        };

        var result = SnapshotAnalyzer.Analyze(snapshot, Options());

        Assert.Equal(["web-1"], result.Namespaces.Single(n => n.Name == "app").IngressCoveredPods);
        Assert.Empty(result.Namespaces.Single(n => n.Name == "other").IngressCoveredPods);
    }

    [Fact]
    public void CalicoNetworkPolicy_ExplicitTypesAndBothRuleLists_Defaulting()
    {
        var both = Calico("app", "both", "", ingress: 1, egress: 1);
        var typed = Calico("app", "typed", "app == 'db'", ingress: 0, egress: 0) with { Types = ["Egress"] };

        var ns = AnalyzeNamespace(App(s_pods) with { CalicoPolicies = [both, typed] });

        Assert.Equal(["db-1", "web-1"], ns.IngressCoveredPods);
        Assert.Equal(["db-1", "web-1"], ns.EgressCoveredPods);
    }

    [Fact]
    public void GlobalNetworkPolicy_NamespaceSelector_LimitsNamespaces()
    {
        var gnp = Calico(null, "prod-only", "all()") with { NamespaceSelector = "env == 'prod'" };
        var snapshot = Snapshot([Ns("app", "env=prod"), Ns("dev", "env=dev")], [.. s_pods, Pod("dev", "x")]) with { CalicoPolicies = [gnp] };

        var result = SnapshotAnalyzer.Analyze(snapshot, Options());

        Assert.Equal(["db-1", "web-1"], result.Namespaces.Single(n => n.Name == "app").IngressCoveredPods);
        Assert.Empty(result.Namespaces.Single(n => n.Name == "dev").IngressCoveredPods);
        Assert.False(result.Namespaces.Single(n => n.Name == "app").HasAnyPolicy);
    }

    [Fact]
    public void GlobalNetworkPolicy_NamespaceNameLabel_Matches()
    {
        var gnp = Calico(null, "by-name", "all()") with { NamespaceSelector = "projectcalico.org/name == 'app'" };

        Assert.Equal(["db-1", "web-1"], AnalyzeNamespace(App(s_pods) with { CalicoPolicies = [gnp] }).IngressCoveredPods);
    }

    [Fact]
    public void Calico_StagedKinds_AreNotCounted()
    {
        var staged = Calico("app", "try", "all()", kind: "StagedNetworkPolicy");

        var ns = AnalyzeNamespace(App(s_pods) with { CalicoPolicies = [staged] });

        Assert.False(ns.HasAnyPolicy);
        Assert.Empty(ns.IngressCoveredPods);
    }

    [Fact]
    public void Calico_KnpDefaultCopies_AreNeverCounted()
    {
        var copy = Calico("app", "knp.default.deny", "all()", group: "crd.projectcalico.org");

        var ns = AnalyzeNamespace(App(s_pods) with { CalicoPolicies = [copy] });

        Assert.False(ns.HasAnyPolicy);
        Assert.Empty(ns.PolicyNames);
    }

    [Fact]
    public void Calico_SamePolicyInBothApiGroups_CountedOnceWithTierPrefixStripped()
    {
        var v3 = Calico("app", "allow-web", "app == 'web'");
        var crd = Calico("app", "default.allow-web", "app == 'web'", group: "crd.projectcalico.org");

        var ns = AnalyzeNamespace(App(s_pods) with { CalicoPolicies = [crd, v3] });

        Assert.Equal(["CalicoNetworkPolicy/allow-web"], ns.PolicyNames);
        Assert.True(ns.HasAnyPolicy);
    }

    [Fact]
    public void Calico_InvalidSelector_SelectsNothingAndIsNoted()
    {
        // Through crd.projectcalico.org the Calico API server, which would refuse it, is bypassed.
        var snapshot = App(s_pods) with { CalicoPolicies = [Calico("app", "broken", "app == ", group: "crd.projectcalico.org")] };

        var result = SnapshotAnalyzer.Analyze(snapshot, Options());

        Assert.Empty(result.Namespaces.Single().IngressCoveredPods);
        Assert.Contains(result.Notes, n => n.Contains("broken", StringComparison.Ordinal) && n.Contains("invalid selector", StringComparison.Ordinal));
    }

    [Fact]
    public void Calico_InvalidSelectorThroughItsApiServer_IsRejected()
    {
        var snapshot = App(s_pods) with { CalicoPolicies = [Calico("app", "broken", "app == ")] };

        var ns = SnapshotAnalyzer.Analyze(snapshot, Options()).Namespaces.Single();

        Assert.Empty(ns.IngressCoveredPods);
        Assert.Equal(CheckResult.Fail, FindingOf(ns, "NPG-N11").Result);
    }

    [Fact]
    public void AdminNetworkPolicy_PodsSubject_BothSelectorsMustMatch()
    {
        var anp = new AdminPolicy
        {
            Kind = "AdminNetworkPolicy",
            ApiVersion = "policy.networking.k8s.io/v1alpha1",
            Name = "db-lockdown",
            Priority = 10,
            SubjectIsPods = true,
            SubjectPodsNamespaceSelector = Sel("kubernetes.io/metadata.name=app"),
            SubjectPodsPodSelector = Sel("app=db"),
            EgressRuleCount = 1,
        };

        var ns = AnalyzeNamespace(App(s_pods) with { AdminPolicies = [anp] });

        Assert.Equal(["db-1"], ns.EgressCoveredPods);
        Assert.Empty(ns.IngressCoveredPods);
        Assert.False(ns.HasAnyPolicy);
    }

    [Fact]
    public void BaselineAdminNetworkPolicy_NamespacesSubject_CoversEveryPod()
    {
        var banp = new AdminPolicy
        {
            Kind = "BaselineAdminNetworkPolicy",
            ApiVersion = "policy.networking.k8s.io/v1alpha1",
            Name = "default",
            SubjectNamespaces = Sel(),
            IngressRuleCount = 1,
        };

        Assert.Equal(["db-1", "web-1"], AnalyzeNamespace(App(s_pods) with { AdminPolicies = [banp] }).IngressCoveredPods);
    }

    [Fact]
    public void AdminNetworkPolicy_UnknownApiVersion_NotCountedAndNoted()
    {
        var anp = new AdminPolicy { Kind = "AdminNetworkPolicy", ApiVersion = "policy.networking.k8s.io/v9", Name = "future", SubjectNamespaces = Sel(), IngressRuleCount = 1 };

        var result = SnapshotAnalyzer.Analyze(App(s_pods) with { AdminPolicies = [anp] }, Options());

        Assert.Empty(result.Namespaces.Single().IngressCoveredPods);
        Assert.Contains(result.Notes, n => n.Contains("future", StringComparison.Ordinal));
    }

    [Fact]
    public void Cnp_OnAzureNpmCluster_NotCountedAndN01Fails()
    {
        var snapshot = App(s_pods) with
        {
            CiliumPolicies = [Cnp("app", "deny", Sel(), ingress: 1, egress: 1)],
            NetworkProfile = Profile(plugin: "azure", policy: "azure", dataplane: "azure"),
            EngineEvidence = Evidence(Ready("azure-npm")),
        };

        var ns = AnalyzeNamespace(snapshot);

        Assert.False(ns.HasAnyPolicy);
        Assert.Empty(ns.IngressCoveredPods);
        Assert.Equal(Assessment.CheckResult.Fail, FindingOf(ns, "NPG-N01").Result);
        Assert.Equal(["CiliumNetworkPolicy/deny"], FindingOf(ns, "NPG-N01").Evidence["notEnforcedPolicies"]);
    }

    [Fact]
    public void Cnp_OnCiliumCluster_Counted()
    {
        var snapshot = App(s_pods) with
        {
            CiliumPolicies = [Cnp("app", "deny", Sel(), ingress: 1, egress: 1)],
            NetworkProfile = Profile(),
            EngineEvidence = Evidence(Ready("cilium")),
        };

        var ns = AnalyzeNamespace(snapshot);

        Assert.True(ns.HasAnyPolicy);
        Assert.Equal(["db-1", "web-1"], ns.IngressCoveredPods);
        Assert.Equal(Assessment.CheckResult.Pass, FindingOf(ns, "NPG-N01").Result);
    }

    [Fact]
    public void InvisibleCountedKind_N01WouldFail_IsUnknownInstead()
    {
        var snapshot = App(s_pods) with
        {
            NetworkProfile = Profile(),
            InvisibleKinds = [new InvisibleKind("cilium.io", "CiliumNetworkPolicy", "forbidden")],
        };

        var ns = AnalyzeNamespace(snapshot);

        Assert.Equal(Assessment.CheckResult.Unknown, FindingOf(ns, "NPG-N01").Result);
        Assert.Equal(Assessment.NamespaceStatus.Unknown, ns.Status);
    }
}
