using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Connectors.LogAnalytics;
using NetPolGovernance.Connectors.Publishing;
using NetPolGovernance.Testing.LogAnalytics;

namespace NetPolGovernance.Integration.Tests.LogAnalytics;

public sealed class LogAnalyticsPublisherTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "netpolgov-deadletter-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task PublishAsync_HealthyService_EveryRowArrivesOnEachTableStream()
    {
        await using var server = await LoopbackLogsIngestionServer.StartAsync(TestContext.Current.CancellationToken);
        using var publisher = Publisher(server);
        var assessment = SampleAssessments.Cluster("aks-a", namespaces: 6, findingsPerFailingNamespace: 2);

        var result = await publisher.PublishAsync(SampleAssessments.Scan(), assessment, TestContext.Current.CancellationToken);

        Assert.True(result.Succeeded);
        Assert.Equal(1 + 6 + 6, result.RowsSent);
        Assert.Single(server.RowsFor(LogAnalyticsSchema.ClusterScans));
        Assert.Equal(6, server.RowsFor(LogAnalyticsSchema.Namespaces).Count);
        Assert.Equal(6, server.RowsFor(LogAnalyticsSchema.Findings).Count);
        Assert.Equal("aks-a", server.RowsFor(LogAnalyticsSchema.ClusterScans)[0].GetProperty("ClusterName").GetString());
        Assert.False(Directory.Exists(_folder));
    }

    [Fact]
    public async Task PublishAsync_ServiceDown_RowsDeadLetteredThenReplayedOnceByNextRun()
    {
        await using var server = await LoopbackLogsIngestionServer.StartAsync(TestContext.Current.CancellationToken);
        var first = SampleAssessments.Cluster("aks-a", namespaces: 4);
        var second = SampleAssessments.Cluster("aks-b", namespaces: 2);
        server.FailAlways(503);
        PublishResult failedRun;
        using (var run1 = Publisher(server, maxRetries: 1))
        {
            failedRun = await run1.PublishAsync(SampleAssessments.Scan("run-1"), first, TestContext.Current.CancellationToken);
        }

        server.StopFailing();
        using var run2 = Publisher(server);
        var secondRun = await run2.PublishAsync(SampleAssessments.Scan("run-2"), second, TestContext.Current.CancellationToken);

        Assert.Equal((0, 1 + 4 + 4, _folder), (failedRun.RowsSent, failedRun.RowsFailed, failedRun.DeadLetterLocation));
        Assert.True(secondRun.Succeeded);
        Assert.Equal(1 + 4 + 4, run2.LastReplay!.RowsSent);
        var expected = AllRowIds(first, "run-1").Concat(AllRowIds(second, "run-2")).Order().ToArray();
        Assert.Equal(expected, server.AcceptedRowIds().Order().ToArray());
        Assert.Empty(Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ReplayDeadLettersAsync_StillFailing_RowsKeptInNewEntryNotLost()
    {
        await using var server = await LoopbackLogsIngestionServer.StartAsync(TestContext.Current.CancellationToken);
        server.FailAlways(500);
        using var publisher = Publisher(server, maxRetries: 0);
        await publisher.PublishAsync(SampleAssessments.Scan(), SampleAssessments.Cluster("aks-a", 2), TestContext.Current.CancellationToken);

        var replay = await publisher.ReplayDeadLettersAsync(TestContext.Current.CancellationToken);

        Assert.Equal((0, 1 + 2 + 2), (replay.RowsSent, replay.RowsFailed));
        var store = new LocalFolderDeadLetterStore(_folder);
        var pending = await store.ClaimPendingAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1 + 2 + 2, pending.Sum(e => e.Rows.Count));
    }

    [Fact]
    public async Task LocalFolderStore_ClaimedEntry_NotClaimedTwiceAndGoneWhenCompleted()
    {
        var store = new LocalFolderDeadLetterStore(_folder);
        var written = await store.WriteAsync("Custom-NetPolFindings_CL", ["{\"a\":1}"u8.ToArray(), "{\"a\":2}"u8.ToArray()], TestContext.Current.CancellationToken);

        var claimed = await store.ClaimPendingAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
        var again = await store.ClaimPendingAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
        await store.CompleteAsync(claimed[0], TestContext.Current.CancellationToken);

        Assert.StartsWith(_folder, written, StringComparison.Ordinal);
        Assert.Equal(("Custom-NetPolFindings_CL", 2), (claimed[0].StreamName, Assert.Single(claimed).Rows.Count));
        Assert.Empty(again);
        Assert.Empty(Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task LocalFolderStore_EntryWrittenHoursAgo_ClaimedOnceNotTakenAsStale()
    {
        // A rename keeps the file's time: an entry written two hours ago must not look like a stale claim once claimed.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
        var first = new LocalFolderDeadLetterStore(_folder, time);
        var written = await first.WriteAsync("Custom-NetPolFindings_CL", ["{\"a\":1}"u8.ToArray()], TestContext.Current.CancellationToken);
        File.SetLastWriteTimeUtc(written, time.GetUtcNow().UtcDateTime);
        time.Advance(TimeSpan.FromHours(2));
        var second = new LocalFolderDeadLetterStore(_folder, time);

        var claimed = await first.ClaimPendingAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
        var byOther = await second.ClaimPendingAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        Assert.Single(claimed);
        Assert.Empty(byOther);
        Assert.Equal(Path.GetFileName(written), claimed[0].Id);
    }

    [Fact]
    public async Task LocalFolderStore_StaleClaim_TakenOverByExactlyOneReplay()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero));
        var crashed = new LocalFolderDeadLetterStore(_folder, time);
        await crashed.WriteAsync("Custom-NetPolFindings_CL", ["{\"a\":1}"u8.ToArray()], TestContext.Current.CancellationToken);
        var abandoned = await crashed.ClaimPendingAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
        time.Advance(LocalFolderDeadLetterStore.StaleClaimAge + TimeSpan.FromMinutes(1));

        var a = new LocalFolderDeadLetterStore(_folder, time).ClaimPendingAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken).AsTask();
        var b = new LocalFolderDeadLetterStore(_folder, time).ClaimPendingAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken).AsTask();
        var results = await Task.WhenAll(a, b);

        Assert.Single(abandoned);
        Assert.Equal(1, results.Sum(r => r.Count));
        Assert.Equal(abandoned[0].Id, results.SelectMany(r => r).Single().Id);
    }

    [Fact]
    public async Task LocalFolderStore_EntryWrittenDuringReplay_WaitsForTheNextRun()
    {
        var store = new LocalFolderDeadLetterStore(_folder);
        await store.WriteAsync("Custom-NetPolFindings_CL", ["{\"a\":1}"u8.ToArray()], TestContext.Current.CancellationToken);

        var seen = new List<DeadLetterEntry>();
        await foreach (var entry in store.ClaimPendingAsync(TestContext.Current.CancellationToken))
        {
            seen.Add(entry);

            // What a replay does when the rows fail again: keep them in a new entry (here in another stream's folder).
            await store.WriteAsync("Custom-NetPolNamespaces_CL", entry.Rows, TestContext.Current.CancellationToken);
            await store.CompleteAsync(entry, TestContext.Current.CancellationToken);
        }

        var next = await store.ClaimPendingAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        Assert.Equal("Custom-NetPolFindings_CL", Assert.Single(seen).StreamName);
        Assert.Equal("Custom-NetPolNamespaces_CL", Assert.Single(next).StreamName);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private LogAnalyticsPublisher Publisher(LoopbackLogsIngestionServer server, int maxRetries = 5) =>
        new(server.CreateClient(maxRetries), new LocalFolderDeadLetterStore(_folder), NullLogger<LogAnalyticsPublisher>.Instance);

    private static IEnumerable<string> AllRowIds(ClusterAssessment assessment, string scanId)
    {
        var rows = AssessmentRowMapper.Map(SampleAssessments.Scan(scanId), assessment);
        return [rows.ClusterScan.RowId, .. rows.Namespaces.Select(n => n.RowId), .. rows.Findings.Select(f => f.RowId)];
    }
}
