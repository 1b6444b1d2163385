using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Remediation;
using NetPolGovernance.Connectors.Manifests;

namespace NetPolGovernance.Integration.Tests.Remediation;

public sealed class RemediationYamlRoundTripTests
{
    [Theory]
    [InlineData(RemediationProfile.Baseline)]
    [InlineData(RemediationProfile.Ingress)]
    [InlineData(RemediationProfile.Strict)]
    public async Task Write_ProfilePolicies_ReadBackByManifestLoaderUnchanged(RemediationProfile profile)
    {
        var pods = new[] { new PodInfo { Namespace = "shop", Name = "web", ContainerPorts = [new ContainerPort("http", 8080, "TCP"), new ContainerPort("dns", 53, "UDP")] } };
        var policies = PolicyTemplates.For(profile, "shop", pods);
        using var directory = new TempDirectory();
        var file = directory.Write("shop.yaml", NetworkPolicyYaml.Write(policies, ["header: with a colon"]));

        var loaded = await ManifestLoader.LoadAsync([file], new ClusterIdentity { Name = "roundtrip" }, TestContext.Current.CancellationToken);

        var read = loaded.Snapshot.NetworkPolicies;
        Assert.Equal(policies.Select(p => p.Name), read.Select(p => p.Name));
        foreach (var (expected, actual) in policies.Zip(read))
        {
            Assert.Equal(Describe(expected), Describe(actual));
        }
    }

    [Fact]
    public async Task Write_HandWrittenPolicyWithEveryField_ReadBackUnchanged()
    {
        var policy = new NetworkPolicy
        {
            Namespace = "db",
            Name = "every-field",
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "netpolgov", ["tier"] = "true" },
            PodSelector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement("app", "In", ["postgres", "yes"]), new LabelSelectorRequirement("legacy", "DoesNotExist", null)] },
            PolicyTypes = ["Ingress", "Egress"],
            Ingress =
            [
                new NetworkPolicyRule
                {
                    Peers = [new NetworkPolicyPeer { NamespaceSelector = LabelSelector.Everything, PodSelector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "api" } } }],
                    Ports = [new NetworkPolicyPort { Port = PortValue.FromName("pg") }, new NetworkPolicyPort { Protocol = "TCP", Port = PortValue.FromNumber(8000), EndPort = 8100 }],
                },
                new NetworkPolicyRule { Peers = [new NetworkPolicyPeer { IpBlock = new IpBlock("10.0.0.0/8", ["10.1.0.0/16"]) }] },
                new NetworkPolicyRule(),
            ],
            Egress = [],
        };
        using var directory = new TempDirectory();
        var file = directory.Write("db.yaml", NetworkPolicyYaml.Write([policy]));

        var loaded = await ManifestLoader.LoadAsync([file], new ClusterIdentity { Name = "roundtrip" }, TestContext.Current.CancellationToken);

        Assert.Equal(Describe(policy), Describe(Assert.Single(loaded.Snapshot.NetworkPolicies)));
    }

    // A structural rendering that keeps missing versus empty apart.
    private static string Describe(NetworkPolicy p) =>
        $"{p.Namespace}/{p.Name} labels[{Map(p.Labels)}] pods{Selector(p.PodSelector)} types[{List(p.PolicyTypes)}] in{Rules(p.Ingress)} out{Rules(p.Egress)}";

    private static string Rules(IReadOnlyList<NetworkPolicyRule>? rules) =>
        rules is null ? "<missing>" : "[" + string.Join("; ", rules.Select(r => $"peers{Peers(r.Peers)} ports{Ports(r.Ports)}")) + "]";

    private static string Peers(IReadOnlyList<NetworkPolicyPeer>? peers) =>
        peers is null ? "<missing>" : "[" + string.Join(", ", peers.Select(p => $"ns{Selector(p.NamespaceSelector)} pod{Selector(p.PodSelector)} ip({p.IpBlock?.Cidr} except {List(p.IpBlock?.Except)})")) + "]";

    private static string Ports(IReadOnlyList<NetworkPolicyPort>? ports) =>
        ports is null ? "<missing>" : "[" + string.Join(", ", ports.Select(p => $"{p.Protocol ?? "-"}:{p.Port?.ToString() ?? "-"}:{p.EndPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}")) + "]";

    private static string Selector(LabelSelector? s) =>
        s is null ? "<missing>" : $"{{{Map(s.MatchLabels)} | {string.Join(",", (s.MatchExpressions ?? []).Select(e => $"{e.Key} {e.Operator} {List(e.Values)}"))}}}";

    private static string Map(IReadOnlyDictionary<string, string>? map) =>
        map is null ? string.Empty : string.Join(",", map.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}={k.Value}"));

    private static string List(IReadOnlyList<string>? list) => list is null ? "<missing>" : string.Join("|", list);
}
