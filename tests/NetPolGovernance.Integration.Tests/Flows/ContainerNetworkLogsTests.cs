using Microsoft.Extensions.DependencyInjection;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Cli.Azure;
using NetPolGovernance.Connectors.Flows;
using NetPolGovernance.Integration.Tests.Cli;
using NetPolGovernance.Testing.LogAnalytics;

namespace NetPolGovernance.Integration.Tests.Flows;

/// <summary>
/// ContainerNetworkLogs through the Log Analytics query API, against a loopback server speaking the REST contract's
/// envelope (<c>{"tables":[{"name","columns","rows"}]}</c>, as in the 2022-10-27 resource-centric example): the
/// request, the summarized rows, dynamic columns as JSON text, and the errors that must never read as "no traffic".
/// </summary>
public sealed class ContainerNetworkLogsTests
{
    private const string ClusterId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-1";

    private const string Columns = """
        [{"name":"Verdict","type":"string"},{"name":"TrafficDirection","type":"string"},{"name":"SourceNamespace","type":"string"},
         {"name":"SourceWorkload","type":"string"},{"name":"SourcePod","type":"string"},{"name":"SourceIP","type":"string"},
         {"name":"DestinationNamespace","type":"string"},{"name":"DestinationWorkload","type":"string"},{"name":"DestinationPod","type":"string"},
         {"name":"DestinationIP","type":"string"},{"name":"Protocol","type":"string"},{"name":"DestinationPort","type":"int"},
         {"name":"Count","type":"long"},{"name":"FirstSeen","type":"datetime"},{"name":"LastSeen","type":"datetime"},
         {"name":"SampleSourcePod","type":"string"},{"name":"SampleDestinationPod","type":"string"},
         {"name":"SourceLabels","type":"string"},{"name":"DestinationLabels","type":"string"},
         {"name":"EgressAllowedBy","type":"dynamic"},{"name":"IngressAllowedBy","type":"dynamic"}]
        """;

    private static string Answer(params string[] rows) =>
        $$"""{"tables":[{"name":"PrimaryResult","columns":{{Columns}},"rows":[{{string.Join(',', rows)}}]}]}""";

    private const string FrontendToApi = """
        ["FORWARDED","EGRESS","shop","Deployment/frontend","","","shop","Deployment/api","","","TCP",8081,120,"2026-12-03T08:00:00Z","2026-12-03T20:00:00.1234567Z",
         "frontend-7d9c6b5f4-x2k8p","api-5f7b8c9d6-q4w7r","[\"k8s:app=frontend\"]","[\"k8s:app=api\"]",
         "[\"[{\\\"name\\\":\\\"allow-dns-egress\\\",\\\"namespace\\\":\\\"shop\\\"}]\"]","[]"]
        """;

    private const string ApiToWorld = """
        ["DROPPED","EGRESS","shop","Deployment/api","","","","","","20.50.1.2","TCP",443,3,"2026-12-03T09:00:00Z","2026-12-03T09:05:00Z",
         "api-5f7b8c9d6-q4w7r","","[\"k8s:app=api\"]","","[]","[]"]
        """;

    [Fact]
    public async Task ResourceCentricQuery_SendsTheQueryAndWindow_AndRowsBecomeConnections()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackLogAnalyticsQueryServer.StartAsync(ct);
        server.ResponseBody = Answer(FrontendToApi, ApiToWorld);
        var aggregator = new FlowAggregator();

        var rows = await ContainerNetworkLogsReader.ReadAsync(server.CreateClient(), ClusterId, isWorkspace: false, TimeSpan.FromHours(24), aggregator, ct);

