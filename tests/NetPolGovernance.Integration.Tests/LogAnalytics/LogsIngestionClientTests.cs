using NetPolGovernance.Connectors.LogAnalytics;
using NetPolGovernance.Testing.LogAnalytics;

namespace NetPolGovernance.Integration.Tests.LogAnalytics;

/// <summary>The ingestion client against a loopback HTTPS Logs Ingestion endpoint that enforces the contract.</summary>
public sealed class LogsIngestionClientTests
{
    private static readonly string s_findings = LogAnalyticsSchema.Findings.StreamName;

    [Fact]
    public async Task UploadAsync_MoreThanOneMebibyte_EveryRowArrivesOnceInBatchesWithinLimit()
    {
        await using var server = await LoopbackLogsIngestionServer.StartAsync(TestContext.Current.CancellationToken);
        var rows = FindingRows(scanId: "big", clusters: 12, namespaces: 100);

        var result = await server.CreateClient().UploadAsync(s_findings, rows, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
        Assert.Equal(rows.Length, result.RowsSent);
        Assert.Equal(rows.Length, server.RowsFor(s_findings).Count);
        Assert.Equal(server.AcceptedRowIds().Count, server.AcceptedRowIds().Distinct().Count());
        Assert.True(server.Requests.Count > 1, "expected several batches");
        Assert.All(server.Requests, r => Assert.InRange(r.UncompressedBytes, 1, LoopbackLogsIngestionServer.MaxBodyBytes));
        Assert.All(server.Requests, r => Assert.True(r.CompressedBytes < r.UncompressedBytes, "bodies are gzip-compressed"));
        Assert.Contains("https://monitor.azure.com//.default", server.Credential.RequestedScopes);
    }

    [Fact]
    public async Task UploadAsync_Injected429And503_RetriesHonouringRetryAfterAndDeliversOnce()
    {
        await using var server = await LoopbackLogsIngestionServer.StartAsync(TestContext.Current.CancellationToken);
        server.InjectFaults(new IngestionFault(429, TimeSpan.FromSeconds(1)), new IngestionFault(503));
        var rows = FindingRows(scanId: "throttled", clusters: 1, namespaces: 10);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var result = await server.CreateClient().UploadAsync(s_findings, rows, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"Retry-After: 1 was not honoured (took {watch.Elapsed})");
        Assert.Equal([429, 503, 204], server.Requests.Select(r => r.Status));
        Assert.Equal(rows.Length, server.RowsFor(s_findings).Count);
        Assert.Single(server.Requests.Select(r => r.ClientRequestId).Distinct());
    }

    [Fact]
    public async Task UploadAsync_413_SplitsTheBatchAndDeliversEveryRowOnce()
    {
        await using var server = await LoopbackLogsIngestionServer.StartAsync(TestContext.Current.CancellationToken);
        server.InjectFaults(new IngestionFault(413));
        var rows = FindingRows(scanId: "split", clusters: 1, namespaces: 20);

        var result = await server.CreateClient().UploadAsync(s_findings, rows, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
        Assert.Equal(413, server.Requests[0].Status);
        Assert.Equal(2, server.Requests.Count(r => r.Status == 204));
        Assert.Equal(rows.Length, server.AcceptedRowIds().Distinct().Count());
        Assert.Equal(rows.Length, server.RowsFor(s_findings).Count);
    }

    [Fact]
    public async Task UploadAsync_RowOverOneMebibyte_ReportedFailedWithItsRowOthersDelivered()
    {
        await using var server = await LoopbackLogsIngestionServer.StartAsync(TestContext.Current.CancellationToken);
        var rows = FindingRows(scanId: "oversized", clusters: 1, namespaces: 4);
        var huge = RowSerializer.Serialize(Finding("huge", new string('x', 1_100_000)));

        var result = await server.CreateClient().UploadAsync(s_findings, [.. rows, huge], TestContext.Current.CancellationToken);

        var failure = Assert.Single(result.Failures);
        Assert.Equal(413, failure.Status);
        Assert.Same(huge, Assert.Single(failure.Rows));
        Assert.Equal(rows.Length, result.RowsSent);
        Assert.Equal(rows.Length, server.RowsFor(s_findings).Count);
    }

    [Fact]
    public async Task UploadAsync_ServiceKeepsFailing_EachFailedBatchCarriesItsRows()
    {
        await using var server = await LoopbackLogsIngestionServer.StartAsync(TestContext.Current.CancellationToken);
        server.FailAlways(503);
        var rows = FindingRows(scanId: "down", clusters: 12, namespaces: 100);

        var result = await server.CreateClient(maxRetries: 1).UploadAsync(s_findings, rows, TestContext.Current.CancellationToken);

        Assert.Equal(0, result.RowsSent);
        Assert.True(result.Failures.Count > 1);
        Assert.All(result.Failures, f => Assert.Equal(503, f.Status));
        Assert.Equal(rows.OrderBy(Key), result.Failures.SelectMany(f => f.Rows).OrderBy(Key), ByteArrays.Instance);
        Assert.Empty(server.RowsFor(s_findings));
    }

    [Fact]
    public async Task UploadAsync_WrongImmutableId_404NotRetriedAndReported()
    {
        await using var server = await LoopbackLogsIngestionServer.StartAsync(TestContext.Current.CancellationToken);
        var client = new LogsIngestionClient(server.Endpoint, "dcr-wrong", server.Credential, server.CreateClientOptions());

        var result = await client.UploadAsync(s_findings, FindingRows("x", 1, 2), TestContext.Current.CancellationToken);

        Assert.Equal(404, Assert.Single(result.Failures).Status);
        Assert.Contains("dcr-wrong", result.Failures[0].Error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task UploadAsync_RowWithUndeclaredColumn_RejectedByContract()
    {
        await using var server = await LoopbackLogsIngestionServer.StartAsync(TestContext.Current.CancellationToken);

        var result = await server.CreateClient().UploadAsync(
            s_findings, ["{\"TimeGenerated\":\"2026-11-26T06:00:00Z\",\"Cluster\":\"aks-a\"}"u8.ToArray()], TestContext.Current.CancellationToken);

        Assert.Equal(400, Assert.Single(result.Failures).Status);
        Assert.Contains("Cluster", result.Failures[0].Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public", "https://monitor.azure.com//.default")]
    [InlineData("usgov", "https://monitor.azure.us//.default")]
    [InlineData("china", "https://monitor.azure.cn//.default")]
    [InlineData("https://monitor.example.sovcloud/", "https://monitor.example.sovcloud//.default")]
    public void Audience_Parse_GivesSdkScope(string value, string scope)
    {
        Assert.Equal(scope, LogsIngestionAudience.Parse(value).Scope);
    }

    [Fact]
    public void Audience_ParseUnknown_ThrowsNamingTheValue()
    {
        var error = Assert.Throws<ArgumentException>(() => LogsIngestionAudience.Parse("mars"));

        Assert.Contains("mars", error.Message, StringComparison.Ordinal);
    }

    internal static byte[][] FindingRows(string scanId, int clusters, int namespaces) =>
        Enumerable.Range(0, clusters)
            .Select(c => AssessmentRowMapper.Map(SampleAssessments.Scan(scanId), SampleAssessments.Cluster($"aks-{c}", namespaces, 4)))
            .SelectMany(r => r.Findings)
            .Select(RowSerializer.Serialize)
            .ToArray();

    private static FindingRow Finding(string id, string message) => new()
    {
        TimeGenerated = DateTimeOffset.UnixEpoch,
        RowId = id,
        ScanId = "s",
        ClusterName = "c",
        CheckId = "NPG-N01",
        CheckTitle = "t",
        Severity = "High",
        Result = "Fail",
        Message = message,
    };

    private static string Key(byte[] row) => Convert.ToBase64String(row);

    private sealed class ByteArrays : IEqualityComparer<byte[]>
    {
        public static ByteArrays Instance { get; } = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length;
    }
}
