using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Azure;
using Azure.Core;
using Azure.Identity;
using k8s;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Connectors.Azure.Access;

/// <summary>
/// Reads an AKS cluster found by <see cref="AzureClusterInventory"/>:
/// <list type="number">
/// <item><c>listClusterUserCredential</c> (<c>format=exec</c> on Entra clusters) → API server URL and cluster CA;</item>
/// <item>Entra clusters: a token for the AKS server app from the scan's own <see cref="TokenCredential"/>; local-account
/// clusters: the kubeconfig's own credential, in memory only;</item>
/// <item>the live Kubernetes read through <see cref="IKubernetesClusterReader"/>, or, for private clusters and
/// unreachable API servers, the AKS <c>runCommand</c> API with a compact read-only script
/// (<see cref="RunCommandScript"/>), unless <c>disableRunCommand</c> forbids it.</item>
/// </list>
/// Every failure becomes Unknown with a reason a human can act on; the access path used is always reported.
/// </summary>
public sealed partial class AksSnapshotCollector : ISnapshotCollector
{
    /// <summary>The opt-in custom role in <c>infra/app/rbac-runcommand.bicep</c> that grants the two runCommand actions.</summary>
    public const string RunCommandRoleName = "NetPolGovernance AKS runCommand reader";

    private readonly ManagedClustersClient _clusters;
    private readonly TokenCredential _credential;
    private readonly IKubernetesClusterReader _liveReader;
    private readonly AksCollectorOptions _options;
    private readonly ILogger<AksSnapshotCollector> _logger;
    private readonly TimeProvider _timeProvider;

    public AksSnapshotCollector(
        ManagedClustersClient clusters,
        TokenCredential credential,
        IKubernetesClusterReader liveReader,
        AksCollectorOptions options,
        ILogger<AksSnapshotCollector> logger,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(liveReader);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _clusters = clusters;
        _credential = credential;
        _liveReader = liveReader;
        _options = options;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public async Task<CollectionOutcome> CollectAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var outcome = await CollectCoreAsync(target, cancellationToken).ConfigureAwait(false);
        if (outcome.Snapshot is not null && !string.IsNullOrEmpty(target.Identity.ResourceId))
        {
            outcome = await WithManagedNamespacesAsync(outcome, target.Identity.ResourceId, cancellationToken).ConfigureAwait(false);
        }

        if (string.Equals(target.Aks?.ProvisioningState, "Failed", StringComparison.OrdinalIgnoreCase))
        {
            // A Failed cluster usually still serves: it is read, and the report says its last ARM operation failed.
            const string note = "ARM provisioningState is Failed: the cluster's last operation failed (it was still read; reconcile it with az aks update)";
            return outcome.Snapshot is { } snapshot
                ? outcome with { Snapshot = snapshot with { Notes = [.. snapshot.Notes, note] } }
                : outcome with { Reason = $"{outcome.Reason}; {note}" };
        }

        return outcome;
    }

    /// <summary>
    /// Adds the cluster's AKS managed namespaces (one ARM call) to the namespaces of the same name, so the report shows
    /// their <c>defaultNetworkPolicy</c> next to the policies the cluster holds (NPG-N12). A refused or failed list is a
    /// note, never a failed read: the cluster's own objects are what is judged.
    /// </summary>
    private async Task<CollectionOutcome> WithManagedNamespacesAsync(CollectionOutcome outcome, string clusterResourceId, CancellationToken cancellationToken)
    {
        var snapshot = outcome.Snapshot!;
        var stats = outcome.Stats with { ApiCalls = outcome.Stats.ApiCalls + 1 };
        IReadOnlyList<AksManagedNamespace> managed;
        try
        {
            managed = await _clusters.ListManagedNamespacesAsync(clusterResourceId, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            var advice = ex.Status == 403
                ? "; the Reader role grants Microsoft.ContainerService/managedClusters/managedNamespaces/read"
                : string.Empty;
            return outcome with
            {
                Stats = stats,
                Snapshot = snapshot with { Notes = [.. snapshot.Notes, $"AKS managed namespaces could not be listed ({ArmErrors.Describe(ex)}){advice}: NPG-N12 is not judged"] },
            };
        }

        var byName = managed.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var notes = new List<string>(snapshot.Notes);
        var missing = managed.Where(m => !snapshot.Namespaces.Any(n => n.Name == m.Name)).Select(m => m.Name).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            notes.Add($"AKS managed namespaces in ARM but not in the cluster: {string.Join(", ", missing)}");
        }

        return outcome with
        {
            Stats = stats,
            Snapshot = snapshot with
            {
                Namespaces = [.. snapshot.Namespaces.Select(n => byName.TryGetValue(n.Name, out var m) ? n with { AksManaged = m } : n)],
                Notes = notes,
            },
        };
    }

