using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Analysis;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.Manifests;
using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Kubernetes;

/// <summary>
/// The same objects, read from manifest files and through the live API (loopback server, real KubernetesClient),
/// give the same snapshot and the same assessment, over generated clusters.
/// </summary>
public sealed class ManifestLiveEquivalenceTests
{
    private static readonly AnalysisOptions s_analysis = new() { Now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero) };

    /// <summary>Serializes without source locations (files and lines exist only for manifests).</summary>
    private static readonly JsonSerializerOptions s_comparable = new()
    {
        WriteIndented = true,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                info =>
                {
                    foreach (var property in info.Properties.Where(p => p.PropertyType == typeof(SourceLocation)).ToList())
                    {
                        info.Properties.Remove(property);
                    }
                },
            },
        },
    };

    public static TheoryData<int, bool> Seeds => new()
    {
        { 1, false }, { 2, false }, { 3, true }, { 4, false }, { 5, true },
    };

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Collect_GeneratedCluster_SameSnapshotAndAssessmentAsManifests(int seed, bool namedPorts)
    {
        var ct = TestContext.Current.CancellationToken;
        var objects = SyntheticCluster.Generate(seed, new SyntheticClusterShape { NamedPorts = namedPorts });
        using var folder = new TempDirectory();
        folder.Write("cluster.json", new JsonArray([.. objects.Select(o => (JsonNode)o.DeepClone())]).ToJsonString());
        await using var server = await LoopbackKubernetesApiServer.StartAsync(ct);
        var cluster = server.AddCluster($"seed-{seed}");
        cluster.Objects.AddRange(objects);
        var identity = new ClusterIdentity { Name = cluster.Id };

        var fromManifests = InCrdOrder((await ManifestLoader.LoadAsync([folder.Path], identity, ct)).Snapshot);
        var outcome = await new KubernetesSnapshotCollector(new KubernetesCollectorOptions { PageSize = 7 }, NullLogger<KubernetesSnapshotCollector>.Instance)
            .CollectAsync(cluster.CreateClientConfiguration(), identity, ct);

        var live = InCrdOrder(Assert.IsType<ClusterSnapshot>(outcome.Snapshot));
        var usesNamedPorts = fromManifests.NetworkPolicies
            .SelectMany(p => (p.Ingress ?? []).Concat(p.Egress ?? []))
            .Any(rule => rule.Ports?.Any(port => port.Port?.IsNamed == true) == true);
        Assert.Equal(usesNamedPorts, live.Pods.All(p => p.ContainerPorts is not null));
        Assert.Equal(Comparable(fromManifests, portsKnown: usesNamedPorts), Comparable(live, portsKnown: usesNamedPorts));
        var manifestAssessment = SnapshotAnalyzer.Analyze(fromManifests with { EngineEvidence = live.EngineEvidence }, s_analysis);
        var liveAssessment = SnapshotAnalyzer.Analyze(live, s_analysis);
        Assert.Equal(Comparable(manifestAssessment), Comparable(liveAssessment));
    }

    /// <summary>
    /// The snapshot minus what only one source can know: the API server's <c>kubernetes.io/metadata.name</c> namespace
    /// label, container ports of metadata-only pods, engine evidence, collector notes, and the source kind.
    /// </summary>
    private static string Comparable(ClusterSnapshot snapshot, bool portsKnown) => JsonSerializer.Serialize(
        snapshot with
        {
            Source = SnapshotSource.Manifests,
            Notes = [],
            EngineEvidence = null,
            Namespaces = [.. snapshot.Namespaces.Select(n => n with { Labels = n.Labels.Where(l => l.Key != LabelSelectors.NamespaceNameLabel).ToDictionary() })],
            Pods = [.. snapshot.Pods.Select(p => portsKnown ? p : p with { ContainerPorts = null })],
        },
        s_comparable);

    /// <summary>CRD policies of several kinds share a list; their order across kinds carries no meaning.</summary>
    private static ClusterSnapshot InCrdOrder(ClusterSnapshot snapshot) => snapshot with
    {
        CiliumPolicies = [.. snapshot.CiliumPolicies.OrderBy(p => p.Kind, StringComparer.Ordinal).ThenBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal)],
        CalicoPolicies = [.. snapshot.CalicoPolicies.OrderBy(p => p.Kind, StringComparer.Ordinal).ThenBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal)],
        AdminPolicies = [.. snapshot.AdminPolicies.OrderBy(p => p.Kind, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal)],
    };

    /// <summary>Assessments compare without the source kind, the access path and the collector's notes.</summary>
    private static string Comparable(ClusterAssessment assessment) =>
        JsonSerializer.Serialize(assessment with { Source = null, AccessPath = AccessPath.None, Notes = [] }, s_comparable);
}
