using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Analysis.Remediation;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Remediation;

public sealed class RemediationPlannerTests
{
    private static readonly PodInfo s_dns = Pod("kube-system", "coredns-1", "k8s-app=kube-dns")
        .WithPorts(new ContainerPort("dns", 53, "UDP"), new ContainerPort("dns-tcp", 53, "TCP"));

    private static readonly PodInfo s_front = Pod("shop", "front", "app=front").WithPorts(new ContainerPort("http", 8080, "TCP"));
    private static readonly PodInfo s_cart = Pod("shop", "cart", "app=cart").WithPorts(new ContainerPort("grpc", 9000, "TCP"));
    private static readonly PodInfo s_monitor = Pod("ops", "prometheus", "app=prometheus");
    private static readonly PodInfo s_legacy = Pod("ops", "legacy", "app=legacy");

    private static ClusterSnapshot Shop(params NetworkPolicy[] policies) =>
        Snapshot([Ns("kube-system"), Ns("shop"), Ns("ops")], [s_dns, s_front, s_cart, s_monitor, s_legacy], policies);

    private static bool Allowed(ClusterSnapshot snapshot, PodInfo from, PodInfo to, TransportProtocol protocol, int port) =>
        new ReachabilityEngine(snapshot).Evaluate(new ReachabilityQuery(
            ReachabilityEndpoint.ForPod(from.Namespace, from.Name), ReachabilityEndpoint.ForPod(to.Namespace, to.Name), protocol, port)).Allowed;

    private static ClusterSnapshot Applied(ClusterSnapshot snapshot, RemediationPlan plan) =>
        snapshot with { NetworkPolicies = [.. snapshot.NetworkPolicies, .. plan.Namespaces.SelectMany(n => n.Policies)] };

    [Fact]
    public void Plan_Baseline_ProposesThreeLabelledPoliciesAndVerifies()
    {
        var plan = RemediationPlanner.Plan(Shop(), ["shop"], RemediationProfile.Baseline);

        var shop = Assert.Single(plan.Namespaces);
        Assert.True(shop.Verified, string.Join("; ", shop.Verification.Select(c => c.Detail)));
        Assert.Equal(["netpolgov-default-deny", "netpolgov-allow-dns", "netpolgov-allow-same-namespace"], shop.Policies.Select(p => p.Name));
        Assert.All(shop.Policies, p => Assert.Equal("netpolgov", p.Labels["app.kubernetes.io/managed-by"]));
        Assert.Equal(["names", "accepted", "dns", "same-namespace", "other-namespaces-cut", "never-widen"], shop.Verification.Select(c => c.Name));
        Assert.Equal("kubectl delete networkpolicy -n shop -l app.kubernetes.io/managed-by=netpolgov", shop.BackoutCommand);
    }

    [Fact]
    public void Plan_Baseline_AppliedKeepsDnsAndSameNamespaceAndCutsOthers()
    {
        var snapshot = Shop();

        var after = Applied(snapshot, RemediationPlanner.Plan(snapshot, ["shop"], RemediationProfile.Baseline));

        Assert.True(Allowed(after, s_front, s_dns, TransportProtocol.Udp, 53));
        Assert.True(Allowed(after, s_front, s_dns, TransportProtocol.Tcp, 53));
        Assert.True(Allowed(after, s_front, s_cart, TransportProtocol.Tcp, 9000));
        Assert.True(Allowed(after, s_cart, s_front, TransportProtocol.Tcp, 12345));
        Assert.False(Allowed(after, s_monitor, s_front, TransportProtocol.Tcp, 8080));
        Assert.False(Allowed(after, s_front, s_monitor, TransportProtocol.Tcp, 9090));
    }

    [Fact]
    public void Plan_Baseline_ImpactListsExactlyTheCutConnections()
    {
        var plan = RemediationPlanner.Plan(Shop(), ["shop"], RemediationProfile.Baseline);

        // Into shop: destinations declare ports, so one entry per declared port. Out of shop: ops pods declare no
        // ports, so the loss is "any port" (nothing else survives: DNS goes only to kube-dns). The kube-dns pod
        // loses what shop may no longer send it: every port but 53 UDP/TCP.
        Assert.Equal(
            [
                new LostConnection("kube-system/coredns-1", "shop/cart", "9000/TCP (grpc)"),
                new LostConnection("kube-system/coredns-1", "shop/front", "8080/TCP (http)"),
                new LostConnection("ops/legacy", "shop/cart", "9000/TCP (grpc)"),
                new LostConnection("ops/legacy", "shop/front", "8080/TCP (http)"),
                new LostConnection("ops/prometheus", "shop/cart", "9000/TCP (grpc)"),
                new LostConnection("ops/prometheus", "shop/front", "8080/TCP (http)"),
                new LostConnection("shop/cart", "ops/legacy", "any port"),
                new LostConnection("shop/cart", "ops/prometheus", "any port"),
                new LostConnection("shop/front", "ops/legacy", "any port"),
                new LostConnection("shop/front", "ops/prometheus", "any port"),
            ],
            plan.Impact);
        Assert.Equal(plan.Impact, Assert.Single(plan.Namespaces).Impact);
    }

