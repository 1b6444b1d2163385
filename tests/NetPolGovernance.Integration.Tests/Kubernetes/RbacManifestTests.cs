using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Simulator.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace NetPolGovernance.Integration.Tests.Kubernetes;

/// <summary>
/// deploy/rbac/netpolgov-reader.yaml grants every call the collector makes on a cluster that serves every policy
/// group and runs Cilium, and every resource rule it ships is used by some call (least privilege).
/// </summary>
public sealed class RbacManifestTests
{
    [Fact]
    public async Task ReaderRoles_CollectorOnFullyFeaturedCluster_GrantEveryCallAndNothingUnused()
    {
        var ct = TestContext.Current.CancellationToken;
        var rules = LoadRules(Path.Combine(AppContext.BaseDirectory, "TestData", "deploy", "rbac", "netpolgov-reader.yaml"));
        await using var server = await LoopbackKubernetesApiServer.StartAsync(ct);
        var cluster = server.AddCluster("rbac")
            .ServeGroup("cilium.io").ServeGroup("crd.projectcalico.org").ServeGroup("policy.networking.k8s.io")
            .Add(
                KubeObjects.Namespace("kube-system"),
                KubeObjects.DaemonSet("kube-system", "cilium", 1, 1),
                KubeObjects.ConfigMap("kube-system", "cilium-config", new Dictionary<string, string> { ["enable-policy"] = "default" }),
                KubeObjects.NetworkPolicy("kube-system", "named", new JsonObject
                {
                    ["podSelector"] = new JsonObject(),
                    ["ingress"] = new JsonArray(new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = "dns" }) }),
                }));
        var collector = new KubernetesSnapshotCollector(new KubernetesCollectorOptions(), NullLogger<KubernetesSnapshotCollector>.Instance);

        var outcome = await collector.CollectAsync(cluster.CreateClientConfiguration(), new ClusterIdentity { Name = "rbac" }, ct);

        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        var requests = cluster.Traffic.Requests;
        Assert.All(requests, request => Assert.True(rules.Any(rule => rule.Grants(request)), $"no rule grants {request.Method} {request.Path}"));
        Assert.All(rules.Where(r => r.Resources.Count > 0), rule => Assert.True(
            rule.Resources.All(resource => requests.Any(request => request.Resource == resource && rule.Grants(request))),
            $"rule for {string.Join(",", rule.Groups)}/{string.Join(",", rule.Resources)} grants something the collector never uses"));
    }

    private static List<RbacRule> LoadRules(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        var rules = new List<RbacRule>();
        foreach (var document in stream.Documents)
        {
            var root = (YamlMappingNode)document.RootNode;
            var kind = Scalar(root, "kind");
            if (kind is not ("ClusterRole" or "Role"))
            {
                continue;
            }

            var ns = root.Children.TryGetValue("metadata", out var metadata) ? Scalar((YamlMappingNode)metadata, "namespace") : null;
            foreach (var rule in ((YamlSequenceNode)root["rules"]).Cast<YamlMappingNode>())
            {
                rules.Add(new RbacRule(
                    ns,
                    List(rule, "apiGroups"),
                    List(rule, "resources"),
                    List(rule, "resourceNames"),
                    List(rule, "nonResourceURLs"),
                    List(rule, "verbs")));
            }
        }

        return rules;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? ((YamlScalarNode)value).Value : null;

    private static List<string> List(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? ((YamlSequenceNode)value).Cast<YamlScalarNode>().Select(s => s.Value!).ToList() : [];

    /// <summary>One RBAC rule; <see cref="Namespace"/> is set for a Role (it grants only there).</summary>
    private sealed record RbacRule(string? Namespace, List<string> Groups, List<string> Resources, List<string> ResourceNames, List<string> NonResourceUrls, List<string> Verbs)
    {
        public bool Grants(RecordedRequest request)
        {
            if (request.Resource is null)
            {
                return NonResourceUrls.Any(url => url == request.Path || (url.EndsWith("/*", StringComparison.Ordinal) && request.Path.StartsWith(url[..^1], StringComparison.Ordinal)))
                       && Verbs.Contains("get");
            }

            var segments = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var group = segments[0] == "api" ? string.Empty : segments[1];
            var namespaceIndex = Array.IndexOf(segments, "namespaces");
            var requestNamespace = namespaceIndex >= 0 && segments.Length > namespaceIndex + 2 ? segments[namespaceIndex + 1] : null;
            var name = request.Verb == KubeVerb.Get ? segments[^1] : null;
            var verb = request.Verb switch { KubeVerb.List => "list", KubeVerb.Get => "get", _ => "write" };
            return Groups.Contains(group)
                   && Resources.Contains(request.Resource)
                   && Verbs.Contains(verb)
                   && (Namespace is null || Namespace == requestNamespace)
                   && (ResourceNames.Count == 0 || (name is not null && ResourceNames.Contains(name)));
        }
    }
}
