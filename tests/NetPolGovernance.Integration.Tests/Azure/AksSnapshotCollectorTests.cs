using System.Net;
using System.Net.Sockets;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Azure.Access;
using NetPolGovernance.Connectors.Scanning;
using NetPolGovernance.Simulator.Azure;
using NetPolGovernance.Simulator.Tls;

namespace NetPolGovernance.Integration.Tests.Azure;

public sealed class AksSnapshotCollectorTests
{
    private const string Token = "loopback-arm-token";

    // The CA the simulated clusters' kubeconfigs name (the reader is faked, so no TLS happens with it).
    private static readonly LoopbackCertificateAuthority s_clusterCa = LoopbackCertificateAuthority.Create("aks-cluster-ca");

    [Fact]
    public async Task CollectAsync_EntraCluster_ReadsLiveWithServerCaAndAksEntraToken()
    {
        // Arrange: the "API server" is a reachable loopback port; the reader is our own seam.
        using var apiServer = ReachableApiServer();
        await using var server = await StartAsync(cluster => cluster with { ApiServerUrl = UrlOf(apiServer), CertificateAuthorityPem = CaPem() });
        var reader = new RecordingReader();
        var credential = new StaticTokenCredential(Token);
        var (collector, target) = await CollectorForOnlyClusterAsync(server, credential, reader);

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        Assert.Equal(AccessPath.AksEntraToken, outcome.AccessPath);
        Assert.Equal(["exec"], server.CredentialFormats);
        var configuration = Assert.Single(reader.Configurations);
        Assert.Equal(UrlOf(apiServer), configuration.Host);
        Assert.Equal(s_clusterCa.CaCertificate.Thumbprint, Assert.Single(configuration.SslCaCerts).Thumbprint);
        Assert.Null(configuration.AccessToken);
        var header = await configuration.TokenProvider.GetAuthenticationHeaderAsync(TestContext.Current.CancellationToken);
        Assert.Equal("Bearer", header.Scheme);
        Assert.Equal(Token, header.Parameter);
        Assert.Contains(AzureCloudEnvironment.AksEntraScope, credential.RequestedScopes);
    }

    [Fact]
    public async Task CollectAsync_LocalAccountCluster_UsesTheKubeconfigTokenAndNoEntraToken()
    {
        // Arrange
        using var apiServer = ReachableApiServer();
        await using var server = await StartAsync(cluster => cluster with
        {
            EntraEnabled = false,
            ApiServerUrl = UrlOf(apiServer),
            CertificateAuthorityPem = CaPem(),
            LocalAccountToken = "static-cluster-user-token",
        });
        var reader = new RecordingReader();
        var credential = new StaticTokenCredential(Token);
        var (collector, target) = await CollectorForOnlyClusterAsync(server, credential, reader);

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(AccessPath.AksLocalAccount, outcome.AccessPath);
        Assert.Equal([string.Empty], server.CredentialFormats);
        Assert.Equal("static-cluster-user-token", Assert.Single(reader.Configurations).AccessToken);
        Assert.DoesNotContain(AzureCloudEnvironment.AksEntraScope, credential.RequestedScopes);
    }

