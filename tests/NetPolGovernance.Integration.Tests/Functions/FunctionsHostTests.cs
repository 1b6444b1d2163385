using System.Net;
using System.Text.Json;
using Azure.Storage.Queues;
using NetPolGovernance.Connectors.LogAnalytics;
using NetPolGovernance.Service;
using NetPolGovernance.Simulator.Azure;
using NetPolGovernance.Simulator.Kubernetes;
using NetPolGovernance.Testing.Functions;
using NetPolGovernance.Testing.LogAnalytics;
using NetPolGovernance.Testing.Service;
using NetPolGovernance.Testing.Storage;

namespace NetPolGovernance.Integration.Tests.Functions;

/// <summary>
/// The built Functions worker (src/NetPolGovernance.Functions, its own process) driven by the loopback Functions host
/// over the host–worker gRPC protocol, with nothing of the app replaced: it signs in through the App Service managed
/// identity endpoint, reaches "management.azure.com" (the loopback ARM server, through a proxy), Azurite, the loopback
/// Kubernetes API server (a public cluster, through the kubeconfig ARM hands out) and the loopback Logs Ingestion API over
/// verified TLS, with its production settings read from the environment.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FunctionsHostTests(FunctionsHostFixture fixture) : IClassFixture<FunctionsHostFixture>
{
    [Fact]
    public void Startup_WorkerIndexesAndLoadsEveryTrigger()
    {
        var host = fixture.Host;

        Assert.Equal(
            ["Health", "ScanCluster", "ScanClusterPoison", "ScanNow", "ScheduleFleetScan"],
            host.Functions.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ScanStorageNames.ClusterScanQueue, host.Functions["ScanCluster"].Trigger("queueTrigger")["queueName"]!.GetValue<string>());
        Assert.Equal(ScanStorageNames.ClusterScanPoisonQueue, host.Functions["ScanClusterPoison"].Trigger("queueTrigger")["queueName"]!.GetValue<string>());
        Assert.Equal("%" + FunctionSettings.ScanSchedule + "%", host.Functions["ScheduleFleetScan"].Trigger("timerTrigger")["schedule"]!.GetValue<string>());
    }

    [Fact]
    public async Task ScheduledScan_TimerEnqueuesOneMessagePerCluster_QueueTriggerPublishesRows_PoisonTriggerPublishesUnknown()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;

        var timer = await host.RunTimerAsync("ScheduleFleetScan", isPastDue: false, ct);
        Assert.True(timer.Result.Status == Testing.Functions.Rpc.StatusResult.Types.Status.Success, $"{timer.Result.Exception?.Message}{Environment.NewLine}{host.WorkerOutput}");
        var messages = (await fixture.ScanQueue.PeekMessagesAsync(maxMessages: 32, ct)).Value;
        var scanIds = messages.Select(m => ScanIdOf(m.MessageText)).Distinct().ToList();
        Assert.Equal(4, messages.Length);
        var scanId = Assert.Single(scanIds);

        var main = await host.DrainQueueAsync("ScanCluster", ct);
        var poison = await host.DrainQueueAsync("ScanClusterPoison", ct);

        var rows = fixture.Ingestion.RowsFor(LogAnalyticsSchema.ClusterScans).Where(r => r.GetProperty("ScanId").GetString() == scanId).ToList();
        var statuses = rows.ToDictionary(r => r.GetProperty("ClusterName").GetString()!, r => r.GetProperty("Status").GetString());
        Assert.True((3, 1, 1) == (main.Succeeded, main.Poisoned, poison.Succeeded), $"{main.Succeeded}/{main.Poisoned}/{poison.Succeeded}: {string.Join(" | ", main.Failures)}{Environment.NewLine}{host.WorkerOutput}");
        Assert.Equal(ScanStorageNames.MaxDequeueCount, main.Failures.Count);
        Assert.Equal(4, rows.Count);
        Assert.Equal("Scanned", statuses["aks-east"]);
        Assert.Equal("Scanned", statuses["aks-public"]);
        Assert.Equal("AksEntraToken", rows.Single(r => r.GetProperty("ClusterName").GetString() == "aks-public").GetProperty("AccessPath").GetString());
        Assert.True(fixture.PublicCluster.Traffic.Calls > 0);
        Assert.Equal("Scanned", statuses["aks-west"]);
        Assert.Equal("Unknown", statuses["aks-broken"]);
        Assert.Contains("KubernetesPerformanceError", rows.Single(r => r.GetProperty("ClusterName").GetString() == "aks-broken").GetProperty("Error").GetString(), StringComparison.Ordinal);
        var namespaces = fixture.Ingestion.RowsFor(LogAnalyticsSchema.Namespaces).Where(r => r.GetProperty("ScanId").GetString() == scanId).ToList();
        Assert.Equal(2 * 4, namespaces.Count(r => r.GetProperty("ClusterName").GetString() is "aks-east" or "aks-west"));
        Assert.Contains(namespaces, r => r.GetProperty("ClusterName").GetString() == "aks-public" && r.GetProperty("Namespace").GetString() == "payments");
        Assert.Empty((await fixture.ScanQueue.PeekMessagesAsync(maxMessages: 32, ct)).Value);
        Assert.Empty((await fixture.PoisonQueue.PeekMessagesAsync(maxMessages: 32, ct)).Value);
        Assert.True(fixture.Proxy.Tunnels > 0);
    }

    [Fact]
    public async Task ScanNow_OverHttp_NeedsTheFunctionKey_EnqueuesTheNamedCluster_RefusesABadScope()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;
        using var http = host.CreateHttpClient();

        using var anonymous = await http.PostAsync(new Uri("api/scan?clusterName=aks-east", UriKind.Relative), content: null, ct);
        using var wrongMethod = await http.GetAsync(new Uri($"api/scan?clusterName=aks-east&code={host.FunctionKey}", UriKind.Relative), ct);
        using var badScope = await http.PostAsync(new Uri($"api/scan?clusterName=aks-east&subscriptionId=not-a-guid&code={host.FunctionKey}", UriKind.Relative), content: null, ct);
        using var accepted = await http.PostAsync(new Uri($"api/scan?clusterName=aks-east&code={host.FunctionKey}", UriKind.Relative), content: null, ct);
        var body = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync(ct)).RootElement;
        var messages = (await fixture.ScanQueue.PeekMessagesAsync(maxMessages: 32, ct)).Value;
        var drained = await host.DrainQueueAsync("ScanCluster", ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wrongMethod.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badScope.StatusCode);
        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"{accepted.StatusCode}: {body}{Environment.NewLine}{host.WorkerOutput}");
        Assert.Equal("application/json; charset=utf-8", accepted.Content.Headers.ContentType?.ToString());
        Assert.Equal(1, body.GetProperty("clustersEnqueued").GetInt32());
        var message = Assert.Single(messages);
        Assert.Equal(body.GetProperty("scanId").GetString(), ScanIdOf(message.MessageText));
        Assert.Contains("aks-east", message.MessageText, StringComparison.Ordinal);
        Assert.Equal(1, drained.Succeeded);
        Assert.Contains(
            fixture.Ingestion.RowsFor(LogAnalyticsSchema.ClusterScans),
            r => r.GetProperty("ScanId").GetString() == body.GetProperty("scanId").GetString() && r.GetProperty("Status").GetString() == "Scanned");
    }

    [Fact]
    public async Task Health_OverHttp_ReportsEveryCheck_StatusFollowsTheWorstCheck()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = fixture.Host;
        using var http = host.CreateHttpClient();

        using var anonymous = await http.GetAsync(new Uri("api/health", UriKind.Relative), ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/health", UriKind.Relative));
        request.Headers.Add("x-functions-key", host.FunctionKey);
        using var answer = await http.SendAsync(request, ct);
        var report = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(ct)).RootElement;
        var checks = report.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(report.GetProperty("state").GetString() == "Unhealthy" ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("Healthy", checks["inventory"].GetProperty("state").GetString());
        Assert.Contains("aks-", checks["inventory"].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(host.IdentityRequests, r => r.StartsWith("https://management.azure.com", StringComparison.Ordinal));
    }

    private static string ScanIdOf(string messageText)
    {
        using var json = JsonDocument.Parse(messageText);
        return json.RootElement.EnumerateObject().Single(p => string.Equals(p.Name, "scanId", StringComparison.OrdinalIgnoreCase)).Value.GetString()!;
    }
}

