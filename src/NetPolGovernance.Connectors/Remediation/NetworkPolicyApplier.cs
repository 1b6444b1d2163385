using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Remediation;
using NetPolGovernance.Connectors.Kubernetes.Transport;

namespace NetPolGovernance.Connectors.Remediation;

/// <summary>
/// Applies remediation policies to one cluster, safely:
/// <list type="number">
/// <item>reads each target name; a policy netpolgov did not create (no <c>app.kubernetes.io/managed-by: netpolgov</c>)
/// is never touched, and its presence stops the whole apply;</item>
/// <item>sends every create or replace as a server-side dry run (<c>dryRun=All</c>); any rejection stops the apply;</item>
/// <item>only then creates or replaces for real.</item>
/// </list>
/// The result carries the exact backout command per namespace (shell-quoted). A client for a cluster is built by
/// <see cref="Connect"/>, which applies <see cref="ClusterTransportPolicy"/> first, as the collector does: the
/// applier never sends a token, a dry run or a write over plain http or unverified TLS.
/// </summary>
public sealed class NetworkPolicyApplier : IDisposable
{
    private const string FieldManager = "netpolgov";
    private const string DryRunAll = "All";

    private readonly IKubernetes _client;
    private readonly bool _ownsClient;
    private readonly string? _token;

    public NetworkPolicyApplier(IKubernetes client)
        : this(client, ownsClient: false)
    {
    }

    private NetworkPolicyApplier(IKubernetes client, bool ownsClient, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _ownsClient = ownsClient;
        _token = token;
    }

    /// <summary>
    /// An applier for the cluster <paramref name="configuration"/> points at, owning its client. Throws
    /// <see cref="ClusterTransportException"/> (before any client exists) when the transport is refused.
    /// </summary>
    public static NetworkPolicyApplier Connect(KubernetesClientConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ClusterTransportPolicy.Enforce(configuration);
        return new NetworkPolicyApplier(new k8s.Kubernetes(configuration), ownsClient: true, configuration.AccessToken);
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    public async Task<ApplyResult> ApplyAsync(IReadOnlyList<NetworkPolicy> policies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var backout = policies.Select(p => p.Namespace).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(PolicyTemplates.BackoutCommand).ToList();
        var unlabelled = policies.Where(p => !PolicyTemplates.IsManaged(p.Labels)).Select(Key).ToList();
        if (unlabelled.Count > 0)
        {
            return ApplyResult.Stopped(ApplyStage.Preflight, [.. unlabelled.Select(k => $"{k}: refusing to apply a policy without the managed-by label")], backout);
        }

        var actions = new List<PlannedAction>();
        var problems = new List<string>();
        foreach (var policy in policies)
        {
            var existing = await ReadAsync(policy, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                actions.Add(new PlannedAction(policy, null));
            }
            else if (!PolicyTemplates.IsManaged(existing.Metadata?.Labels as IReadOnlyDictionary<string, string>))
            {
                problems.Add($"{Key(policy)}: a NetworkPolicy with this name exists and was not created by netpolgov; it is left untouched");
            }
            else
            {
                actions.Add(new PlannedAction(policy, existing.Metadata!.ResourceVersion));
            }
        }

        if (problems.Count > 0)
        {
            return ApplyResult.Stopped(ApplyStage.Preflight, problems, backout);
        }

        foreach (var action in actions)
        {
            var error = await SendAsync(action, DryRunAll, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                problems.Add($"{Key(action.Policy)}: dry run rejected: {error}");
            }
        }

        if (problems.Count > 0)
        {
            return ApplyResult.Stopped(ApplyStage.DryRun, problems, backout);
        }

        var applied = new List<string>();
        foreach (var action in actions)
        {
            var error = await SendAsync(action, dryRun: null, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                problems.Add($"{Key(action.Policy)}: {error}");
                return new ApplyResult(ApplyStage.Apply, false, applied, problems, backout);
            }

            applied.Add($"{Key(action.Policy)} {(action.ResourceVersion is null ? "created" : "replaced")}");
        }

        return new ApplyResult(ApplyStage.Apply, true, applied, [], backout);
    }

    private async Task<V1NetworkPolicy?> ReadAsync(NetworkPolicy policy, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.NetworkingV1.ReadNamespacedNetworkPolicyAsync(policy.Name, policy.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    // Returns null on success, else the server's reason.
    private async Task<string?> SendAsync(PlannedAction action, string? dryRun, CancellationToken cancellationToken)
    {
        var body = NetworkPolicyMapper.ToV1(action.Policy);
        try
        {
            if (action.ResourceVersion is null)
            {
                await _client.NetworkingV1.CreateNamespacedNetworkPolicyAsync(
                    body, action.Policy.Namespace, dryRun: dryRun, fieldManager: FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                body.Metadata.ResourceVersion = action.ResourceVersion;
                await _client.NetworkingV1.ReplaceNamespacedNetworkPolicyAsync(
                    body, action.Policy.Name, action.Policy.Namespace, dryRun: dryRun, fieldManager: FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            return null;
        }
        catch (HttpOperationException ex)
        {
            // The server's words, without any credential it echoed.
            return $"HTTP {(int)ex.Response.StatusCode} {CredentialRedaction.Redact(ReasonOf(ex), _token)}";
        }
    }

    private static string ReasonOf(HttpOperationException ex)
    {
        var content = ex.Response.Content;
        if (string.IsNullOrEmpty(content))
        {
            return ex.Response.ReasonPhrase ?? string.Empty;
        }

        try
        {
            var status = KubernetesJson.Deserialize<V1Status>(content);
            return status?.Message ?? content;
        }
        catch (System.Text.Json.JsonException)
        {
            return content.Length > 300 ? content[..300] : content;
        }
    }

    private static string Key(NetworkPolicy policy) => $"{policy.Namespace}/{policy.Name}";

    private sealed record PlannedAction(NetworkPolicy Policy, string? ResourceVersion);
}

/// <summary>How far an apply got.</summary>
public enum ApplyStage
{
    /// <summary>Stopped before sending anything that could change the cluster (label or ownership check).</summary>
    Preflight = 0,

    /// <summary>Stopped because the server rejected a dry run; nothing was changed.</summary>
    DryRun = 1,

    /// <summary>Reached the real apply (possibly partially, see <see cref="ApplyResult.Applied"/>).</summary>
    Apply = 2,
}

/// <summary>The outcome of <see cref="NetworkPolicyApplier.ApplyAsync"/>.</summary>
/// <param name="Stage">How far it got.</param>
/// <param name="Succeeded">True when every policy was created or replaced.</param>
/// <param name="Applied">What changed, e.g. <c>shop/netpolgov-default-deny created</c>.</param>
/// <param name="Problems">Why it stopped, one line per object.</param>
/// <param name="BackoutCommands">The exact command per namespace that removes what netpolgov created.</param>
public sealed record ApplyResult(ApplyStage Stage, bool Succeeded, IReadOnlyList<string> Applied, IReadOnlyList<string> Problems, IReadOnlyList<string> BackoutCommands)
{
    internal static ApplyResult Stopped(ApplyStage stage, IReadOnlyList<string> problems, IReadOnlyList<string> backout) =>
        new(stage, false, [], problems, backout);
}
