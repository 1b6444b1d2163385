using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Remediation;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Remediation;

/// <summary>
/// One row per entry of the AKS platform-dependency catalog (docs/platform-dependencies.md): a policy set that breaks
/// the dependency, the finding the lint must give, and the same set with the allow the entry asks for, which must not
/// give it. Each row names the source of its fact, as the docs section does.
/// </summary>
public sealed class PlatformDependencyTests
{
    private static readonly PodInfo s_coreDns = Pod("kube-system", "coredns-1", "k8s-app=kube-dns");

    private static readonly NetworkPolicy s_denyAll = Policy("app", "deny", Sel(), ["Ingress", "Egress"]);

    private static readonly NetworkPolicy s_dns = Policy("app", "dns", Sel(), ["Egress"], egress:
        [Rule([NsPeer(Sel("kubernetes.io/metadata.name=kube-system"), Sel("k8s-app=kube-dns"))], Port(53, "UDP"), Port(53, "TCP"))]);

    public static TheoryData<string, string, string, Func<bool, ClusterSnapshot>, PlatformFindingLevel> Entries => new()
    {
        {
            "dns", "app", "Learn: DNS resolution in AKS (dns-concepts); kubernetes/website#54997; reference G1",
            fixedSet => App([Pod("app", "web", "app=web"), s_coreDns], fixedSet ? [s_denyAll, s_dns] : [s_denyAll]),
            PlatformFindingLevel.Error
        },
        {
            "localdns", "app", "Learn: Configure LocalDNS in AKS (localdns-custom), verify section: 169.254.10.10 / 169.254.10.11",
            fixedSet => App([Pod("app", "web", "app=web"), s_coreDns], fixedSet ? [s_denyAll, s_dns, EgressTo("localdns", "169.254.10.10/32", 53, "UDP"), EgressTo("localdns2", "169.254.10.11/32", 53, "UDP")] : [s_denyAll, s_dns]),
            PlatformFindingLevel.Warning
        },
        {
            "api-server", "app", "Learn: outbound network rules for AKS (outbound-rules-control-egress); cilium PR #32464; reference G5",
            fixedSet => App([Pod("app", "web", "app=web"), s_coreDns], fixedSet ? [s_denyAll, s_dns, EgressTo("api", "0.0.0.0/0", 443, "TCP")] : [s_denyAll, s_dns]),
            PlatformFindingLevel.Warning
        },
        {
            "webhooks", "app", "tigera/operator PR #5212 (AKS webhooks through konnectivity-agent); cilium PR #32464 (fromEntities kube-apiserver); reference G4, G5",
            fixedSet => App([Pod("app", "hook", "app=hook"), s_coreDns]) with
            {
                CiliumPolicies = [new CiliumPolicy
                {
                    Kind = "CiliumNetworkPolicy",
                    Namespace = "app",
                    Name = "from-apiserver",
                    Rules = [new CiliumRule { EndpointSelector = Sel(), IngressCount = 1, Ingress = [new CiliumPeerRule { Entities = [fixedSet ? "cluster" : "kube-apiserver"] }] }],
                }],
            },
            PlatformFindingLevel.Error
        },
        {
            "imds", "app", "MicrosoftDocs/azure-docs#63362 and Azure/AKS#3170 (NPM cannot block IMDS); Azure/AKS#4037 (podLinkLocalAccess); reference G3",
            fixedSet => App([Pod("app", "web", "app=web"), s_coreDns], s_denyAll, s_dns) with { NetworkProfile = Profile(policy: fixedSet ? "cilium" : "azure", dataplane: fixedSet ? "cilium" : null) },
            PlatformFindingLevel.Warning
        },
        {
            "metrics-server", "kube-system", "Learn: AKS outbound rules (metrics-server, kubelet 10250); reference G13",
            fixedSet => Snapshot([Ns("kube-system")], [Pod("kube-system", "metrics-server-1", "k8s-app=metrics-server"), s_coreDns],
                fixedSet ? [Policy("kube-system", "deny-other", Sel("app=other"), ["Ingress", "Egress"])] : [Policy("kube-system", "deny", Sel(), ["Ingress", "Egress"])]),
            PlatformFindingLevel.Warning
        },
        {
            "azure-monitor", "kube-system", "Learn: AKS outbound rules (Azure Monitor endpoints); Container insights agent ama-logs; reference G13",
            fixedSet => Snapshot([Ns("kube-system")], [Pod("kube-system", "ama-logs-x2k8p", "rsName=ama-logs-rs"), s_coreDns],
                fixedSet ? [Policy("kube-system", "deny-in", Sel("rsName=ama-logs-rs"), ["Ingress"])] : [Policy("kube-system", "deny-out", Sel("rsName=ama-logs-rs"), ["Egress"])]),
            PlatformFindingLevel.Warning
        },
        {
            "workload-identity", "app", "Learn: Microsoft Entra Workload ID on AKS (workload-identity-overview): pod label azure.workload.identity/use, token exchange with Entra ID",
            fixedSet => App([Pod("app", "web", "azure.workload.identity/use=true"), s_coreDns], fixedSet ? [s_denyAll, s_dns, EgressTo("entra", "0.0.0.0/0", 443, "TCP")] : [s_denyAll, s_dns]),
            PlatformFindingLevel.Error
        },
        {
            "add-on-namespaces", "gatekeeper-system", "Learn: Azure Policy add-on for AKS (gatekeeper-system); reference G13 (platform-owned namespaces)",
            fixedSet => Snapshot([Ns("gatekeeper-system")], [Pod("gatekeeper-system", "gatekeeper-audit", "app=gatekeeper"), s_coreDns],
                fixedSet ? [] : [Policy("gatekeeper-system", "deny-in", Sel(), ["Ingress"])]),
            PlatformFindingLevel.Warning
        },
    };