    private async Task<CollectionOutcome> CollectCoreAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var identity = target.Identity;
        if (string.IsNullOrEmpty(identity.ResourceId))
        {
            return Unknown("the target has no AKS resource id; it did not come from the Azure inventory", AccessPath.None, stopwatch, armCalls: 0);
        }

        var armCalls = 0;
        var access = target.Aks ?? new AksAccess();
        var route = AksAccessPlan.Decide(access, _options);
        var entra = access.EntraEnabled;
        var runCommandDisabled = access.RunCommandDisabled;
        using var tokens = new EntraTokenProvider(_credential, _timeProvider, _options.EntraScope);

        if (route is AksRoute.RunCommand or AksRoute.Unreachable)
        {
            // The API server is reachable only from linked networks: no kubeconfig needed, go straight to runCommand.
            return await RunCommandOrExplainAsync(
                target,
                "it is a private cluster (its API server is reachable only from linked networks)",
                runCommandDisabled,
                entra,
                tokens,
                stopwatch,
                armCalls,
                cancellationToken).ConfigureAwait(false);
        }

        AksKubeconfig kubeconfig;
        try
        {
            armCalls++;
            var credentials = await _clusters.ListClusterUserCredentialAsync(identity.ResourceId, exec: entra, cancellationToken).ConfigureAwait(false);
            var first = credentials.Value.Count > 0
                ? credentials.Value[0]
                : throw new FormatException("listClusterUserCredential returned no kubeconfig");
            kubeconfig = await AksKubeconfig.ParseAsync(first.Kubeconfig, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            var advice = ex.Status == 403
                ? "grant the scanning identity the 'Azure Kubernetes Service Cluster User Role' on the cluster"
                : "retry; if it persists, check the cluster in the portal";
            return Unknown($"listClusterUserCredential failed ({ArmErrors.Describe(ex)}): {advice}", AccessPath.None, stopwatch, armCalls, KindOf(ex));
        }
        catch (AuthenticationFailedException ex)
        {
            return Unknown(ArmErrors.CredentialFailure(ex, "ARM"), AccessPath.None, stopwatch, armCalls, FailureKind.Auth);
        }
        catch (FormatException ex)
        {
            return Unknown($"the cluster credential could not be used: {ex.Message}", AccessPath.None, stopwatch, armCalls, FailureKind.Format);
        }

        var useEntraToken = entra || kubeconfig.UsesExec || !kubeconfig.HasStaticCredential;
        if (await ProbeAsync(kubeconfig.Server, cancellationToken).ConfigureAwait(false) is not { } probeFailure)
        {
            return await ReadLiveAsync(target, kubeconfig, useEntraToken, tokens, stopwatch, armCalls, cancellationToken).ConfigureAwait(false);
        }

        var unreachable = $"its API server {kubeconfig.Server.Host} is unreachable from here ({probeFailure})";
        if (!_options.RunCommandFallback)
        {
            return Unknown($"the cluster could not be read: {unreachable}; runCommand fallback is off", AccessPath.None, stopwatch, armCalls, FailureKind.Network);
        }

        return await RunCommandOrExplainAsync(target, unreachable, runCommandDisabled, useEntraToken, tokens, stopwatch, armCalls, cancellationToken)
            .ConfigureAwait(false);
    }