/// <summary>
/// One worker for the class: the loopback ARM fleet (three private clusters, one whose runCommand fails, and a public
/// cluster on the loopback Kubernetes API server), Logs Ingestion, the proxy and an Azurite account.
/// </summary>
public sealed class FunctionsHostFixture(AzuriteFixture azurite) : IAsyncLifetime
{
    public const string Subscription = "3b6f2c1d-7a8e-4f90-b1c2-d3e4f5a6b7c8";

    private const string ClientId = "5c0ffee0-1234-4abc-9def-001122334455";

    private LoopbackKubernetesApiServer? _kube;
    private AzureLoopbackServer? _arm;
    private LoopbackLogsIngestionServer? _ingestion;
    private LoopbackHttpsProxy? _proxy;
    private LoopbackFunctionsHost? _host;
    private AzuriteAccount? _account;

    public LoopbackFunctionsHost Host => _host ?? throw new InvalidOperationException("not started");

    public LoopbackLogsIngestionServer Ingestion => _ingestion ?? throw new InvalidOperationException("not started");

    /// <summary>The public cluster's API server (the worker reads it directly, with an Entra token for the AKS audience).</summary>
    internal VirtualCluster PublicCluster { get; private set; } = null!;

    public LoopbackHttpsProxy Proxy => _proxy ?? throw new InvalidOperationException("not started");

    public QueueClient ScanQueue => _account!.CreateQueueServiceClient().GetQueueClient(ScanStorageNames.ClusterScanQueue);

    public QueueClient PoisonQueue => _account!.CreateQueueServiceClient().GetQueueClient(ScanStorageNames.ClusterScanPoisonQueue);