    [Fact]
    public async Task CollectAsync_PrivateCluster_RunCommandIsPolledToItsResultAndParsed()
    {
        // Arrange: 202 + Location, two pending polls, then the result.
        var logs = new RunCommandOutputBuilder()
            .Namespace("payments", ("team", "pay"))
            .Namespace("kube-system")
            .Pod("payments", "api-1", ("app", "api"))
            .Pod("payments", "api-2", ("app", "api"))
            .Pod("kube-system", "cilium-abcde", hostNetwork: true, ("k8s-app", "cilium"))
            .DefaultDeny("payments")
            .EngineDaemonSet("kube-system", "cilium", desired: 3, ready: 3)
            .CiliumEnablePolicy("default")
            .Build();
        await using var server = await StartAsync(cluster => cluster with { PrivateCluster = true, RunCommandLogs = logs }, pendingPolls: 2);
        var credential = new StaticTokenCredential(Token);
        var reader = new RecordingReader();
        var (collector, target) = await CollectorForOnlyClusterAsync(server, credential, reader);

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        Assert.Equal(AccessPath.RunCommand, outcome.AccessPath);
        Assert.Empty(reader.Configurations);
        Assert.Equal(1, server.Calls.RunCommands);
        Assert.Equal(3, server.Calls.RunCommandPolls);
        var command = Assert.Single(server.RunCommands);
        Assert.Equal(Token, command.ClusterToken);
        Assert.StartsWith("q() {", command.Command, StringComparison.Ordinal);
        var snapshot = outcome.Snapshot!;
        Assert.Equal(SnapshotSource.RunCommand, snapshot.Source);
        Assert.Equal(["default", "kube-system", "payments"], snapshot.Namespaces.Select(n => n.Name).Order(StringComparer.Ordinal));
        Assert.Equal("pay", snapshot.Namespaces.Single(n => n.Name == "payments").Labels["team"]);
        Assert.Equal(3, snapshot.Pods.Count);
        Assert.True(snapshot.Pods.Single(p => p.Name == "cilium-abcde").HostNetwork);
        var policy = Assert.Single(snapshot.NetworkPolicies);
        Assert.Equal(["Ingress", "Egress"], policy.PolicyTypes);
        var engine = Assert.Single(snapshot.EngineEvidence!.DaemonSets);
        Assert.Equal(new EngineDaemonSet("cilium", "kube-system", "cilium", 3, 3), engine);
        Assert.Equal("default", snapshot.EngineEvidence.CiliumPolicyEnforcementMode);
        Assert.Equal(5, outcome.Stats.ApiCalls); // runCommand POST, 3 polls, the managed namespaces list
    }

