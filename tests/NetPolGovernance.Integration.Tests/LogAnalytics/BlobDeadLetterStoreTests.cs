using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Connectors.LogAnalytics;
using NetPolGovernance.Integration.Tests.Functions;
using NetPolGovernance.Service.DeadLetters;
using NetPolGovernance.Testing.LogAnalytics;

namespace NetPolGovernance.Integration.Tests.LogAnalytics;

/// <summary>The Functions app's dead-letter store on Azurite (HTTPS + OAuth, bearer tokens as in Azure).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobDeadLetterStoreTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task PublishAsync_ServiceDown_RowsKeptInBlobsThenReplayedOnceByNextRun()
    {
        var container = azurite.Server.NextAccount().CreateBlobServiceClient().GetBlobContainerClient(BlobDeadLetterStore.DefaultContainerName);
        await using var server = await LoopbackLogsIngestionServer.StartAsync(TestContext.Current.CancellationToken);
        var assessment = SampleAssessments.Cluster("aks-blob", namespaces: 3);
        server.FailAlways(503);
        using (var run1 = new LogAnalyticsPublisher(server.CreateClient(maxRetries: 0), new BlobDeadLetterStore(container), NullLogger<LogAnalyticsPublisher>.Instance))
        {
            var failed = await run1.PublishAsync(SampleAssessments.Scan("blob-1"), assessment, TestContext.Current.CancellationToken);
            Assert.Equal((1 + 3 + 2, container.Uri.ToString()), (failed.RowsFailed, failed.DeadLetterLocation));
        }

        server.StopFailing();
        using var run2 = new LogAnalyticsPublisher(server.CreateClient(), new BlobDeadLetterStore(container), NullLogger<LogAnalyticsPublisher>.Instance);
        var replay = await run2.ReplayDeadLettersAsync(TestContext.Current.CancellationToken);

        Assert.Equal((3, 1 + 3 + 2, 0), (replay.Entries, replay.RowsSent, replay.RowsFailed));
        Assert.Equal(1 + 3 + 2, server.AcceptedRowIds().Distinct().Count());
        Assert.Equal(1 + 3 + 2, server.AcceptedRowIds().Count);
        Assert.Empty(await container.GetBlobsAsync(cancellationToken: TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ClaimPendingAsync_TwoInstances_EachEntryClaimedByOneOnly()
    {
        var container = azurite.Server.NextAccount().CreateBlobServiceClient().GetBlobContainerClient(BlobDeadLetterStore.DefaultContainerName);
        var first = new BlobDeadLetterStore(container);
        var second = new BlobDeadLetterStore(container);
        await first.WriteAsync("Custom-NetPolFindings_CL", ["{\"RowId\":\"a\"}"u8.ToArray()], TestContext.Current.CancellationToken);

        var claimedByFirst = await first.ClaimPendingAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
        var claimedBySecond = await second.ClaimPendingAsync(TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        var entry = Assert.Single(claimedByFirst);
        Assert.Empty(claimedBySecond);
        Assert.Equal("Custom-NetPolFindings_CL", entry.StreamName);
        Assert.Equal("{\"RowId\":\"a\"}"u8.ToArray(), Assert.Single(entry.Rows));
    }

    [Fact]
    public async Task ClaimPendingAsync_ReplaySlowerThanTheLease_LeaseRenewedSoNoOtherInstanceCanClaimIt()
    {
        // Arrange: the shortest lease the blob service grants (15 s); the claim is held for longer than that.
        var ct = TestContext.Current.CancellationToken;
        var container = azurite.Server.NextAccount().CreateBlobServiceClient().GetBlobContainerClient(BlobDeadLetterStore.DefaultContainerName);
        await using var replaying = new BlobDeadLetterStore(container, leaseDuration: TimeSpan.FromSeconds(15));
        await using var other = new BlobDeadLetterStore(container, leaseDuration: TimeSpan.FromSeconds(15));
        await replaying.WriteAsync("Custom-NetPolFindings_CL", ["{\"RowId\":\"slow\"}"u8.ToArray()], ct);
        var entry = Assert.Single(await replaying.ClaimPendingAsync(ct).ToListAsync(ct));

        // Act: a replay that takes 22 s (ingestion retries, a throttled service), while another instance looks.
        await Task.Delay(TimeSpan.FromSeconds(22), ct);
        var claimedByOther = await other.ClaimPendingAsync(ct).ToListAsync(ct);
        await replaying.CompleteAsync(entry, ct);

        // Assert: the other instance could not claim (and so not re-send) it, and the slow replay still completed it.
        Assert.Empty(claimedByOther);
        Assert.Empty(await container.GetBlobsAsync(cancellationToken: ct).ToListAsync(ct));
    }
}
