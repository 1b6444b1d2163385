using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Simulator.Kubernetes;
using NetPolGovernance.Simulator.Tls;

namespace NetPolGovernance.Integration.Tests.Kubernetes;

public sealed class KubernetesSnapshotCollectorTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> s_web = new() { ["app"] = "web" };
    private readonly FakeLogger<KubernetesSnapshotCollector> _logger = new();
    private LoopbackKubernetesApiServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await LoopbackKubernetesApiServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task CollectAsync_ClusterWithEveryKind_ReadsObjectsEvidenceAndCiliumMode()
    {
        var cluster = _server.AddCluster("every-kind").Add(
            KubeObjects.Namespace("shop", new Dictionary<string, string> { ["team"] = "shop" }),
            KubeObjects.Namespace("kube-system"),
            KubeObjects.Pod("shop", "web-1", s_web),
            KubeObjects.DefaultDeny("shop"),
            KubeObjects.DaemonSet("kube-system", "cilium", desired: 3, ready: 2),
            KubeObjects.DaemonSet("kube-system", "kube-proxy", desired: 3, ready: 3),
            KubeObjects.ConfigMap("kube-system", "cilium-config", new Dictionary<string, string> { ["enable-policy"] = "always" }),
            KubeObjects.Custom("cilium.io/v2", "CiliumNetworkPolicy", "shop", "l7", new JsonObject { ["endpointSelector"] = new JsonObject() }),
            KubeObjects.Custom("policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy", null, "tenants", new JsonObject { ["priority"] = 10 }));

        var outcome = await CollectAsync(cluster);

        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        var snapshot = outcome.Snapshot!;
        Assert.Equal(SnapshotSource.KubernetesApi, snapshot.Source);
        Assert.Equal(["default", "kube-system", "shop"], snapshot.Namespaces.Select(n => n.Name));
        Assert.Equal("shop", snapshot.Namespaces[2].Labels["team"]);
        var pod = Assert.Single(snapshot.Pods);
        Assert.Equal("web", pod.Labels["app"]);
        Assert.Null(pod.ContainerPorts);
        Assert.Equal("default-deny", Assert.Single(snapshot.NetworkPolicies).Name);
        Assert.Equal("l7", Assert.Single(snapshot.CiliumPolicies).Name);
        Assert.Equal(10, Assert.Single(snapshot.AdminPolicies).Priority);
        Assert.Equal(new EngineDaemonSet("cilium", "kube-system", "cilium", 3, 2), Assert.Single(snapshot.EngineEvidence!.DaemonSets));
        Assert.Equal("always", snapshot.EngineEvidence.CiliumPolicyEnforcementMode);
        Assert.Empty(snapshot.InvisibleKinds);
    }

    [Fact]
    public async Task CollectAsync_ClusterNetworkPolicyV1Alpha2_IsReadBesideAnpAndCountedInTheScan()
    {
        var cluster = _server.AddCluster("cnp").Add(
            KubeObjects.Namespace("shop"),
            KubeObjects.Pod("shop", "web-1", s_web),
            KubeObjects.Custom("policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy", null, "tenants", new JsonObject { ["priority"] = 10 }),
            KubeObjects.Custom("policy.networking.k8s.io/v1alpha2", "ClusterNetworkPolicy", null, "baseline-deny", new JsonObject
            {
                ["tier"] = "Baseline",
                ["priority"] = 100,
                ["subject"] = new JsonObject { ["namespaces"] = new JsonObject() },
                ["ingress"] = new JsonArray(new JsonObject { ["name"] = "deny-all", ["action"] = "Deny", ["from"] = new JsonArray(new JsonObject { ["namespaces"] = new JsonObject() }) }),
            }));

        var outcome = await CollectAsync(cluster);
        var assessment = NetPolGovernance.Analysis.SnapshotAnalyzer.Analyze(outcome.Snapshot!, new AnalysisOptions { Now = DateTimeOffset.UnixEpoch }, outcome.AccessPath, outcome.Stats);

        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        var cnp = Assert.Single(outcome.Snapshot!.AdminPolicies, p => p.Kind == "ClusterNetworkPolicy");
        Assert.Equal(("policy.networking.k8s.io/v1alpha2", "Baseline"), (cnp.ApiVersion, cnp.Tier));
        Assert.Equal(2, outcome.Snapshot.AdminPolicies.Count);
        Assert.Equal(2, assessment.PolicyCount);
        Assert.Empty(outcome.Snapshot.InvisibleKinds);
    }

    [Fact]
    public async Task CollectAsync_NoCrdGroupsServed_StaysWithinTheCallBudget()
    {
        var cluster = _server.AddCluster("budget-plain").Add(KubeObjects.Namespace("a"), KubeObjects.Pod("a", "p"), KubeObjects.DefaultDeny("a"));

        var outcome = await CollectAsync(cluster);

        // discovery + namespaces + networkpolicies + pods + daemonsets
        Assert.Equal(5, outcome.Stats.ApiCalls);
        Assert.Equal(5, cluster.Traffic.Calls);
        Assert.Equal(cluster.Traffic.BytesSent, outcome.Stats.BytesRead);
    }

    [Fact]
    public async Task CollectAsync_CrdGroupsAndPages_AddsOneCallPerKindAndPerExtraPage()
    {
        var cluster = _server.AddCluster("budget-crds").ServeGroup("cilium.io").ServeGroup("policy.networking.k8s.io");
        cluster.Add([.. Enumerable.Range(0, 1200).Select(i => KubeObjects.Pod("a", $"pod-{i:D4}"))]);
        cluster.Add(KubeObjects.Namespace("a"));

        var outcome = await CollectAsync(cluster, new KubernetesCollectorOptions { PageSize = 500 });

        // 5 base calls + 2 extra pod pages + 2 Cilium kinds + ANP, BANP (v1alpha1) and ClusterNetworkPolicy (v1alpha2)
        Assert.Equal(12, outcome.Stats.ApiCalls);
        Assert.Equal(3, cluster.Traffic.CallsTo("pods"));
        Assert.Equal(1200, outcome.Snapshot!.Pods.Count);
    }

    [Fact]
    public async Task CollectAsync_ListOverSeveralPages_FurtherPagesGoOverHttp11AndEverythingElseOverHttp2()
    {
        var cluster = _server.AddCluster("protocols");
        cluster.Add([.. Enumerable.Range(0, 1200).Select(i => KubeObjects.Pod("a", $"pod-{i:D4}"))]);
        cluster.Add(KubeObjects.Namespace("a"));

        var outcome = await CollectAsync(cluster, new KubernetesCollectorOptions { PageSize = 500 });

        Assert.Equal(1200, outcome.Snapshot!.Pods.Count);
        var requests = cluster.Traffic.Requests;
        var continued = requests.Where(r => r.Query.Contains("continue=", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, continued.Count);
        Assert.All(continued, r => Assert.Equal("HTTP/1.1", r.Protocol));
        Assert.All(requests.Except(continued), r => Assert.True(r.Protocol == "HTTP/2", $"{r.PathAndQuery} came over {r.Protocol}"));
    }

    [Fact]
    public async Task CollectAsync_BothCalicoGroupsServed_ReadsOnlyTheCalicoApiServerGroup()
    {
        var cluster = _server.AddCluster("calico").ServeGroup("projectcalico.org").ServeGroup("crd.projectcalico.org")
            .Add(KubeObjects.Custom("projectcalico.org/v3", "GlobalNetworkPolicy", null, "deny-all", new JsonObject { ["selector"] = "all()" }));

        var outcome = await CollectAsync(cluster);

        Assert.Equal("projectcalico.org", Assert.Single(outcome.Snapshot!.CalicoPolicies).ApiGroup);
        Assert.Equal(0, cluster.Traffic.Requests.Count(r => r.Path.Contains("crd.projectcalico.org", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CollectAsync_SmallPageSize_PagesThroughEveryItemInOrder()
    {
        var cluster = _server.AddCluster("paging");
        cluster.Add([.. Enumerable.Range(0, 7).Select(i => KubeObjects.Namespace($"ns-{i}"))]);

        var outcome = await CollectAsync(cluster, new KubernetesCollectorOptions { PageSize = 2 });

        // Seven namespaces besides default and kube-system, which every cluster has: nine in pages of two.
        Assert.Equal(["default", "kube-system", .. Enumerable.Range(0, 7).Select(i => $"ns-{i}")], outcome.Snapshot!.Namespaces.Select(n => n.Name));
        Assert.Equal(5, cluster.Traffic.CallsTo("namespaces"));
        Assert.All(cluster.Traffic.Requests.Where(r => r.Resource == "namespaces"), r => Assert.Contains("limit=2", r.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CollectAsync_GoneOnContinue_RestartsTheListAndSucceeds()
    {
        var cluster = _server.AddCluster("gone-once");
        cluster.Add([.. Enumerable.Range(0, 3).Select(i => KubeObjects.Namespace($"ns-{i}"))]);
        cluster.Faults.Add(KubeFault.Gone(), KubeRequestMatch.Resource("namespaces").And(KubeRequestMatch.ContinuedLists), times: 1);

        var outcome = await CollectAsync(cluster, new KubernetesCollectorOptions { PageSize = 2 });

        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        // Five namespaces (with default and kube-system) in pages of two: one page, the 410, then three pages again.
        Assert.Equal(5, outcome.Snapshot!.Namespaces.Count);
        Assert.Equal(5, cluster.Traffic.CallsTo("namespaces"));
    }

    [Fact]
    public async Task CollectAsync_GoneOnContinuedPodList_RestartsWithoutDoublingPods()
    {
        var cluster = _server.AddCluster("gone-pods");
        cluster.Add([KubeObjects.Namespace("app"), .. Enumerable.Range(0, 5).Select(i => KubeObjects.Pod("app", $"pod-{i}", new Dictionary<string, string> { ["app"] = "web" }))]);
        cluster.Faults.Add(KubeFault.Gone(), KubeRequestMatch.Resource("pods").And(KubeRequestMatch.ContinuedLists), times: 1);

        var outcome = await CollectAsync(cluster, new KubernetesCollectorOptions { PageSize = 2 });

        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"pod-{i}"), outcome.Snapshot!.Pods.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(outcome.Snapshot.Notes, n => n.Contains("pod-", StringComparison.Ordinal));
        Assert.Equal(2 + 3, cluster.Traffic.CallsTo("pods"));
    }

    [Fact]
    public async Task CollectAsync_GoneOnEveryContinue_IsUnknownWithExpiryReason()
    {
        var cluster = _server.AddCluster("gone-always");
        cluster.Add([.. Enumerable.Range(0, 3).Select(i => KubeObjects.Namespace($"ns-{i}"))]);
        cluster.Faults.Add(KubeFault.Gone(), KubeRequestMatch.ContinuedLists);

        var outcome = await CollectAsync(cluster, new KubernetesCollectorOptions { PageSize = 2, MaxListRestarts = 1 });

        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.StartsWith("list namespaces at cluster scope: the list expired (410 Gone) 2 times", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CollectAsync_TooManyRequestsOnce_WaitsForRetryAfterAndSucceeds()
    {
        var cluster = _server.AddCluster("throttled-once").Add(KubeObjects.Namespace("a"));
        cluster.Faults.Add(KubeFault.TooManyRequests(TimeSpan.FromSeconds(1)), KubeRequestMatch.Resource("namespaces"), times: 1);

        var outcome = await CollectAsync(cluster);

        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        Assert.Equal(6, outcome.Stats.ApiCalls);
        Assert.True(outcome.Stats.DurationMs >= 900, $"the retry waited {outcome.Stats.DurationMs} ms, less than Retry-After");
    }

    [Fact]
    public async Task CollectAsync_TooManyRequestsAlways_IsUnknownAfterBoundedRetries()
    {
        var cluster = _server.AddCluster("throttled-always");
        cluster.Faults.Add(KubeFault.TooManyRequests(TimeSpan.FromSeconds(1)), KubeRequestMatch.Discovery);

        var outcome = await CollectAsync(cluster, new KubernetesCollectorOptions { MaxRetries = 1 });

        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.StartsWith("throttled: discover API groups (GET /apis) kept answering 429", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(2, cluster.Traffic.Calls);
    }

    [Fact]
    public async Task CollectAsync_Unauthorized_IsUnknownWithCredentialsAdvice()
    {
        var cluster = _server.AddCluster("expired-token").Add(KubeObjects.Namespace("a"));
        var configuration = cluster.CreateClientConfiguration();
        configuration.AccessToken = "stale-token";

        var outcome = await Collector().CollectAsync(configuration, new ClusterIdentity { Name = "expired-token" }, TestContext.Current.CancellationToken);

        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.StartsWith("unauthorized: the API server rejected the credentials (HTTP 401)", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CollectAsync_PodsForbidden_IsUnknownNamingTheGrant()
    {
        var cluster = _server.AddCluster("no-pods").Add(KubeObjects.Namespace("a"));
        cluster.Faults.Add(KubeFault.Forbidden(), KubeRequestMatch.Resource("pods"));

        var outcome = await CollectAsync(cluster);

        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.Equal("forbidden: list pods at cluster scope; grant the ClusterRole in docs/rbac.md", outcome.Reason);
        Assert.Null(outcome.Snapshot);
    }

    [Fact]
    public async Task CollectAsync_CrdKindForbidden_MarksOnlyThatKindInvisible()
    {
        var cluster = _server.AddCluster("no-cnp").Add(
            KubeObjects.Namespace("a"),
            KubeObjects.Custom("cilium.io/v2", "CiliumClusterwideNetworkPolicy", null, "ccnp", new JsonObject { ["endpointSelector"] = new JsonObject() }));
        cluster.Faults.Add(KubeFault.Forbidden(), KubeRequestMatch.Resource("ciliumnetworkpolicies"));

        var outcome = await CollectAsync(cluster);

        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        var invisible = Assert.Single(outcome.Snapshot!.InvisibleKinds);
        Assert.Equal(new InvisibleKind("cilium.io", "CiliumNetworkPolicy", "forbidden: list ciliumnetworkpolicies.cilium.io at cluster scope; grant the ClusterRole in docs/rbac.md"), invisible);
        Assert.Equal("ccnp", Assert.Single(outcome.Snapshot.CiliumPolicies).Name);
    }

    [Fact]
    public async Task CollectAsync_DaemonSetsForbidden_ScansWithEvidenceUnavailable()
    {
        var cluster = _server.AddCluster("no-ds").Add(KubeObjects.Namespace("a"));
        cluster.Faults.Add(KubeFault.Forbidden(), KubeRequestMatch.Resource("daemonsets"));

        var outcome = await CollectAsync(cluster);

        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        Assert.True(outcome.Snapshot!.EngineEvidence!.Unavailable);
        Assert.Equal("forbidden: list daemonsets.apps at cluster scope; grant the ClusterRole in docs/rbac.md", outcome.Snapshot.EngineEvidence.UnavailableReason);
    }

    [Fact]
    public async Task CollectAsync_ConnectionDroppedOnce_RetriesAndSucceeds()
    {
        var cluster = _server.AddCluster("dropped").Add(KubeObjects.Namespace("a"));
        cluster.Faults.Add(KubeFault.DropConnection(), KubeRequestMatch.Resource("networkpolicies"), times: 1);

        var outcome = await CollectAsync(cluster, new KubernetesCollectorOptions { InitialBackoff = TimeSpan.FromMilliseconds(10) });

        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        Assert.Equal(6, outcome.Stats.ApiCalls);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task CollectAsync_PodPageDroppedMidBody_RetriesThePageAndKeepsEachPodOnce(bool fullPods, bool firstPage)
    {
        var cluster = _server.AddCluster($"pods-dropped-{fullPods}-{firstPage}");
        cluster.Add([KubeObjects.Namespace("app"), .. Enumerable.Range(0, 30).Select(i => KubeObjects.Pod("app", $"pod-{i:D2}", s_web, [("http", 8080)]))]);
        if (fullPods)
        {
            // A policy with a named port makes the collector read full pods (the general reader's path).
            var ingress = new JsonArray(new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = "http" }) });
            cluster.Add(KubeObjects.NetworkPolicy("app", "allow-http", new JsonObject { ["podSelector"] = new JsonObject(), ["ingress"] = ingress }));
        }

        // The page's head holds several whole pods: they reach the collector before the connection drops.
        var pages = firstPage ? KubeRequestMatch.OfVerb(KubeVerb.List).And(new KubeRequestMatch(r => r.Continue is null)) : KubeRequestMatch.ContinuedLists;
        cluster.Faults.Add(KubeFault.DropMidBody(fullPods ? 2500 : 1500), KubeRequestMatch.Resource("pods").And(pages), times: 1);

        var outcome = await CollectAsync(cluster, new KubernetesCollectorOptions { PageSize = 10, InitialBackoff = TimeSpan.FromMilliseconds(10) });

        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        var pods = outcome.Snapshot!.Pods;
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"pod-{i:D2}"), pods.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.All(pods, p => Assert.Equal("web", p.Labels["app"]));
        Assert.All(pods, p => Assert.Equal(fullPods, p.ContainerPorts is not null));
        Assert.DoesNotContain(outcome.Snapshot.Notes, n => n.Contains("defined more than once", StringComparison.Ordinal));
        Assert.Equal(3 + 1, cluster.Traffic.CallsTo("pods"));
        Assert.Contains(cluster.Traffic.Requests, r => r.Resource == "pods" && r.StatusCode == 200 && r.Bytes == (fullPods ? 2500 : 1500));
    }

    [Fact]
    public async Task CollectAsync_NamespacePageDroppedMidBody_RetriesThePageAndKeepsEachNamespaceOnce()
    {
        var cluster = _server.AddCluster("namespaces-dropped");
        cluster.Add([.. Enumerable.Range(0, 30).Select(i => KubeObjects.Namespace($"ns-{i:D2}", new Dictionary<string, string> { ["team"] = "t" }))]);
        cluster.Faults.Add(KubeFault.DropMidBody(1200), KubeRequestMatch.Resource("namespaces").And(KubeRequestMatch.ContinuedLists), times: 1);

        var outcome = await CollectAsync(cluster, new KubernetesCollectorOptions { PageSize = 10, InitialBackoff = TimeSpan.FromMilliseconds(10) });

        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        Assert.Equal(["default", "kube-system", .. Enumerable.Range(0, 30).Select(i => $"ns-{i:D2}")], outcome.Snapshot!.Namespaces.Select(n => n.Name));
        Assert.DoesNotContain(outcome.Snapshot.Notes, n => n.Contains("defined more than once", StringComparison.Ordinal));
        Assert.Equal(4 + 1, cluster.Traffic.CallsTo("namespaces"));
    }

    [Fact]
    public async Task CollectAsync_PodPageDroppedMidBodyOnEveryTry_IsUnknownWithAConnectionReason()
    {
        var cluster = _server.AddCluster("pods-dropped-always");
        cluster.Add([KubeObjects.Namespace("app"), .. Enumerable.Range(0, 30).Select(i => KubeObjects.Pod("app", $"pod-{i:D2}", s_web))]);
        cluster.Faults.Add(KubeFault.DropMidBody(1500), KubeRequestMatch.Resource("pods"));

        var outcome = await CollectAsync(cluster, new KubernetesCollectorOptions { PageSize = 10, MaxRetries = 2, InitialBackoff = TimeSpan.FromMilliseconds(10) });

        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.StartsWith($"connection failed: the API server at {cluster.ServerUrl.AbsoluteUri.TrimEnd('/')} broke off its response (", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(3, cluster.Traffic.CallsTo("pods"));
    }

    [Theory]
    [InlineData(1500)]
    [InlineData(0)]
    public async Task CollectAsync_MalformedPodPage_IsUnknownWithUnreadableResponseReason(int bodyBytes)
    {
        var cluster = _server.AddCluster($"pods-malformed-{bodyBytes}");
        cluster.Add([KubeObjects.Namespace("app"), .. Enumerable.Range(0, 30).Select(i => KubeObjects.Pod("app", $"pod-{i:D2}", s_web))]);
        cluster.Faults.Add(KubeFault.TruncatedBody(bodyBytes), KubeRequestMatch.Resource("pods").And(KubeRequestMatch.ContinuedLists), times: 1);

        var outcome = await CollectAsync(cluster, new KubernetesCollectorOptions { PageSize = 10 });

        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.StartsWith($"unreadable response from the API server at {cluster.ServerUrl.AbsoluteUri.TrimEnd('/')}: ", outcome.Reason, StringComparison.Ordinal);
        Assert.Null(outcome.Snapshot);
    }

    [Fact]
    public async Task CollectAsync_ServerCertificateFromAnotherCa_IsUnknownWithTlsReason()
    {
        var cluster = _server.AddCluster("wrong-ca");
        using var otherAuthority = LoopbackCertificateAuthority.Create("not-the-cluster-ca");
        var configuration = cluster.CreateClientConfiguration();
        configuration.SslCaCerts = [System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(otherAuthority.CaPem)];

        var outcome = await Collector().CollectAsync(configuration, new ClusterIdentity { Name = "wrong-ca" }, TestContext.Current.CancellationToken);

        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.StartsWith($"TLS: the API server at {cluster.ServerUrl.AbsoluteUri} presented a certificate", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, cluster.Traffic.Calls);
    }

    [Fact]
    public async Task CollectAsync_InsecureSkipTlsVerify_IsRefused()
    {
        var cluster = _server.AddCluster("insecure");
        var configuration = cluster.CreateClientConfiguration();
        configuration.SkipTlsVerify = true;

        var outcome = await Collector().CollectAsync(configuration, new ClusterIdentity { Name = "insecure" }, TestContext.Current.CancellationToken);

        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.Contains("insecure-skip-tls-verify", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, cluster.Traffic.Calls);
    }

    [Fact]
    public async Task ScanOneAsync_ServerStopsAnswering_IsUnknownAtTheOnePerClusterDeadline()
    {
        // The collector keeps no deadline of its own: the fleet scanner's per-cluster deadline is the only one.
        var cluster = _server.AddCluster("slow").Add(KubeObjects.Namespace("a"));
        cluster.Faults.Add(KubeFault.Latency(TimeSpan.FromMinutes(5)), KubeRequestMatch.Resource("pods"));
        var scanner = new FleetScanner(new ConfiguredCluster(Collector(), cluster), NullLogger<FleetScanner>.Instance);

        var assessment = await scanner.ScanOneAsync(
            new ClusterTarget { Identity = new ClusterIdentity { Name = "slow" } },
            new AnalysisOptions { Now = DateTimeOffset.UnixEpoch },
            new FleetScanOptions { PerClusterTimeout = TimeSpan.FromMilliseconds(500) },
            TestContext.Current.CancellationToken);

        Assert.Equal(ClusterScanStatus.Unknown, assessment.Status);
        Assert.Equal("timeout: the cluster was not read within 0.5 s (per-cluster deadline)", assessment.StatusReason);
    }

    [Theory]
    [InlineData(401, FailureKind.Auth)]
    [InlineData(403, FailureKind.Auth)]
    [InlineData(429, FailureKind.Throttled)]
    [InlineData(500, FailureKind.Other)]
    public async Task CollectAsync_RefusedList_CarriesTheFailureKind(int status, FailureKind expected)
    {
        var cluster = _server.AddCluster($"refused-{status}").Add(KubeObjects.Namespace("a"));
        var fault = status switch
        {
            401 => KubeFault.Unauthorized(),
            403 => KubeFault.Forbidden(),
            429 => KubeFault.TooManyRequests(TimeSpan.Zero),
            _ => KubeFault.InternalError(),
        };
        cluster.Faults.Add(fault, KubeRequestMatch.Resource("namespaces"));

        var outcome = await CollectAsync(cluster, new KubernetesCollectorOptions { MaxRetries = 0 });

        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.Equal(expected, outcome.FailureKind);
    }

    private sealed class ConfiguredCluster(KubernetesSnapshotCollector collector, VirtualCluster cluster) : ISnapshotCollector
    {
        public Task<CollectionOutcome> CollectAsync(ClusterTarget target, CancellationToken cancellationToken) =>
            collector.CollectAsync(cluster.CreateClientConfiguration(), target.Identity, cancellationToken);
    }

    [Fact]
    public async Task CollectAsync_CallerCancels_Throws()
    {
        var cluster = _server.AddCluster("cancelled");
        cluster.Faults.Add(KubeFault.Latency(TimeSpan.FromMinutes(5)), KubeRequestMatch.Discovery);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Collector().CollectAsync(cluster.CreateClientConfiguration(), new ClusterIdentity { Name = "cancelled" }, cancellation.Token));
    }

    [Fact]
    public async Task CollectAsync_PolicyWithNamedPort_ReadsFullPodsWithPorts()
    {
        var ingress = new JsonArray(new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = "http" }) });
        var cluster = _server.AddCluster("named-port").Add(
            KubeObjects.Namespace("a"),
            KubeObjects.Pod("a", "web", s_web, [("http", 8080)]),
            KubeObjects.NetworkPolicy("a", "allow-http", new JsonObject { ["podSelector"] = new JsonObject(), ["ingress"] = ingress }));

        var outcome = await CollectAsync(cluster);

        Assert.Equal(new ContainerPort("http", 8080, "TCP"), Assert.Single(Assert.Single(outcome.Snapshot!.Pods).ContainerPorts!));
        Assert.False(cluster.Traffic.Requests.Single(r => r.Resource == "pods").MetadataOnly);
    }

    [Fact]
    public async Task CollectAsync_PodsOfHostNetworkDaemonSet_AreMarkedHostNetworkWithoutExtraCalls()
    {
        var daemonSet = KubeObjects.DaemonSet("kube-system", "node-agent", 1, 1);
        daemonSet["spec"]!["template"]!["spec"]!["hostNetwork"] = true;
        var agentPod = KubeObjects.Pod("kube-system", "node-agent-x1", hostNetwork: true);
        agentPod["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "DaemonSet", ["name"] = "node-agent", ["uid"] = "u1", ["controller"] = true });
        var cluster = _server.AddCluster("host-net").Add(KubeObjects.Namespace("kube-system"), daemonSet, agentPod, KubeObjects.Pod("kube-system", "ordinary"));

        var outcome = await CollectAsync(cluster);

        Assert.Equal(["node-agent-x1"], outcome.Snapshot!.Pods.Where(p => p.HostNetwork).Select(p => p.Name));
        Assert.Equal(5, outcome.Stats.ApiCalls);
    }

    [Fact]
    public async Task CollectAsync_DetectHostNetworkPods_FindsHostNetworkPodsOfAnyOwnerWithOneMoreCall()
    {
        var cluster = _server.AddCluster("host-net-exact").Add(
            KubeObjects.Namespace("a"), KubeObjects.Pod("a", "gateway", hostNetwork: true), KubeObjects.Pod("a", "web"));

        var outcome = await CollectAsync(cluster, new KubernetesCollectorOptions { DetectHostNetworkPods = true });

        Assert.Equal(["gateway"], outcome.Snapshot!.Pods.Where(p => p.HostNetwork).Select(p => p.Name));
        Assert.Equal(6, outcome.Stats.ApiCalls);
    }

    [Fact]
    public async Task CollectAsync_FaultsAndRetries_LogNoTokenOrCertificate()
    {
        var cluster = _server.AddCluster("secrets", token: "s3cr3t-token-value-0123456789").Add(KubeObjects.Namespace("a"));
        cluster.Faults.Add(KubeFault.InternalError(), KubeRequestMatch.Resource("namespaces"), times: 1);
        cluster.Faults.Add(KubeFault.Forbidden(), KubeRequestMatch.Resource("pods"));

        var outcome = await CollectAsync(cluster, new KubernetesCollectorOptions { InitialBackoff = TimeSpan.FromMilliseconds(10) });

        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        var records = _logger.Collector.GetSnapshot();
        Assert.NotEmpty(records);
        var caBody = _server.CaPem.Split('\n')[1];
        Assert.All(records, record =>
        {
            var text = record.Message + string.Join("|", record.StructuredState?.Select(kv => kv.Value) ?? []) + record.Exception;
            Assert.DoesNotContain("s3cr3t-token-value", text, StringComparison.Ordinal);
            Assert.DoesNotContain(caBody, text, StringComparison.Ordinal);
            Assert.DoesNotContain("Bearer", text, StringComparison.Ordinal);
        });
    }

    private KubernetesSnapshotCollector Collector(KubernetesCollectorOptions? options = null) => new(options ?? new KubernetesCollectorOptions(), _logger);

    private Task<CollectionOutcome> CollectAsync(VirtualCluster cluster, KubernetesCollectorOptions? options = null) =>
        Collector(options).CollectAsync(cluster.CreateClientConfiguration(), new ClusterIdentity { Name = cluster.Id }, TestContext.Current.CancellationToken);
}