    /// <summary>The Functions app's build output for the configuration this test assembly was built in.</summary>
    public static string AppDirectory()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testOutput.Parent?.Name ?? throw new InvalidOperationException($"Unexpected test output folder {testOutput}.");
        var app = Path.Combine(RepositoryPaths.Root, "src", "NetPolGovernance.Functions", "bin", configuration, testOutput.Name);
        return File.Exists(Path.Combine(app, "worker.config.json")) ? app : throw new InvalidOperationException($"{app} holds no built Functions app.");
    }

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        const string token = "loopback-arm-and-aks-token";
        _kube = await LoopbackKubernetesApiServer.StartAsync(ct);
        PublicCluster = _kube.AddCluster("aks-public", token: token)
            .Add(KubeObjects.Namespace("payments"), KubeObjects.Pod("payments", "ledger-0", new Dictionary<string, string> { ["app"] = "ledger" }), KubeObjects.DefaultDeny("payments"));
        var fleet = new AzureFleetDescription
        {
            AcceptedToken = token,
            RunCommandPendingPolls = 0,
            Subscriptions =
            [
                new SimulatedSubscription
                {
                    SubscriptionId = Subscription,
                    Clusters =
                    [
                        Private("aks-east"),
                        Private("aks-west"),
                        Private("aks-broken") with { RunCommandFailureReason = "KubernetesPerformanceError" },
                        new SimulatedCluster { Name = "aks-public", ApiServerUrl = PublicCluster.ServerUrl.ToString(), CertificateAuthorityPem = _kube.CaPem },
                    ],
                },
            ],
        };
        _arm = await AzureLoopbackServer.StartAsync(fleet, ct);
        _ingestion = await LoopbackLogsIngestionServer.StartAsync(ct, immutableId: "dcr-3b6f2c1d7a8e4f90b1c2d3e4f5a6b7c8");
        using (var armHandler = _arm.CreateTrustingHandler())
        {
            _proxy = LoopbackHttpsProxy.Start(new Dictionary<string, (Uri, System.Net.Security.RemoteCertificateValidationCallback)>
            {
                ["management.azure.com"] = (_arm.Endpoint, armHandler.SslOptions.RemoteCertificateValidationCallback!),
            });
        }

        _account = azurite.Server.NextAccount();
        var credential = new ScopedTokenCredential(_account.Credential, _ingestion.Credential, new StaticTokenCredential(fleet.AcceptedToken));
        var queue = _account.QueueServiceUri.ToString();
        var blob = _account.BlobServiceUri.ToString();
        _host = await LoopbackFunctionsHost.StartAsync(
            new LoopbackFunctionsHostOptions
            {
                AppDirectory = AppDirectory(),
                AppSettings = new Dictionary<string, string>
                {
                    ["AzureWebJobsStorage__queueServiceUri"] = queue,
                    ["AzureWebJobsStorage__blobServiceUri"] = blob,
                    ["AzureWebJobsStorage__credential"] = "managedidentity",
                    ["AzureWebJobsStorage__clientId"] = ClientId,
                    [FunctionSettings.ScanSchedule] = FunctionSettings.DefaultScanSchedule,
                    [FunctionSettings.StorageQueueServiceUri] = queue,
                    [FunctionSettings.StorageBlobServiceUri] = blob,
                    [FunctionSettings.StorageCredential] = "managedidentity",
                    [FunctionSettings.StorageClientId] = ClientId,
                    [FunctionSettings.ManagedIdentityClientId] = ClientId,
                    [FunctionSettings.SubscriptionIds] = Subscription,
                    [FunctionSettings.LogsIngestionEndpoint] = _ingestion.Endpoint.ToString(),
                    [FunctionSettings.DcrImmutableId] = _ingestion.ImmutableId,
                    [FunctionSettings.Profile] = "baseline",
                    [FunctionSettings.RunCommandTimeout] = "00:00:30",
                },
                Credential = credential,
                ManagedIdentityClientId = ClientId,
                QueueConnections = new Dictionary<string, QueueServiceClient> { [FunctionSettings.StorageConnection] = _account.CreateQueueServiceClient() },
                TrustedCaPems = [azurite.Server.CaPem, _ingestion.CaPem, _proxy.CaPem],
                HttpsProxy = _proxy.Address,
            },
            ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        if (_ingestion is not null)
        {
            await _ingestion.DisposeAsync();
        }

        if (_arm is not null)
        {
            await _arm.DisposeAsync();
        }

        if (_kube is not null)
        {
            await _kube.DisposeAsync();
        }
    }

    /// <summary>A private cluster (read through runCommand) with two namespaces besides default and kube-system, one default-deny, and a ready Cilium.</summary>
    private static SimulatedCluster Private(string name) => new()
    {
        Name = name,
        PrivateCluster = true,
        RunCommandLogs = new RunCommandOutputBuilder()
            .Namespace("shop")
            .Namespace("web")
            .Pod("shop", "api-0", ("app", "api"))
            .Pod("web", "front-0", ("app", "front"))
            .DefaultDeny("shop")
            .EngineDaemonSet("kube-system", "cilium", 3, 3)
            .Build(),
    };
}