    private async Task<CollectionOutcome> RunCommandOrExplainAsync(
        ClusterTarget target,
        string unreachable,
        bool runCommandDisabled,
        bool useEntraToken,
        EntraTokenProvider tokens,
        Stopwatch stopwatch,
        int armCalls,
        CancellationToken cancellationToken)
    {
        if (runCommandDisabled)
        {
            return Unknown(
                $"the cluster could not be read: {unreachable}, and runCommand is disabled on it (apiServerAccessProfile.disableRunCommand=true); "
                + "scan from a network that reaches the API server, or enable runCommand",
                AccessPath.None,
                stopwatch,
                armCalls,
                FailureKind.Network);
        }

        LogRunCommand(target.Identity.Name, unreachable);
        return await ReadThroughRunCommandAsync(target, useEntraToken, tokens, stopwatch, armCalls, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CollectionOutcome> ReadLiveAsync(
        ClusterTarget target,
        AksKubeconfig kubeconfig,
        bool useEntraToken,
        EntraTokenProvider tokens,
        Stopwatch stopwatch,
        int armCalls,
        CancellationToken cancellationToken)
    {
        var configuration = new KubernetesClientConfiguration
        {
            Host = kubeconfig.Server.ToString(),
            SslCaCerts = kubeconfig.CertificateAuthority,
        };
        AccessPath path;
        if (useEntraToken)
        {
            try
            {
                // Fetch once up front: a failing credential is reported here, not as a 401 from the cluster.
                await tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (AuthenticationFailedException ex)
            {
                return Unknown(ArmErrors.CredentialFailure(ex, "the AKS API server"), AccessPath.AksEntraToken, stopwatch, armCalls, FailureKind.Auth);
            }

            configuration.TokenProvider = tokens;
            path = AccessPath.AksEntraToken;
        }
        else
        {
            var user = kubeconfig.User!;
            if (!string.IsNullOrEmpty(user.Token))
            {
                configuration.AccessToken = user.Token;
            }
            else
            {
                configuration.ClientCertificateData = user.ClientCertificateData;
                configuration.ClientCertificateKeyData = user.ClientKeyData;
            }

            path = AccessPath.AksLocalAccount;
        }

        var outcome = await _liveReader.ReadAsync(configuration, target.Identity, cancellationToken).ConfigureAwait(false);
        var stats = outcome.Stats with
        {
            ApiCalls = outcome.Stats.ApiCalls + armCalls,
            DurationMs = stopwatch.ElapsedMilliseconds,
        };
        if (outcome.Status == ClusterScanStatus.Unknown && outcome.FailureKind == FailureKind.Auth && outcome.Reason is { } reason)
        {
            var advice = path == AccessPath.AksEntraToken
                ? "give the scanning identity the 'Azure Kubernetes Service RBAC Reader' role on the cluster (Azure RBAC) or bind its object id to a read-only ClusterRole"
                : "the cluster's local account was refused; check the cluster's RBAC";
            return outcome with { AccessPath = path, Stats = stats, Reason = $"{reason}; {advice}" };
        }

        return outcome with { AccessPath = path, Stats = stats };
    }

    private async Task<CollectionOutcome> ReadThroughRunCommandAsync(
        ClusterTarget target,
        bool useEntraToken,
        EntraTokenProvider tokens,
        Stopwatch stopwatch,
        int armCalls,
        CancellationToken cancellationToken)
    {
        string? clusterToken = null;
        if (useEntraToken)
        {
            try
            {
                clusterToken = (await tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false)).Token;
            }
            catch (AuthenticationFailedException ex)
            {
                return Unknown(ArmErrors.CredentialFailure(ex, "the AKS API server (runCommand clusterToken)"), AccessPath.RunCommand, stopwatch, armCalls, FailureKind.Auth);
            }
        }

        RunCommandResult result;
        armCalls++; // the POST, counted even when it fails
        try
        {
            result = (await _clusters.RunCommandAsync(
                target.Identity.ResourceId!,
                new RunCommandRequest(RunCommandScript.Command) { ClusterToken = clusterToken },
                cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 403)
        {
            // A missing permission does not heal on a retry: Unknown at once, with the role that grants it.
            return Unknown(
                $"runCommand was refused ({ArmErrors.Describe(ex)}): the scanning identity lacks 'Microsoft.ContainerService/managedClusters/runcommand/action' "
                + "and 'Microsoft.ContainerService/managedClusters/commandResults/read'; deploy with enableRunCommandRole=true to assign the "
                + $"'{RunCommandRoleName}' custom role (docs/rbac.md), or grant those two actions another way",
                AccessPath.RunCommand,
                stopwatch,
                armCalls,
                FailureKind.Auth) with { Permanent = true };
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == ArmRequestSender.ResponseTooLargeErrorCode)
        {
            // A bound, not a fault that a retry heals: the service keeps at most 512 kB of output, so a larger answer is
            // not a runCommand result at all.
            return Unknown($"response limit: runCommand result: {ex.Message.Split('\n', 2)[0]}", AccessPath.RunCommand, stopwatch, armCalls, FailureKind.Limit);
        }
        catch (RequestFailedException ex)
        {
            return Unknown(
                $"runCommand failed ({ArmErrors.Describe(ex)}): retry; if it persists, run 'az aks command invoke' by hand to see the error",
                AccessPath.RunCommand,
                stopwatch,
                armCalls,
                KindOf(ex));
        }
        catch (TimeoutException ex)
        {
            return Unknown($"runCommand did not finish: {ex.Message}", AccessPath.RunCommand, stopwatch, armCalls, FailureKind.Timeout);
        }
        catch (AuthenticationFailedException ex)
        {
            return Unknown(ArmErrors.CredentialFailure(ex, "ARM"), AccessPath.RunCommand, stopwatch, armCalls, FailureKind.Auth);
        }

        armCalls += result.Polls;
        if (!result.Succeeded)
        {
            return Unknown(
                $"runCommand ended {result.ProvisioningState ?? "without a state"}{(result.Reason is null ? string.Empty : $" ({result.Reason})")}; "
                + "the command pod could not run (check node capacity and image pulls in the aks-command namespace)",
                AccessPath.RunCommand,
                stopwatch,
                armCalls);
        }

        if (result.ExitCode is not 0)
        {
            return Unknown(
                string.Create(CultureInfo.InvariantCulture, $"the runCommand read script exited with code {result.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}: {Tail(result.Logs)}"),
                AccessPath.RunCommand,
                stopwatch,
                armCalls);
        }

        var read = RunCommandOutputReader.Read(result.Logs, target.Identity);
        var stats = new CollectionStats
        {
            ApiCalls = armCalls,
            BytesRead = result.Logs.Length,
            DurationMs = stopwatch.ElapsedMilliseconds,
        };
        return read.Snapshot is { } snapshot
            ? CollectionOutcome.Read(snapshot, AccessPath.RunCommand, stats)
            : CollectionOutcome.Unknown(read.FailureReason!, AccessPath.RunCommand, stats, FailureKind.Format);
    }

    /// <summary>A TCP connect to the API server; null when it answers, else why not.</summary>
    private async Task<string?> ProbeAsync(Uri server, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.ReachabilityTimeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(server.Host, server.Port, deadline.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return string.Create(CultureInfo.InvariantCulture, $"no TCP connection within {_options.ReachabilityTimeout.TotalSeconds:0.#} s");
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode.ToString();
        }
    }

    private static CollectionOutcome Unknown(string reason, AccessPath path, Stopwatch stopwatch, int armCalls, FailureKind kind = FailureKind.Other) =>
        CollectionOutcome.Unknown(
            reason,
            path,
            new CollectionStats { ApiCalls = armCalls, DurationMs = stopwatch.ElapsedMilliseconds },
            kind);

    private static FailureKind KindOf(RequestFailedException ex) => ex.Status switch
    {
        _ when ex.ErrorCode == ArmRequestSender.ResponseTooLargeErrorCode => FailureKind.Limit,
        401 or 403 => FailureKind.Auth,
        429 => FailureKind.Throttled,
        0 => FailureKind.Network,
        _ => FailureKind.Other,
    };

    private static string Tail(string logs)
    {
        var trimmed = logs.Trim();
        return trimmed.Length > 300 ? "…" + trimmed[^300..] : trimmed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster {ClusterName} is read through runCommand: {Why}")]
    private partial void LogRunCommand(string clusterName, string why);
}