    [Theory]
    [MemberData(nameof(Entries))]
    public void Lint_EachCatalogEntry_FindsTheBreakAndNotTheFix(string id, string ns, string source, Func<bool, ClusterSnapshot> scenario, PlatformFindingLevel level)
    {
        Assert.False(string.IsNullOrWhiteSpace(source));
        var entry = Assert.Single(PlatformDependencies.All, d => d.Id == id);

        var broken = PlatformLint.Check(scenario(false), [ns]);
        var fixedSet = PlatformLint.Check(scenario(true), [ns]);

        var finding = Assert.Single(broken, f => f.Dependency == entry && f.Level == level);
        Assert.Equal(ns, finding.Namespace);
        Assert.Contains($"docs/platform-dependencies.md#{entry.Anchor}", finding.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(fixedSet, f => f.Dependency == entry && f.Level == level);
    }

    [Fact]
    public void Catalog_HasARowAboveForEveryEntry()
    {
        var tested = Entries.Select(row => row.Data.Item1).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(PlatformDependencies.All.Select(d => d.Id).Order(StringComparer.Ordinal), tested.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Lint_NamespaceWithoutPolicies_FindsNothing()
    {
        var snapshot = App([Pod("app", "web", "app=web", "azure.workload.identity/use=true"), s_coreDns]);

        Assert.Empty(PlatformLint.Check(snapshot, ["app"]));
    }

    [Fact]
    public void Plan_Baseline_KeepsDnsAndWarnsWhatToCheckForTheApiServer()
    {
        var snapshot = App([Pod("app", "web", "app=web"), s_coreDns]);

        var plan = RemediationPlanner.Plan(snapshot, ["app"], RemediationProfile.Baseline);

        var ns = Assert.Single(plan.Namespaces);
        Assert.DoesNotContain(ns.Platform, f => f.Dependency == PlatformDependencies.Dns);
        Assert.Contains(ns.Platform, f => f.Dependency == PlatformDependencies.ApiServer && f.Level == PlatformFindingLevel.Warning);
    }

    private static NetworkPolicy EgressTo(string name, string cidr, int port, string protocol) =>
        Policy("app", name, Sel(), ["Egress"], egress: [Rule([IpPeer(cidr)], Port(port, protocol))]);
}