    [Fact]
    public void Plan_ExistingAllowFromOps_ImpactOmitsConnectionsNotChanged()
    {
        var snapshot = Shop(Policy("shop", "allow-prometheus", Sel("app=front"), types: ["Ingress"], ingress:
            [Rule([NsPeer(Sel("kubernetes.io/metadata.name=ops"), Sel("app=prometheus"))], Port(8080))]));

        var plan = RemediationPlanner.Plan(snapshot, ["shop"], RemediationProfile.Baseline);

        // prometheus -> front stays admitted; legacy -> front was already denied (front is isolated today).
        Assert.DoesNotContain(new LostConnection("ops/prometheus", "shop/front", "8080/TCP (http)"), plan.Impact);
        Assert.DoesNotContain(new LostConnection("ops/legacy", "shop/front", "8080/TCP (http)"), plan.Impact);
        Assert.Contains(new LostConnection("ops/legacy", "shop/cart", "9000/TCP (grpc)"), plan.Impact);
    }

    [Fact]
    public void Plan_IngressProfile_DefaultDenyIngressOnlyAndEgressUntouched()
    {
        var snapshot = Shop();

        var plan = RemediationPlanner.Plan(snapshot, ["shop"], RemediationProfile.Ingress);
        var after = Applied(snapshot, plan);

        var shop = Assert.Single(plan.Namespaces);
        Assert.True(shop.Verified);
        Assert.Equal(["netpolgov-default-deny-ingress"], shop.Policies.Select(p => p.Name));
        Assert.True(Allowed(after, s_front, s_monitor, TransportProtocol.Tcp, 9090));
        Assert.False(Allowed(after, s_monitor, s_front, TransportProtocol.Tcp, 8080));
        Assert.DoesNotContain(plan.Impact, c => c.From.StartsWith("shop/", StringComparison.Ordinal) && c.To.StartsWith("ops/", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_Strict_AllowsOnlyDeclaredPortsWithinNamespace()
    {
        var snapshot = Shop();

        var plan = RemediationPlanner.Plan(snapshot, ["shop"], RemediationProfile.Strict);
        var after = Applied(snapshot, plan);

        Assert.True(Assert.Single(plan.Namespaces).Verified);
        Assert.True(Allowed(after, s_front, s_cart, TransportProtocol.Tcp, 9000));
        Assert.False(Allowed(after, s_front, s_cart, TransportProtocol.Tcp, 12345));
        Assert.True(Allowed(after, s_cart, s_dns, TransportProtocol.Udp, 53));
        Assert.False(Allowed(after, s_monitor, s_cart, TransportProtocol.Tcp, 9000));
    }

    [Fact]
    public void Plan_NameTakenByUnmanagedPolicy_NotVerifiedAndNoImpact()
    {
        var snapshot = Shop(Policy("shop", "netpolgov-default-deny", types: ["Ingress"], ingress: [Rule()]));

        var plan = RemediationPlanner.Plan(snapshot, ["shop"], RemediationProfile.Baseline);

        var shop = Assert.Single(plan.Namespaces);
        Assert.False(shop.Verified);
        Assert.Contains("netpolgov-default-deny", Assert.Single(shop.Verification, c => c.Name == "names" && !c.Passed).Detail, StringComparison.Ordinal);
        Assert.Empty(plan.Impact);
    }

    [Fact]
    public void Verify_PlannedObjectTheApiServerRejects_AcceptedCheckFails()
    {
        // Reachability leaves out objects the API server would refuse, so without this check a refused plan would
        // verify as harmless and then fail the apply.
        var refused = Policy("shop", "Netpolgov_Default_Deny", types: ["Ingress"]);

        var checks = PlanVerifier.Verify(Shop(), "shop", RemediationProfile.Baseline, [refused]);

        var accepted = Assert.Single(checks, c => c.Name == "accepted");
        Assert.False(accepted.Passed);
        Assert.Contains("Netpolgov_Default_Deny (metadata.name", accepted.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_NoDnsPodsInSnapshot_StillVerifiesDnsAgainstProbe()
    {
        var snapshot = Snapshot(pods: [s_front, s_cart]);

        var plan = RemediationPlanner.Plan(snapshot, ["shop"], RemediationProfile.Baseline);

        var dns = Assert.Single(Assert.Single(plan.Namespaces).Verification, c => c.Name == "dns");
        Assert.True(dns.Passed);
        Assert.Contains("1 DNS pod(s)", dns.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Baseline_YamlIsTheExpectedDocuments()
    {
        var plan = RemediationPlanner.Plan(Shop(), ["shop"], RemediationProfile.Baseline);

        var yaml = Assert.Single(plan.Namespaces).Yaml;

        Assert.Contains(
            """
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: netpolgov-allow-dns
              namespace: shop
              labels:
                app.kubernetes.io/managed-by: netpolgov
            spec:
              podSelector: {}
              policyTypes:
                - Egress
              egress:
                - to:
                    - namespaceSelector:
                        matchLabels:
                          kubernetes.io/metadata.name: kube-system
                      podSelector:
                        matchLabels:
                          k8s-app: kube-dns
                  ports:
                    - protocol: UDP
                      port: 53
                    - protocol: TCP
                      port: 53

            """.ReplaceLineEndings("\n"),
            yaml,
            StringComparison.Ordinal);
        Assert.Contains("# Backout: kubectl delete networkpolicy -n shop -l app.kubernetes.io/managed-by=netpolgov\n", yaml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("app.kubernetes.io/name", "app.kubernetes.io/name")]
    [InlineData("yes", "\"yes\"")]
    [InlineData("8080", "\"8080\"")]
    [InlineData("a: b", "\"a: b\"")]
    [InlineData("quote\"d", "\"quote\\\"d\"")]
    [InlineData("", "\"\"")]
    public void Scalar_AmbiguousValues_AreQuoted(string value, string expected)
    {
        Assert.Equal(expected, NetworkPolicyYaml.Scalar(value));
    }
}