    [Fact]
    public async Task CollectAsync_RunCommandOutputCutOffAtTheCap_IsUnknownWithTheReason()
    {
        // Arrange: a cluster whose output is larger than 512 kB, cut where the service cuts it.
        var full = RunCommandOutputBuilder.Oversized(pods: 9000).Build();
        Assert.True(full.Length > RunCommandScript.OutputCapBytes);
        await using var server = await StartAsync(cluster => cluster with
        {
            PrivateCluster = true,
            RunCommandLogs = RunCommandOutputBuilder.CutOff(full, RunCommandScript.OutputCapBytes),
        });
        var (collector, target) = await CollectorForOnlyClusterAsync(server, new StaticTokenCredential(Token), new RecordingReader());

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.Null(outcome.Snapshot);
        Assert.Equal(AccessPath.RunCommand, outcome.AccessPath);
        Assert.Contains("cut off", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("512 kB", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CollectAsync_RunCommandResultOverTheArmResponseBound_IsUnknownWithFailureKindLimit()
    {
        // Arrange: a hostile or broken service answers the runCommand poll with a body over the 32 MiB ARM bound
        // (the real service keeps at most 512 kB of logs).
        await using var server = await StartAsync(cluster => cluster with
        {
            PrivateCluster = true,
            RunCommandLogs = new string('x', ArmRequestSender.MaxResponseBytes + 1024),
        });
        var (collector, target) = await CollectorForOnlyClusterAsync(server, new StaticTokenCredential(Token), new RecordingReader());

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);

        // Assert: a bound was reached, not an unexplained server error.
        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.Equal(FailureKind.Limit, outcome.FailureKind);
        Assert.Contains("larger than 32 MiB", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CollectAsync_RunCommandPollWithoutLocation_KeepsPollingTheLastUrl()
    {
        // Arrange: the POST's 202 names the result URL, the pending polls' 202s name none.
        var logs = new RunCommandOutputBuilder().Namespace("default").Build();
        await using var server = await AzureLoopbackServer.StartAsync(
            new AzureFleetDescription
            {
                RunCommandPendingPolls = 2,
                RunCommandPollsOmitLocation = true,
                Subscriptions = [new SimulatedSubscription { SubscriptionId = Subscription, Clusters = [new SimulatedCluster { Name = "aks", PrivateCluster = true, RunCommandLogs = logs }] }],
            },
            TestContext.Current.CancellationToken);
        var (collector, target) = await CollectorForOnlyClusterAsync(server, new StaticTokenCredential(Token), new RecordingReader());

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        Assert.Equal(3, server.Calls.RunCommandPolls);
    }

    [Fact]
    public async Task CollectAsync_RunCommandForbidden_IsPermanentlyUnknownNamingTheActionsAndTheRole()
    {
        // Arrange
        await using var server = await AzureLoopbackServer.StartAsync(
            new AzureFleetDescription
            {
                RunCommandForbidden = true,
                Subscriptions = [new SimulatedSubscription { SubscriptionId = Subscription, Clusters = [new SimulatedCluster { Name = "aks", PrivateCluster = true }] }],
            },
            TestContext.Current.CancellationToken);
        var (collector, target) = await CollectorForOnlyClusterAsync(server, new StaticTokenCredential(Token), new RecordingReader());

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.True(outcome.Permanent);
        Assert.Equal(FailureKind.Auth, outcome.FailureKind);
        Assert.Contains("HTTP 403 AuthorizationFailed", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("managedClusters/runcommand/action", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("managedClusters/commandResults/read", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains(AksSnapshotCollector.RunCommandRoleName, outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, server.Calls.RunCommandPolls);
    }

    [Fact]
    public async Task CollectAsync_ProvisioningStateFailed_IsReadAndTheReportNotesTheState()
    {
        // Arrange
        using var apiServer = ReachableApiServer();
        await using var server = await StartAsync(cluster => cluster with { ProvisioningState = "Failed", ApiServerUrl = UrlOf(apiServer), CertificateAuthorityPem = CaPem() });
        var (collector, target) = await CollectorForOnlyClusterAsync(server, new StaticTokenCredential(Token), new RecordingReader());

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        Assert.Contains(outcome.Snapshot!.Notes, n => n.Contains("provisioningState is Failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CollectAsync_RunCommandPodFailed_IsUnknownWithTheServiceReason()
    {
        // Arrange
        await using var server = await StartAsync(cluster => cluster with { PrivateCluster = true, RunCommandFailureReason = "ImagePullBackoff" });
        var (collector, target) = await CollectorForOnlyClusterAsync(server, new StaticTokenCredential(Token), new RecordingReader());

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.Contains("failed (ImagePullBackoff)", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CollectAsync_RunCommandCannotListPods_IsUnknownNotPartial()
    {
        // Arrange
        var logs = new RunCommandOutputBuilder().Namespace("a").CoreError("pods", "pods is forbidden: User cannot list resource \"pods\"").Build();
        await using var server = await StartAsync(cluster => cluster with { PrivateCluster = true, RunCommandLogs = logs });
        var (collector, target) = await CollectorForOnlyClusterAsync(server, new StaticTokenCredential(Token), new RecordingReader());

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.Contains("could not list pods", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("forbidden", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CollectAsync_PrivateClusterWithRunCommandDisabled_IsUnknownAndNeverCallsRunCommand()
    {
        // Arrange
        await using var server = await StartAsync(cluster => cluster with { PrivateCluster = true, RunCommandDisabled = true });
        var (collector, target) = await CollectorForOnlyClusterAsync(server, new StaticTokenCredential(Token), new RecordingReader());

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.Contains("disableRunCommand=true", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(0, server.Calls.RunCommands);
    }

    [Fact]
    public async Task CollectAsync_PublicApiServerUnreachable_FallsBackToRunCommand()
    {
        // Arrange: the kubeconfig points at a loopback port nothing listens on.
        var closedPort = ClosedPort();
        var logs = new RunCommandOutputBuilder().Namespace("default").Build();
        await using var server = await StartAsync(cluster => cluster with
        {
            ApiServerUrl = $"https://127.0.0.1:{closedPort}/",
            CertificateAuthorityPem = CaPem(),
            RunCommandLogs = logs,
        });
        var reader = new RecordingReader();
        var (collector, target) = await CollectorForOnlyClusterAsync(server, new StaticTokenCredential(Token), reader);

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(ClusterScanStatus.Scanned, outcome.Status);
        Assert.Equal(AccessPath.RunCommand, outcome.AccessPath);
        Assert.Empty(reader.Configurations);
        Assert.Equal(1, server.Calls.RunCommands);
    }

    [Fact]
    public async Task CollectAsync_EntraTokenCannotBeObtained_IsUnknownWithSignInAdvice()
    {
        // Arrange: ARM tokens work, the AKS audience fails (an expired refresh token for that resource).
        using var apiServer = ReachableApiServer();
        await using var server = await StartAsync(cluster => cluster with { ApiServerUrl = UrlOf(apiServer), CertificateAuthorityPem = CaPem() });
        var credential = new StaticTokenCredential(Token)
        {
            Failure = "AADSTS700082: The refresh token has expired due to inactivity.",
            FailingScope = AzureCloudEnvironment.AksEntraScope,
        };
        var reader = new RecordingReader();
        var (collector, target) = await CollectorForOnlyClusterAsync(server, credential, reader);

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.Equal(AccessPath.AksEntraToken, outcome.AccessPath);
        Assert.Contains("AADSTS700082", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("az login", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(reader.Configurations);
    }

    [Fact]
    public async Task CollectAsync_ArmCredentialFails_IsUnknownWithSignInAdvice()
    {
        // Arrange
        await using var server = await StartAsync(cluster => cluster);
        var working = new StaticTokenCredential(Token);
        var targets = await AzureTestFleet.ListAllAsync(AzureTestFleet.Inventory(server, new AzureInventoryScope(), working));
        var failing = new StaticTokenCredential(Token) { Failure = "ManagedIdentityCredential authentication unavailable." };
        var collector = Collector(server, failing, new RecordingReader());

        // Act
        var outcome = await collector.CollectAsync(Assert.Single(targets), TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.Contains("managed identity", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CollectAsync_CredentialListRefused_IsUnknownNamingTheRole()
    {
        // Arrange: the cluster exists but its subscription refuses the identity.
        await using var server = await StartAsync(cluster => cluster, forbidden: true);
        var collector = Collector(server, new StaticTokenCredential(Token), new RecordingReader());
        var target = new ClusterTarget
        {
            Identity = new ClusterIdentity { Name = "aks", ResourceId = new SimulatedCluster { Name = "aks" }.ResourceId(Subscription) },
        };

        // Act
        var outcome = await collector.CollectAsync(target, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(ClusterScanStatus.Unknown, outcome.Status);
        Assert.Contains("(HTTP 403 AuthorizationFailed: The client does not have authorization", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("Cluster User Role", outcome.Reason, StringComparison.Ordinal);
    }

    private const string Subscription = "00000001-1111-4111-8111-000000000001";

    private static async Task<AzureLoopbackServer> StartAsync(Func<SimulatedCluster, SimulatedCluster> shape, int pendingPolls = 1, bool forbidden = false) =>
        await AzureLoopbackServer.StartAsync(
            new AzureFleetDescription
            {
                RunCommandPendingPolls = pendingPolls,
                Subscriptions =
                [
                    new SimulatedSubscription
                    {
                        SubscriptionId = Subscription,
                        ClustersForbidden = forbidden,
                        Clusters = [shape(new SimulatedCluster { Name = "aks" })],
                    },
                ],
            },
            TestContext.Current.CancellationToken);

    private static AksSnapshotCollector Collector(AzureLoopbackServer server, StaticTokenCredential credential, IKubernetesClusterReader reader) =>
        new(
            new ManagedClustersClient(credential, server.CreateClientOptions()),
            credential,
            reader,
            new AksCollectorOptions { ReachabilityTimeout = TimeSpan.FromSeconds(2) },
            NullLogger<AksSnapshotCollector>.Instance);

    private static async Task<(AksSnapshotCollector Collector, ClusterTarget Target)> CollectorForOnlyClusterAsync(
        AzureLoopbackServer server,
        StaticTokenCredential credential,
        IKubernetesClusterReader reader)
    {
        var targets = await AzureTestFleet.ListAllAsync(AzureTestFleet.Inventory(server, new AzureInventoryScope(), new StaticTokenCredential(Token)));
        return (Collector(server, credential, reader), Assert.Single(targets));
    }

    private static string CaPem() => s_clusterCa.CaPem;

    /// <summary>A listening loopback port: reachable for the TCP probe (the reader is faked, so no TLS happens).</summary>
    private static TcpListener ReachableApiServer()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static string UrlOf(TcpListener listener) => $"https://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/";

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Our own seam, faked: records the connection it was given and returns a one-namespace snapshot.</summary>
    private sealed class RecordingReader : IKubernetesClusterReader
    {
        public List<KubernetesClientConfiguration> Configurations { get; } = [];

        public Task<CollectionOutcome> ReadAsync(KubernetesClientConfiguration configuration, ClusterIdentity identity, CancellationToken cancellationToken)
        {
            Configurations.Add(configuration);
            var snapshot = new ClusterSnapshot
            {
                Cluster = identity,
                Source = SnapshotSource.KubernetesApi,
                Namespaces = [new NamespaceInfo { Name = "default" }],
            };
            return Task.FromResult(CollectionOutcome.Read(snapshot, AccessPath.Kubeconfig, new CollectionStats { ApiCalls = 3 }));
        }
    }
}
