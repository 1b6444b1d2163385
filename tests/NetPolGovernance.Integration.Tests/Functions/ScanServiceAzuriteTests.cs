using System.Text.Json.Nodes;
using Azure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Functions.Triggers;
using NetPolGovernance.Integration.Tests.Azure;
using NetPolGovernance.Service;
using NetPolGovernance.Simulator.Azure;
using NetPolGovernance.Testing.Service;

namespace NetPolGovernance.Integration.Tests.Functions;

/// <summary>The triggers and the scan service against Azurite (real queues, blobs, leases), with fakes of our own seams.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ScanServiceAzuriteTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ScheduleFleetScan_FiveClusters_EnqueuesOneMessagePerClusterAndRecordsTheScan()
    {
        var ct = TestContext.Current.CancellationToken;
        var fleet = SampleFleet.Targets(5);
        using var harness = ServiceHarness.Create(azurite.Server, new FixedClusterInventory(fleet), Collector(), new RecordingAssessmentPublisher());
        using var enqueued = new MetricCollector<long>(harness.Service<System.Diagnostics.Metrics.IMeterFactory>(), ScanTelemetry.Name, "netpolgov.clusters.enqueued");

        await harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo(), ct);

        var messages = await harness.PeekScanMessagesAsync(ct);
        var record = await harness.Service<ScanLedger>().ReadLatestScanRecordAsync(ct);
        Assert.Equal(fleet.Select(t => t.Identity.Name).Order(), messages.Select(m => m.Target.Identity.Name).Order());
        Assert.Single(messages.Select(m => m.ScanId).Distinct());
        Assert.NotNull(record);
        Assert.Equal(messages[0].ScanId, record.ScanId);
        Assert.Equal(ScanRecordStatus.Enqueued, record.Status);
        Assert.Equal(5, record.ClustersEnqueued);
        Assert.Equal(5, enqueued.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task ScheduleFleetScan_MessageText_CarriesNoSecretAndRoundTrips()
    {
        var ct = TestContext.Current.CancellationToken;
        var fleet = SampleFleet.Targets(1);
        using var harness = ServiceHarness.Create(azurite.Server, new FixedClusterInventory(fleet), Collector(), new RecordingAssessmentPublisher());

        await harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo(), ct);

        var raw = (await harness.ScanQueue.PeekMessageAsync(ct)).Value.MessageText;
        var message = ClusterScanMessage.Parse(raw);
        Assert.Equal(fleet[0].Identity, message.Target.Identity);
        Assert.Equal(fleet[0].NetworkProfile!.NetworkPolicy, message.Target.NetworkProfile!.NetworkPolicy);
        Assert.Equal(fleet[0].NetworkProfile!.NodePoolOsTypes, message.Target.NetworkProfile.NodePoolOsTypes);
        Assert.Equal(fleet[0].Aks, message.Target.Aks);
        Assert.Equal(ClusterScanMessage.CurrentVersion, JsonNode.Parse(raw)!["version"]!.GetValue<int>());
        Assert.DoesNotContain("token", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("kubeconfig", raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ScheduleFleetScan_PastDue_LogsAWarningAndRecordsIt()
    {
        var ct = TestContext.Current.CancellationToken;
        using var harness = ServiceHarness.Create(
            azurite.Server, new FixedClusterInventory(SampleFleet.Targets(1)), Collector(), new RecordingAssessmentPublisher(), services => services.AddFakeLogging());

        await harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo { IsPastDue = true }, ct);

        var record = await harness.Service<ScanLedger>().ReadLatestScanRecordAsync(ct);
        var warning = Assert.Single(harness.Host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Equal("The scheduled scan of fleet is past due (a run was missed or started late)", warning.Message);
        Assert.True(record?.PastDue);
    }

    [Fact]
    public async Task ScheduleFleetScan_LockHeldByAnotherRun_EnqueuesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var harness = ServiceHarness.Create(azurite.Server, new FixedClusterInventory(SampleFleet.Targets(3)), Collector(), new RecordingAssessmentPublisher());
        var other = await harness.Service<ScanLedger>().TryAcquireLockAsync(ScanScope.Fleet.LockName, ct);
        Assert.NotNull(other);

        await using (other)
        {
            await harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo { IsPastDue = true }, ct);
        }

        Assert.Empty(await harness.PeekScanMessagesAsync(ct));
        Assert.Null(await harness.Service<ScanLedger>().ReadLatestScanRecordAsync(ct));
    }

    [Fact]
    public async Task ScheduleFleetScan_AfterAnEarlierRunReleasedTheLock_StartsASecondScan()
    {
        var ct = TestContext.Current.CancellationToken;
        using var harness = ServiceHarness.Create(azurite.Server, new FixedClusterInventory(SampleFleet.Targets(2)), Collector(), new RecordingAssessmentPublisher());
        var coordinator = harness.Service<FleetScanCoordinator>();

        var first = await coordinator.StartAsync(new ScanRequest(ScanTrigger.Schedule, ScanScope.Fleet), ct);
        var second = await coordinator.StartAsync(new ScanRequest(ScanTrigger.Schedule, ScanScope.Fleet), ct);

        Assert.True(first.IsStarted);
        Assert.True(second.IsStarted);
        Assert.NotEqual(first.ScanId, second.ScanId);
        Assert.Equal(4, (await harness.PeekScanMessagesAsync(ct)).Count);
    }

    [Fact]
    public async Task StartAsync_InventoryRefused_RecordsTheFailureAndRethrows()
    {
        var ct = TestContext.Current.CancellationToken;
        var refused = new RequestFailedException(403, "The client does not have authorization to perform action 'Microsoft.ResourceGraph/resources/read'.", "AuthorizationFailed", null);
        using var harness = ServiceHarness.Create(azurite.Server, FixedClusterInventory.Failing(refused), Collector(), new RecordingAssessmentPublisher());

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo(), ct));

        var record = await harness.Service<ScanLedger>().ReadLatestScanRecordAsync(ct);
        Assert.Same(refused, error);
        Assert.NotNull(record);
        Assert.Equal(ScanRecordStatus.Failed, record.Status);
        Assert.Contains("AuthorizationFailed", record.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnDemandScan_OneSubscription_EnqueuesOnlyItsClusters()
    {
        var ct = TestContext.Current.CancellationToken;
        using var harness = ServiceHarness.Create(azurite.Server, new FixedClusterInventory(SampleFleet.Targets(5)), Collector(), new RecordingAssessmentPublisher());

        var result = await harness.Service<FleetScanCoordinator>().StartAsync(
            new ScanRequest(ScanTrigger.OnDemand, ScanScope.OnDemand(SampleFleet.SubscriptionB, null, null)), ct);

        var messages = await harness.PeekScanMessagesAsync(ct);
        Assert.Equal(2, result.ClustersEnqueued);
        Assert.Equal(["aks-01", "aks-03"], messages.Select(m => m.Target.Identity.Name).Order());
        Assert.All(messages, m => Assert.Equal(ScanTrigger.OnDemand, m.Trigger));
    }

    [Fact]
    public async Task ScanCluster_EveryMessage_PublishesEachClusterOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var publisher = new RecordingAssessmentPublisher();
        using var harness = ServiceHarness.Create(azurite.Server, new FixedClusterInventory(SampleFleet.Targets(4)), Collector(), publisher);
        await harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo(), ct);
        var scanCluster = harness.Function<ScanCluster>();

        var log = await harness.DeliverAsync(harness.ScanQueue, scanCluster.RunAsync, ct);

        Assert.Equal(4, log.Succeeded);
        Assert.Empty(log.Failures);
        Assert.Equal(["aks-00", "aks-01", "aks-02", "aks-03"], publisher.Published.Select(p => p.Assessment.Cluster.Name).Order());
        Assert.All(publisher.Published, p => Assert.Equal(ClusterScanStatus.Scanned, p.Assessment.Status));
        Assert.All(publisher.Published, p => Assert.Equal(ComplianceProfile.Strict, p.Scan.Profile));
        Assert.Single(publisher.Published.Select(p => p.Scan.ScanId).Distinct());
    }

    [Fact]
    public async Task ScanCluster_RedeliveredMessage_PublishesNoSecondSetOfRows()
    {
        var ct = TestContext.Current.CancellationToken;
        var publisher = new RecordingAssessmentPublisher();
        var collector = Collector();
        using var harness = ServiceHarness.Create(azurite.Server, new FixedClusterInventory(SampleFleet.Targets(1)), collector, publisher);
        await harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo(), ct);
        var message = (await harness.ScanQueue.ReceiveMessageAsync(cancellationToken: ct)).Value;
        var scanCluster = harness.Function<ScanCluster>();

        await scanCluster.RunAsync(message, ct);
        await scanCluster.RunAsync(message, ct);

        Assert.Single(publisher.Published);
        Assert.Equal(1, collector.CallsFor("aks-00"));
        var completion = await harness.Service<ScanLedger>().ReadCompletionAsync(publisher.Published[0].Scan.ScanId, ClusterScanMessage.Parse(message.MessageText).ClusterKey, ct);
        Assert.NotNull(completion);
        Assert.Equal(ClusterScanStatus.Scanned, completion.Status);
    }

    [Fact]
    public async Task ScanCluster_ClusterThatAlwaysFails_EndsAsOneUnknownRowAfterThePoisonPath()
    {
        var ct = TestContext.Current.CancellationToken;
        var publisher = new RecordingAssessmentPublisher();
        var collector = Collector(new Dictionary<string, string> { ["aks-01"] = "forbidden: the identity has no AKS RBAC Reader role on the cluster (HTTP 403)" });
        using var harness = ServiceHarness.Create(azurite.Server, new FixedClusterInventory(SampleFleet.Targets(2)), collector, publisher);
        await harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo(), ct);

        var main = await harness.DeliverAsync(harness.ScanQueue, harness.Function<ScanCluster>().RunAsync, ct);
        var poison = await harness.DeliverAsync(harness.PoisonQueue, harness.Function<ScanClusterPoison>().RunAsync, ct);

        Assert.Equal(1, main.Succeeded);
        Assert.Equal(1, main.Poisoned);
        Assert.Equal(ScanStorageNames.MaxDequeueCount, main.Failures.Count);
        Assert.All(main.Failures, f => Assert.IsType<ClusterUnreadableException>(f));
        Assert.Equal(1, poison.Succeeded);
        Assert.Equal(ScanStorageNames.MaxDequeueCount, collector.CallsFor("aks-01"));
        var unknown = Assert.Single(publisher.Published, p => p.Assessment.Cluster.Name == "aks-01").Assessment;
        Assert.Equal(ClusterScanStatus.Unknown, unknown.Status);
        Assert.Contains("no AKS RBAC Reader role", unknown.StatusReason, StringComparison.Ordinal);
        Assert.Equal(2, publisher.Published.Count);
    }

    [Fact]
    public async Task ScanCluster_PermanentFailure_IsPublishedUnknownOnTheFirstDeliveryWithoutThePoisonPath()
    {
        var ct = TestContext.Current.CancellationToken;
        var publisher = new RecordingAssessmentPublisher();
        var reason = "runCommand was refused (HTTP 403 AuthorizationFailed): the scanning identity lacks 'Microsoft.ContainerService/managedClusters/runcommand/action'";
        var collector = new ScriptedSnapshotCollector(
            SampleFleet.Snapshot,
            new Dictionary<string, string> { ["aks-01"] = reason })
        {
            Permanent = new HashSet<string>(StringComparer.Ordinal) { "aks-01" },
        };
        using var harness = ServiceHarness.Create(azurite.Server, new FixedClusterInventory(SampleFleet.Targets(2)), collector, publisher);
        await harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo(), ct);

        var main = await harness.DeliverAsync(harness.ScanQueue, harness.Function<ScanCluster>().RunAsync, ct);

        Assert.Equal(2, main.Succeeded);
        Assert.Equal(0, main.Poisoned);
        Assert.Empty(main.Failures);
        Assert.Equal(1, collector.CallsFor("aks-01"));
        var unknown = Assert.Single(publisher.Published, p => p.Assessment.Cluster.Name == "aks-01").Assessment;
        Assert.Equal(ClusterScanStatus.Unknown, unknown.Status);
        Assert.Equal(reason, unknown.StatusReason);
    }

    [Fact]
    public async Task ScanCluster_PublisherFailsEveryDelivery_PoisonPathPublishesUnknownWithThatError()
    {
        var ct = TestContext.Current.CancellationToken;
        var publisher = new RecordingAssessmentPublisher { FailFirst = ScanStorageNames.MaxDequeueCount };
        using var harness = ServiceHarness.Create(azurite.Server, new FixedClusterInventory(SampleFleet.Targets(1)), Collector(), publisher);
        await harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo(), ct);

        var main = await harness.DeliverAsync(harness.ScanQueue, harness.Function<ScanCluster>().RunAsync, ct);
        await harness.DeliverAsync(harness.PoisonQueue, harness.Function<ScanClusterPoison>().RunAsync, ct);

        var published = Assert.Single(publisher.Published).Assessment;
        Assert.Equal(1, main.Poisoned);
        Assert.All(main.Failures, f => Assert.IsType<HttpRequestException>(f));
        Assert.Equal(ClusterScanStatus.Unknown, published.Status);
        Assert.Contains("the ingestion endpoint refused the connection", published.StatusReason, StringComparison.Ordinal);
        Assert.DoesNotContain("HttpRequestException", published.StatusReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanClusterPoison_ClusterAlreadyPublished_PublishesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var publisher = new RecordingAssessmentPublisher();
        using var harness = ServiceHarness.Create(azurite.Server, new FixedClusterInventory(SampleFleet.Targets(1)), Collector(), publisher);
        await harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo(), ct);
        var message = (await harness.ScanQueue.ReceiveMessageAsync(cancellationToken: ct)).Value;
        await harness.Function<ScanCluster>().RunAsync(message, ct);

        var outcome = await harness.Service<ClusterScanService>().ProcessPoisonAsync(message.MessageText, ct);

        Assert.Equal(ClusterScanOutcome.AlreadyPublished, outcome);
        Assert.Single(publisher.Published);
    }

    [Fact]
    public async Task ScanClusterPoison_UnreadableMessage_IsDroppedWithoutPublishing()
    {
        var ct = TestContext.Current.CancellationToken;
        var publisher = new RecordingAssessmentPublisher();
        using var harness = ServiceHarness.Create(azurite.Server, new FixedClusterInventory([]), Collector(), publisher);

        var outcome = await harness.Service<ClusterScanService>().ProcessPoisonAsync("{\"scanId\": 42", ct);

        Assert.Equal(ClusterScanOutcome.Discarded, outcome);
        Assert.Empty(publisher.Published);
    }

    [Fact]
    public async Task ScanCluster_ExemptionsFromBlob_AreAppliedToTheAssessment()
    {
        var ct = TestContext.Current.CancellationToken;
        var publisher = new RecordingAssessmentPublisher();
        var account = azurite.Server.NextAccount();
        var container = account.CreateBlobServiceClient().GetBlobContainerClient("policy");
        await container.CreateIfNotExistsAsync(cancellationToken: ct);
        var blob = container.GetBlobClient("exemptions.json");
        await blob.UploadAsync(BinaryData.FromString("""{"profile": "cis", "exemptions": [{"namespace": "web", "owner": "team-web", "reason": "migrating", "expiresOn": "2099-01-01T00:00:00Z"}]}"""), ct);
        using var harness = ServiceHarness.Create(
            azurite.Server,
            new FixedClusterInventory(SampleFleet.Targets(1)),
            Collector(),
            publisher,
            extraSettings: new Dictionary<string, string?> { [FunctionSettings.ExemptionsBlobUrl] = blob.Uri.ToString() });
        await harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo(), ct);

        await harness.DeliverAsync(harness.ScanQueue, harness.Function<ScanCluster>().RunAsync, ct);

        var published = Assert.Single(publisher.Published);
        Assert.Equal(ComplianceProfile.Cis, published.Scan.Profile);
        Assert.Equal(NamespaceStatus.Exempt, published.Assessment.Namespaces.Single(n => n.Name == "web").Status);
    }

    [Fact]
    public async Task Health_InventoryRefused_ReportsMissingReaderAccessAndStorageHealthy()
    {
        var ct = TestContext.Current.CancellationToken;
        var refused = new RequestFailedException(403, "Forbidden", "AuthorizationFailed", null);
        using var harness = ServiceHarness.Create(azurite.Server, FixedClusterInventory.Failing(refused), Collector(), new RecordingAssessmentPublisher());

        var report = await harness.Service<ServiceHealthCheck>().CheckAsync(ct);

        Assert.Equal(HealthState.Unhealthy, report.State);
        var inventory = report.Checks.Single(c => c.Name == "inventory");
        Assert.Equal(HealthState.Unhealthy, inventory.State);
        Assert.Contains("no Reader access", inventory.Message, StringComparison.Ordinal);
        Assert.Equal(HealthState.Healthy, report.Checks.Single(c => c.Name == "queue").State);
        Assert.Equal(HealthState.Healthy, report.Checks.Single(c => c.Name == "ledger").State);
        Assert.Contains("dcr-0123456789abcdef0123456789abcdef", report.Checks.Single(c => c.Name == "settings").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInFails_ScanRecordsAndLogsOneLineAndHealthReportsIt()
    {
        // Arrange: the real Azure inventory on the loopback ARM server, with a credential that cannot sign in.
        var ct = TestContext.Current.CancellationToken;
        var fleet = new AzureFleetDescription { Subscriptions = [AzureTestFleet.Subscription(1, 2)] };
        await using var server = await AzureLoopbackServer.StartAsync(fleet, ct);
        var credential = new StaticTokenCredential("unused") { Failure = "ManagedIdentityCredential authentication unavailable.\n   at Azure.Identity.ManagedIdentitySource.Authenticate()" };
        var inventory = AzureTestFleet.Inventory(server, new AzureInventoryScope(), credential);
        using var harness = ServiceHarness.Create(azurite.Server, inventory, Collector(), new RecordingAssessmentPublisher(), services => services.AddFakeLogging());

        // Act
        var error = await Assert.ThrowsAsync<AzureSignInException>(() => harness.Function<ScheduleFleetScan>().RunAsync(new TimerInfo(), ct));
        var report = await harness.Service<ServiceHealthCheck>().CheckAsync(ct);

        // Assert
        var record = await harness.Service<ScanLedger>().ReadLatestScanRecordAsync(ct);
        Assert.Equal(ScanRecordStatus.Failed, record?.Status);
        Assert.Equal(error.Message, record?.Error);
        Assert.Contains("az login", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        var logged = Assert.Single(harness.Host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.Null(logged.Exception);
        Assert.Contains(error.Message, logged.Message, StringComparison.Ordinal);
        var health = report.Checks.Single(c => c.Name == "inventory");
        Assert.Equal(HealthState.Unhealthy, health.State);
        Assert.Equal(error.Message, health.Message);
        Assert.Equal(0, server.Calls.Total);
    }

    private static ScriptedSnapshotCollector Collector(IReadOnlyDictionary<string, string>? unreadable = null) =>
        new(SampleFleet.Snapshot, unreadable);
}
