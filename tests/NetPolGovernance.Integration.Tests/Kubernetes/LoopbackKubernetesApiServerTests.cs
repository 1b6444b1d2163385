using System.Net;
using System.Text;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using NetPolGovernance.Simulator.Kubernetes;
using NetPolGovernance.Simulator.Tls;
using KubeClient = k8s.Kubernetes;

namespace NetPolGovernance.Integration.Tests.Kubernetes;

public sealed class LoopbackKubernetesApiServerTests : IAsyncLifetime
{
    private LoopbackKubernetesApiServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await LoopbackKubernetesApiServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ListNamespace_ThroughKubeconfigWithClusterPath_ReturnsStoredNamespaces()
    {
        var cluster = _server.AddCluster("alpha").Add(KubeObjects.Namespace("team-a"), KubeObjects.Namespace("team-b"));
        using var client = ClientFromKubeconfig(cluster.Kubeconfig());

        var list = await client.CoreV1.ListNamespaceAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["team-a", "team-b"], list.Items.Select(n => n.Metadata.Name));
        Assert.Equal("team-a", list.Items[0].Metadata.Labels["kubernetes.io/metadata.name"]);
        Assert.Equal("/api/v1/namespaces", Assert.Single(cluster.Traffic.Requests).Path);
    }

    [Fact]
    public async Task ListPodForAllNamespaces_WithLimit_PagesWithContinueTokens()
    {
        var cluster = _server.AddCluster("paging");
        cluster.Add([.. Enumerable.Range(0, 5).Select(i => KubeObjects.Pod("ns", $"pod-{i}"))]);
        using var client = new KubeClient(cluster.CreateClientConfiguration());
        var ct = TestContext.Current.CancellationToken;

        var first = await client.CoreV1.ListPodForAllNamespacesAsync(limit: 2, cancellationToken: ct);
        var second = await client.CoreV1.ListPodForAllNamespacesAsync(limit: 2, continueParameter: first.Metadata.ContinueProperty, cancellationToken: ct);
        var third = await client.CoreV1.ListPodForAllNamespacesAsync(limit: 2, continueParameter: second.Metadata.ContinueProperty, cancellationToken: ct);

        Assert.Equal(["pod-0", "pod-1", "pod-2", "pod-3", "pod-4"], first.Items.Concat(second.Items).Concat(third.Items).Select(p => p.Metadata.Name));
        Assert.Equal(3, first.Metadata.RemainingItemCount);
        Assert.Null(third.Metadata.ContinueProperty);
        Assert.Equal(3, cluster.Traffic.Calls);
    }

    [Fact]
    public async Task List_WithPartialObjectMetadataAccept_ReturnsMetadataOnlyList()
    {
        var cluster = _server.AddCluster("meta").Add(KubeObjects.Pod("ns", "web", new Dictionary<string, string> { ["app"] = "web" }, [("http", 8080)]));
        using var client = new KubeClient(cluster.CreateClientConfiguration());

        using var document = await GetJsonAsync(client, "api/v1/pods", "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1");

        var root = document.RootElement;
        Assert.Equal("PartialObjectMetadataList", root.GetProperty("kind").GetString());
        Assert.Equal("meta.k8s.io/v1", root.GetProperty("apiVersion").GetString());
        var item = Assert.Single(root.GetProperty("items").EnumerateArray().ToList());
        Assert.Equal("PartialObjectMetadata", item.GetProperty("kind").GetString());
        Assert.Equal("web", item.GetProperty("metadata").GetProperty("labels").GetProperty("app").GetString());
        Assert.False(item.TryGetProperty("spec", out _));
        Assert.True(Assert.Single(cluster.Traffic.Requests).MetadataOnly);
    }

    [Fact]
    public async Task List_FieldSelectorOnHostNetwork_ReturnsOnlyHostNetworkPods()
    {
        var cluster = _server.AddCluster("hostnet").Add(KubeObjects.Pod("kube-system", "node-agent", hostNetwork: true), KubeObjects.Pod("app", "web"));
        using var client = new KubeClient(cluster.CreateClientConfiguration());

        var list = await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.hostNetwork=true", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("node-agent", Assert.Single(list.Items).Metadata.Name);
    }

    [Fact]
    public async Task List_WrongToken_Returns401()
    {
        var cluster = _server.AddCluster("auth", token: "right-token");
        var config = cluster.CreateClientConfiguration();
        config.AccessToken = "wrong-token";
        using var client = new KubeClient(config);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespaceAsync(cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Unauthorized, error.Response.StatusCode);
    }

    [Fact]
    public async Task List_ClientTrustsAnotherCa_RefusesTheServer()
    {
        var cluster = _server.AddCluster("wrong-ca");
        using var otherAuthority = LoopbackCertificateAuthority.Create("some-other-ca");
        var kubeconfig = KubeconfigBuilder.Build([cluster.ToKubeconfigContext() with { CaPem = otherAuthority.CaPem }]);
        using var client = ClientFromKubeconfig(kubeconfig);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.CoreV1.ListNamespaceAsync(cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(HttpRequestError.SecureConnectionError, error.HttpRequestError);
        Assert.Equal(0, cluster.Traffic.Calls);
    }

    [Fact]
    public async Task List_TooManyRequestsFault_Returns429WithRetryAfterOnce()
    {
        var cluster = _server.AddCluster("throttled").Add(KubeObjects.Namespace("a"));
        cluster.Faults.Add(KubeFault.TooManyRequests(TimeSpan.FromSeconds(2)), KubeRequestMatch.Resource("namespaces"), times: 1);
        using var client = new KubeClient(cluster.CreateClientConfiguration());
        var ct = TestContext.Current.CancellationToken;

        using var first = await SendAsync(client, "api/v1/namespaces", null);
        using var second = await SendAsync(client, "api/v1/namespaces", null);

        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), first.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        using var status = JsonDocument.Parse(await first.Content.ReadAsStringAsync(ct));
        Assert.Equal("TooManyRequests", status.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task List_GoneFaultOnContinuedLists_Returns410OnlyForSecondPage()
    {
        var cluster = _server.AddCluster("expired");
        cluster.Add([.. Enumerable.Range(0, 3).Select(i => KubeObjects.Namespace($"ns-{i}"))]);
        cluster.Faults.Add(KubeFault.Gone(), KubeRequestMatch.ContinuedLists, times: 1);
        using var client = new KubeClient(cluster.CreateClientConfiguration());
        var ct = TestContext.Current.CancellationToken;

        var first = await client.CoreV1.ListNamespaceAsync(limit: 2, cancellationToken: ct);
        var error = await Assert.ThrowsAsync<HttpOperationException>(
            () => client.CoreV1.ListNamespaceAsync(limit: 2, continueParameter: first.Metadata.ContinueProperty, cancellationToken: ct));

        Assert.Equal(HttpStatusCode.Gone, error.Response.StatusCode);
        Assert.Contains("\"reason\":\"Expired\"", error.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ForbiddenFaultOnOneResource_Returns403WithRbacMessageForThatResourceOnly()
    {
        var cluster = _server.AddCluster("rbac").Add(KubeObjects.Namespace("a"));
        cluster.Faults.Add(KubeFault.Forbidden(), KubeRequestMatch.Resource("pods"));
        using var client = new KubeClient(cluster.CreateClientConfiguration());
        var ct = TestContext.Current.CancellationToken;

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: ct));
        var namespaces = await client.CoreV1.ListNamespaceAsync(cancellationToken: ct);

        Assert.Equal(HttpStatusCode.Forbidden, error.Response.StatusCode);
        Assert.Contains("cannot list resource \\\"pods\\\" in API group \\\"\\\" at the cluster scope", error.Response.Content, StringComparison.Ordinal);
        Assert.Single(namespaces.Items);
    }

    [Fact]
    public async Task List_DropConnectionFault_ClientSeesTransportError()
    {
        var cluster = _server.AddCluster("dropped");
        cluster.Faults.Add(KubeFault.DropConnection(), KubeRequestMatch.Resource("namespaces"), times: 1);
        using var client = new KubeClient(cluster.CreateClientConfiguration());

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.CoreV1.ListNamespaceAsync(cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(0, Assert.Single(cluster.Traffic.Requests).StatusCode);
    }

    [Fact]
    public async Task List_DropMidBodyFault_SendsTheHeadOfTheBodyThenDrops()
    {
        var cluster = _server.AddCluster("dropped-mid-body");
        cluster.Add([.. Enumerable.Range(0, 20).Select(i => KubeObjects.Namespace($"ns-{i:D2}"))]);
        cluster.Faults.Add(KubeFault.DropMidBody(300), KubeRequestMatch.Resource("namespaces"), times: 1);
        using var client = new KubeClient(cluster.CreateClientConfiguration());
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseUri, "api/v1/namespaces"));
        await client.Credentials.ProcessHttpRequestAsync(request, ct);

        using var response = await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var head = new byte[300];
        await body.ReadExactlyAsync(head, ct);
        var drop = await Assert.ThrowsAnyAsync<IOException>(() => body.CopyToAsync(Stream.Null, ct));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Content.Headers.ContentLength > 300);
        Assert.StartsWith("{\"kind\":\"NamespaceList\"", Encoding.UTF8.GetString(head), StringComparison.Ordinal);
        Assert.NotNull(drop.Message);
        Assert.Equal(300, Assert.Single(cluster.Traffic.Requests).Bytes);
        using var second = await GetJsonAsync(client, "api/v1/namespaces", null);
        Assert.Equal(20, second.RootElement.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task List_TruncatedBodyFault_ServesA200WhoseBodyEndsEarly()
    {
        var cluster = _server.AddCluster("truncated").Add(KubeObjects.Namespace("a"), KubeObjects.Namespace("b"));
        cluster.Faults.Add(KubeFault.TruncatedBody(40), KubeRequestMatch.Resource("namespaces"), times: 1);
        using var client = new KubeClient(cluster.CreateClientConfiguration());
        var ct = TestContext.Current.CancellationToken;

        using var response = await SendAsync(client, "api/v1/namespaces", null);
        var body = await response.Content.ReadAsByteArrayAsync(ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(40, body.Length);
        Assert.Equal(40, response.Content.Headers.ContentLength);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body));
    }

    [Fact]
    public async Task Apis_ServedCrdGroup_AppearsInGroupListAndAggregatedDiscovery()
    {
        var cluster = _server.AddCluster("crds").ServeGroup("cilium.io");
        using var client = new KubeClient(cluster.CreateClientConfiguration());

        using var groups = await GetJsonAsync(client, "apis", null);
        using var aggregated = await GetJsonAsync(client, "apis", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json");

        var names = groups.RootElement.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("name").GetString()).ToList();
        Assert.Equal(["apps", "networking.k8s.io", "cilium.io"], names);
        Assert.Equal("APIGroupDiscoveryList", aggregated.RootElement.GetProperty("kind").GetString());
        var cilium = aggregated.RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("metadata").GetProperty("name").GetString() == "cilium.io");
        var resources = cilium.GetProperty("versions")[0].GetProperty("resources").EnumerateArray().Select(r => r.GetProperty("resource").GetString());
        Assert.Equal(["ciliumnetworkpolicies", "ciliumclusterwidenetworkpolicies"], resources);
    }

    [Fact]
    public async Task List_UnservedCrdGroup_Returns404()
    {
        var cluster = _server.AddCluster("no-calico");
        using var client = new KubeClient(cluster.CreateClientConfiguration());

        using var response = await SendAsync(client, "apis/crd.projectcalico.org/v1/networkpolicies", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task List_CustomResources_ItemsCarryKindAndApiVersion()
    {
        var cluster = _server.AddCluster("cnp").Add(
            KubeObjects.Custom("cilium.io/v2", "CiliumNetworkPolicy", "app", "allow-dns", new() { ["endpointSelector"] = new System.Text.Json.Nodes.JsonObject() }));
        using var client = new KubeClient(cluster.CreateClientConfiguration());

        using var list = await GetJsonAsync(client, "apis/cilium.io/v2/ciliumnetworkpolicies", null);

        var item = Assert.Single(list.RootElement.GetProperty("items").EnumerateArray().ToList());
        Assert.Equal("CiliumNetworkPolicy", item.GetProperty("kind").GetString());
        Assert.Equal("CiliumNetworkPolicyList", list.RootElement.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task CreateNamespacedNetworkPolicy_DryRunThenReal_StoresOnlyTheRealOne()
    {
        var cluster = _server.AddCluster("create").Add(KubeObjects.Namespace("app"));
        using var client = new KubeClient(cluster.CreateClientConfiguration());
        var ct = TestContext.Current.CancellationToken;
        var policy = new V1NetworkPolicy
        {
            Metadata = new V1ObjectMeta { Name = "default-deny", Labels = new Dictionary<string, string> { ["netpolgov.io/managed"] = "true" } },
            Spec = new V1NetworkPolicySpec { PodSelector = new V1LabelSelector(), PolicyTypes = ["Ingress"] },
        };

        var dryRun = await client.NetworkingV1.CreateNamespacedNetworkPolicyAsync(policy, "app", dryRun: "All", cancellationToken: ct);
        var afterDryRun = await client.NetworkingV1.ListNamespacedNetworkPolicyAsync("app", cancellationToken: ct);
        var created = await client.NetworkingV1.CreateNamespacedNetworkPolicyAsync(policy, "app", cancellationToken: ct);
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => client.NetworkingV1.CreateNamespacedNetworkPolicyAsync(policy, "app", cancellationToken: ct));
        var afterCreate = await client.NetworkingV1.ListNamespacedNetworkPolicyAsync("app", cancellationToken: ct);

        Assert.Equal("default-deny", dryRun.Metadata.Name);
        Assert.Empty(afterDryRun.Items);
        Assert.NotNull(created.Metadata.Uid);
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
        Assert.Equal("Ingress", Assert.Single(Assert.Single(afterCreate.Items).Spec.PolicyTypes));
    }

    [Fact]
    public async Task CreateNamespacedNetworkPolicy_MissingNamespace_Returns404()
    {
        var cluster = _server.AddCluster("create-missing-ns");
        using var client = new KubeClient(cluster.CreateClientConfiguration());
        var policy = new V1NetworkPolicy { Metadata = new V1ObjectMeta { Name = "p" }, Spec = new V1NetworkPolicySpec { PodSelector = new V1LabelSelector() } };

        var error = await Assert.ThrowsAsync<HttpOperationException>(
            () => client.NetworkingV1.CreateNamespacedNetworkPolicyAsync(policy, "ghost", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
    }

    [Fact]
    public async Task DeleteCollectionNamespacedNetworkPolicy_ByLabelSelector_RemovesOnlyMatching()
    {
        var managed = new Dictionary<string, string> { ["netpolgov.io/managed"] = "true" };
        var cluster = _server.AddCluster("delete").Add(
            KubeObjects.Namespace("app"),
            KubeObjects.NetworkPolicy("app", "ours", new() { ["podSelector"] = new System.Text.Json.Nodes.JsonObject() }, managed),
            KubeObjects.NetworkPolicy("app", "theirs", new() { ["podSelector"] = new System.Text.Json.Nodes.JsonObject() }));
        using var client = new KubeClient(cluster.CreateClientConfiguration());
        var ct = TestContext.Current.CancellationToken;

        await client.NetworkingV1.DeleteCollectionNamespacedNetworkPolicyAsync("app", labelSelector: "netpolgov.io/managed=true", cancellationToken: ct);
        var remaining = await client.NetworkingV1.ListNamespacedNetworkPolicyAsync("app", cancellationToken: ct);

        Assert.Equal("theirs", Assert.Single(remaining.Items).Metadata.Name);
    }

    [Fact]
    public async Task Traffic_TwoClustersOnOneListener_AreIsolatedAndCountedSeparately()
    {
        var one = _server.AddCluster("one").Add(KubeObjects.Namespace("only-in-one"));
        var two = _server.AddCluster("two").Add(KubeObjects.Namespace("only-in-two"));
        using var clientOne = new KubeClient(one.CreateClientConfiguration());
        using var clientTwo = new KubeClient(two.CreateClientConfiguration());
        var ct = TestContext.Current.CancellationToken;

        var fromOne = await clientOne.CoreV1.ListNamespaceAsync(cancellationToken: ct);
        var fromTwo = await clientTwo.CoreV1.ListNamespaceAsync(cancellationToken: ct);
        await clientTwo.CoreV1.ListNamespaceAsync(cancellationToken: ct);
        var crossToken = two.CreateClientConfiguration();
        crossToken.Host = one.ServerUrl.AbsoluteUri;
        using var crossClient = new KubeClient(crossToken);
        var cross = await Assert.ThrowsAsync<HttpOperationException>(() => crossClient.CoreV1.ListNamespaceAsync(cancellationToken: ct));

        Assert.Equal("only-in-one", Assert.Single(fromOne.Items).Metadata.Name);
        Assert.Equal("only-in-two", Assert.Single(fromTwo.Items).Metadata.Name);
        Assert.Equal(HttpStatusCode.Unauthorized, cross.Response.StatusCode);
        Assert.Equal(2, one.Traffic.Calls);
        Assert.Equal(2, two.Traffic.Calls);
        Assert.True(two.Traffic.BytesSent > 0);
    }

    [Fact]
    public async Task Get_ConfigMapByName_ReturnsTypedObject()
    {
        var cluster = _server.AddCluster("cm").Add(KubeObjects.ConfigMap("kube-system", "cilium-config", new Dictionary<string, string> { ["enable-policy"] = "default" }));
        using var client = new KubeClient(cluster.CreateClientConfiguration());

        var configMap = await client.CoreV1.ReadNamespacedConfigMapAsync("cilium-config", "kube-system", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("default", configMap.Data["enable-policy"]);
    }

    [Fact]
    public async Task Kubeconfig_ExecUser_AuthenticatesThroughTheCommand()
    {
        var cluster = _server.AddCluster("exec").Add(KubeObjects.Namespace("a"));
        using var client = ClientFromKubeconfig(cluster.Kubeconfig(userKind: KubeconfigUserKind.Exec));

        var list = await client.CoreV1.ListNamespaceAsync(cancellationToken: TestContext.Current.CancellationToken);

        Assert.Single(list.Items);
    }

    private static KubeClient ClientFromKubeconfig(string kubeconfig)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(kubeconfig));
        return new KubeClient(KubernetesClientConfiguration.BuildConfigFromConfigFile(stream));
    }

    private static async Task<HttpResponseMessage> SendAsync(KubeClient client, string relativePath, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseUri, relativePath));
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        await client.Credentials.ProcessHttpRequestAsync(request, TestContext.Current.CancellationToken);
        return await client.HttpClient.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<JsonDocument> GetJsonAsync(KubeClient client, string relativePath, string? accept)
    {
        using var response = await SendAsync(client, relativePath, accept);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
    }
}