        Assert.Equal(2, rows);
        var request = Assert.Single(server.Requests);
        Assert.Equal($"/v1{ClusterId}/query", request.Path);
        Assert.Equal("P1D", request.Timespan);
        Assert.Equal(ContainerNetworkLogsQuery.Text, request.Query);
        var traffic = aggregator.Result();
        var edge = traffic.Edges.Single(e => e.Key.Port == 8081);
        Assert.Equal("shop/Deployment/frontend", edge.Key.Source.ToString());
        Assert.Equal(120, edge.Count);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero), edge.FirstSeen);
        Assert.Equal("frontend-7d9c6b5f4-x2k8p", edge.SourceSample.PodName);
        Assert.Equal("frontend", edge.SourceSample.Labels["app"]);
        Assert.Equal(["shop/allow-dns-egress"], edge.AllowedBy);
        var drop = traffic.Edges.Single(e => e.Key.Port == 443);
        Assert.Equal("ip:20.50.1.2", drop.Key.Destination.ToString());
        Assert.Equal(3, drop.Dropped);
    }

    [Fact]
    public async Task WorkspaceQuery_UsesTheWorkspacePath()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackLogAnalyticsQueryServer.StartAsync(ct);

        await ContainerNetworkLogsReader.ReadAsync(server.CreateClient(), "11111111-2222-3333-4444-555555555555", isWorkspace: true, TimeSpan.FromDays(7), new FlowAggregator(), ct);

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/workspaces/11111111-2222-3333-4444-555555555555/query", request.Path);
        Assert.Equal("P7D", request.Timespan);
    }

    [Theory]
    [InlineData(403, """{"error":{"code":"InsufficientAccessError","message":"The provided credentials have insufficient access to perform the requested operation"}}""", "InsufficientAccessError: The provided credentials have insufficient access")]
    [InlineData(200, """{"tables":[{"name":"PrimaryResult","columns":[],"rows":[]}],"error":{"code":"PartialError","message":"There were some errors when processing your query."}}""", "the answer is partial (PartialError")]
    [InlineData(200, """{"nothing":1}""", "the answer has no \"tables\"")]
    [InlineData(200, "not json", "the answer is not JSON")]
    public async Task ErrorsAndPartialAnswers_AreRefused_NeverReadAsNoTraffic(int status, string body, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackLogAnalyticsQueryServer.StartAsync(ct);
        server.ResponseStatus = status;
        server.ResponseBody = body;

        var error = await Assert.ThrowsAsync<LogAnalyticsQueryException>(() =>
            ContainerNetworkLogsReader.ReadAsync(server.CreateClient(), ClusterId, isWorkspace: false, TimeSpan.FromHours(1), new FlowAggregator(), ct));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stage_FromAWorkspace_ReplaysTheRows_AndAQueryErrorExitsThree()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackLogAnalyticsQueryServer.StartAsync(ct);
        server.ResponseBody = Answer(FrontendToApi, ApiToWorld);
        string[] args = ["stage", "--manifests", CliHarness.SamplesPath("manifests"), "--proposed", CliHarness.SamplesPath("flows", "proposed"),
            "--flows-from-workspace", "11111111-2222-3333-4444-555555555555", "--since", "12h", "--format", "json"];
        using var cli = new CliHarness { Overrides = s => s.AddSingleton<IFlowQueryClientFactory>(new LoopbackFactory(server)) };

        var exit = await cli.RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Contains("shop/Deployment/frontend", cli.RawStandardOutput, StringComparison.Ordinal);
        Assert.Equal("PT12H", Assert.Single(server.Requests).Timespan);

        server.ResponseStatus = 403;
        server.ResponseBody = """{"error":{"code":"InsufficientAccessError","message":"no access"}}""";
        using var denied = new CliHarness { Overrides = s => s.AddSingleton<IFlowQueryClientFactory>(new LoopbackFactory(server)) };
        Assert.Equal(3, await denied.RunAsync(args));
        Assert.Contains("--flows-from-workspace: InsufficientAccessError: no access", denied.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1s")]
    [InlineData("100d")]
    [InlineData("soon")]
    public async Task Stage_SinceOutOfRange_IsAUsageError(string since)
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("stage", "--manifests", CliHarness.SamplesPath("manifests"), "--proposed", CliHarness.SamplesPath("flows", "proposed"),
            "--flows-from-workspace", "w", "--since", since);

        Assert.Equal(1, exit);
        Assert.Contains($"--since '{since}' is not a duration between 5 minutes and 90 days", cli.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "https://api.loganalytics.io/")]
    [InlineData("AzureUSGovernment", null, "https://api.loganalytics.us/")]
    [InlineData("AzureChinaCloud", null, "https://api.loganalytics.azure.cn/")]
    [InlineData("AzureUSGovernment", "https://query.contoso.example/", "https://query.contoso.example/")]
    public async Task Scan_FromWorkspace_QueriesTheCloudsLogAnalyticsApi_UnlessAnEndpointIsGiven(string? cloud, string? endpoint, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackLogAnalyticsQueryServer.StartAsync(ct);
        var factory = new LoopbackFactory(server);
        using var cli = new CliHarness { Overrides = s => s.AddSingleton<IFlowQueryClientFactory>(factory) };
        List<string> args = ["scan", "--manifests", CliHarness.SamplesPath("manifests"), "--flows-from-workspace", "--format", "json"];
        if (cloud is not null)
        {
            args.AddRange(["--cloud", cloud]);
        }

        if (endpoint is not null)
        {
            args.AddRange(["--flows-endpoint", endpoint]);
        }

        await cli.RunAsync([.. args]);

        Assert.Equal(new Uri(expected), Assert.Single(factory.Endpoints));
        Assert.Equal(expected, LogAnalyticsQueryClientOptions.For(new Uri(expected)).Scope.Replace(".default", string.Empty, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://query.contoso.example/")]
    [InlineData("not a url")]
    public async Task Scan_FlowsEndpointNotHttps_IsAUsageError(string endpoint)
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("scan", "--manifests", CliHarness.SamplesPath("manifests"), "--flows-from-workspace", "--flows-endpoint", endpoint);

        Assert.Equal(1, exit);
        Assert.Contains($"--flows-endpoint '{endpoint}' is not an absolute https URL", cli.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", cli.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_FromWorkspace_CustomCloudWithoutEndpoint_IsAUsageErrorNamingTheOption()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("scan", "--manifests", CliHarness.SamplesPath("manifests"), "--flows-from-workspace", "--arm-endpoint", "https://management.contoso.example/");

        Assert.Equal(1, exit);
        Assert.Contains("custom cloud (--arm-endpoint): its Log Analytics query endpoint is not known; give --flows-endpoint", cli.StandardError, StringComparison.Ordinal);
    }

    private sealed class LoopbackFactory(LoopbackLogAnalyticsQueryServer server) : IFlowQueryClientFactory
    {
        public List<Uri?> Endpoints { get; } = [];

        public LogAnalyticsQueryClient Create(Uri? endpoint)
        {
            Endpoints.Add(endpoint);
            return server.CreateClient();
        }
    }
}
