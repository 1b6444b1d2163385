using System.Runtime.ExceptionServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Kubernetes.Catalog;
using NetPolGovernance.Connectors.Kubernetes.Objects;
using NetPolGovernance.Connectors.Kubernetes.Transport;

namespace NetPolGovernance.Connectors.Kubernetes.Collection;

/// <summary>
/// Reads one cluster through its API into a <see cref="ClusterSnapshot"/>, converting every object with
/// <see cref="KubernetesObjectReader"/> (the manifest loader's reader), so the same objects give the same snapshot.
/// <para>Calls, in order: discovery (<c>/apis</c>); then concurrently namespaces, NetworkPolicies (all namespaces)
/// followed by pods, DaemonSets (followed by <c>cilium-config</c> when Cilium runs), and one list per served CRD policy
/// kind; each list pages with <c>limit</c>/<c>continue</c>. Pods are read as metadata only unless a NetworkPolicy
/// uses a named port.</para>
/// <para>Degradations that keep the cluster readable: a CRD list that fails (e.g. 403) makes only that kind
/// invisible; a DaemonSet list that fails makes engine evidence unavailable. Anything else that fails throws and
/// the cluster becomes Unknown.</para>
/// </summary>
internal sealed partial class LiveClusterReader
{
    private const string DiscoveryRequest = "discover API groups (GET /apis)";

    private readonly KubernetesApiClient _api;
    private readonly ClusterIdentity _identity;
    private readonly KubernetesCollectorOptions _options;
    private readonly ILogger _logger;
    private readonly SnapshotBuilder _builder = new();
    private readonly Lock _builderGate = new();
    private readonly List<PodOwner> _podOwners = [];
    private HashSet<(string Namespace, string Name)>? _hostNetworkPods;
    private EngineDaemonSets? _daemonSets;
    private EngineEvidence? _evidence;
    private bool _podsAsMetadata;

    public LiveClusterReader(KubernetesApiClient api, ClusterIdentity identity, KubernetesCollectorOptions options, ILogger logger)
    {
        _api = api;
        _identity = identity;
        _options = options;
        _logger = logger;
    }

    public async Task<ClusterSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var crdKinds = await DiscoverAsync(cancellationToken).ConfigureAwait(false);
        var work = new List<Func<CancellationToken, Task>> { ReadNamespacesAsync, ReadPoliciesThenPodsAsync, ReadDaemonSetsAsync };
        var crdPages = new ListPages?[crdKinds.Count];
        work.AddRange(crdKinds.Select((kind, index) => (Func<CancellationToken, Task>)(async token => crdPages[index] = await ReadCrdKindAsync(kind, token).ConfigureAwait(false))));
        try
        {
            await RunTogetherAsync(work, cancellationToken).ConfigureAwait(false);

            // CRD lists finish in any order; they are fed in catalog order so the snapshot is deterministic.
            for (var i = 0; i < crdKinds.Count; i++)
            {
                Feed(crdPages[i], crdKinds[i].ApiVersion, crdKinds[i].Kind);
            }
        }
        finally
        {
            foreach (var pages in crdPages)
            {
                pages?.Dispose();
            }
        }

        var snapshot = _builder.Build(_identity, SnapshotSource.KubernetesApi);
        return snapshot with
        {
            Pods = MarkHostNetworkPods(snapshot.Pods),
            EngineEvidence = _evidence,
            Notes = [.. snapshot.Notes, .. HostNetworkNotes()],
        };
    }

    /// <summary>Runs the lists concurrently; the first failure cancels the rest and is the one rethrown.</summary>
    private static async Task RunTogetherAsync(List<Func<CancellationToken, Task>> work, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? first = null;
        var tasks = work.Select(async step =>
        {
            try
            {
                await step(linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !linked.IsCancellationRequested)
            {
                Interlocked.CompareExchange(ref first, ex, null);
                await linked.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }).ToList();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception) when (first is not null && !cancellationToken.IsCancellationRequested)
        {
            ExceptionDispatchInfo.Throw(first);
        }
    }

    private async Task<IReadOnlyList<CrdPolicyKind>> DiscoverAsync(CancellationToken cancellationToken)
    {
        using var document = await _api.GetAsync("apis", null, DiscoveryRequest, notFoundIsNull: false, cancellationToken).ConfigureAwait(false);
        var groups = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (document!.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("groups", out var list)
            && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var group in list.EnumerateArray())
            {
                if (group.ValueKind == JsonValueKind.Object && group.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    groups[name.GetString()!] = group.TryGetProperty("versions", out var versions) && versions.ValueKind == JsonValueKind.Array
                        ? versions.EnumerateArray()
                            .Select(v => v.ValueKind == JsonValueKind.Object && v.TryGetProperty("version", out var version) ? version.GetString() : null)
                            .OfType<string>()
                            .ToList()
                        : [];
                }
            }
        }

        foreach (var (group, versions) in CrdPolicyKinds.UnreadableGroups(groups))
        {
            var readable = string.Join(", ", CrdPolicyKinds.All.Where(k => k.Group == group).Select(k => k.Version).Distinct(StringComparer.Ordinal));
            AddInvisible(new InvisibleKind(group, "*", $"served at version(s) {string.Join(", ", versions)}; this scanner reads {readable}"));
        }

        var served = groups.SelectMany(g => g.Value.Select(v => $"{g.Key}/{v}")).ToHashSet(StringComparer.Ordinal);
        return CrdPolicyKinds.ToList(served);
    }

    private async Task ReadNamespacesAsync(CancellationToken cancellationToken)
    {
        using var pages = await _api.ListAsync("api/v1/namespaces", null, "list namespaces at cluster scope", cancellationToken).ConfigureAwait(false);
        Feed(pages, "v1", "Namespace");
    }

    private async Task ReadPoliciesThenPodsAsync(CancellationToken cancellationToken)
    {
        bool namedPorts;
        using (var policies = await _api.ListAsync(
                   "apis/networking.k8s.io/v1/networkpolicies", null, "list networkpolicies.networking.k8s.io at cluster scope", cancellationToken).ConfigureAwait(false))
        {
            Feed(policies, "networking.k8s.io/v1", "NetworkPolicy");
            namedPorts = UsesNamedPorts(policies);
        }

        _podsAsMetadata = !namedPorts;
        // The pod list is the large one: each item is read as its bytes arrive (no page is ever held as JSON), a page's
        // pods are kept once the page is whole, and a 410 restart throws away the stage (so a restarted list never
        // doubles or keeps stale pods).
        var pods = new PodListSink(_podsAsMetadata);
        await _api.StreamListAsync(
            "api/v1/pods",
            namedPorts ? null : KubernetesApiClient.MetadataListAccept,
            "list pods at cluster scope",
            pods,
            cancellationToken).ConfigureAwait(false);
        lock (_builderGate)
        {
            _builder.AddPodsFrom(pods.Stage);
        }

        _podOwners.AddRange(pods.Owners);

        if (_podsAsMetadata && _options.DetectHostNetworkPods)
        {
            using var hostPods = await _api.ListAsync(
                "api/v1/pods?fieldSelector=spec.hostNetwork%3Dtrue", KubernetesApiClient.MetadataListAccept, "list host-network pods at cluster scope", cancellationToken).ConfigureAwait(false);
            _hostNetworkPods = hostPods?.Items.Select(NameOf).OfType<(string, string)>().ToHashSet() ?? [];
        }
    }

    private async Task ReadDaemonSetsAsync(CancellationToken cancellationToken)
    {
        const string Request = "list daemonsets.apps at cluster scope";
        try
        {
            using var pages = await _api.ListAsync("apis/apps/v1/daemonsets", null, Request, cancellationToken).ConfigureAwait(false);
            _daemonSets = EngineDaemonSets.Read(pages?.Items ?? []);
        }
        catch (Exception ex) when (ex is KubernetesApiException or ListExpiredException)
        {
            var reason = CollectionFailureReasons.Describe(ex);
            LogEvidenceUnavailable(_identity.Name, reason);
            _evidence = new EngineEvidence { Unavailable = true, UnavailableReason = reason };
            return;
        }

        _evidence = new EngineEvidence
        {
            DaemonSets = _daemonSets.Engines,
            CiliumPolicyEnforcementMode = _daemonSets.Cilium is { } cilium ? await ReadCiliumModeAsync(cilium.Namespace, cancellationToken).ConfigureAwait(false) : null,
        };
    }

    private async Task<string?> ReadCiliumModeAsync(string ns, CancellationToken cancellationToken)
    {
        var request = $"get configmaps/{PolicyEngineDaemonSets.CiliumConfigMap} in namespace {ns}";
        try
        {
            using var configMap = await _api.GetAsync($"api/v1/namespaces/{Uri.EscapeDataString(ns)}/configmaps/{PolicyEngineDaemonSets.CiliumConfigMap}", null, request, notFoundIsNull: true, cancellationToken).ConfigureAwait(false);
            return configMap is not null
                   && configMap.RootElement.TryGetProperty("data", out var data)
                   && data.ValueKind == JsonValueKind.Object
                   && data.TryGetProperty(PolicyEngineDaemonSets.CiliumEnablePolicyKey, out var mode)
                   && mode.ValueKind == JsonValueKind.String
                ? mode.GetString()
                : null;
        }
        catch (KubernetesApiException ex)
        {
            AddNote($"Cilium policy enforcement mode unknown: {CollectionFailureReasons.Describe(ex)}");
            return null;
        }
    }

    /// <summary>Lists one CRD kind; null when its CRD is not installed (404) or the list failed (the kind is then invisible).</summary>
    private async Task<ListPages?> ReadCrdKindAsync(CrdPolicyKind kind, CancellationToken cancellationToken)
    {
        try
        {
            return await _api.ListAsync(kind.ListPath, null, kind.Describe, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is KubernetesApiException or ListExpiredException)
        {
            var reason = CollectionFailureReasons.Describe(ex);
            LogKindInvisible(_identity.Name, kind.Kind, kind.Group, reason);
            AddInvisible(new InvisibleKind(kind.Group, kind.Kind, reason));
            return null;
        }
    }

    private void Feed(ListPages? pages, string apiVersion, string kind)
    {
        if (pages is null)
        {
            return;
        }

        lock (_builderGate)
        {
            foreach (var item in pages.Items)
            {
                KubernetesObjectReader.Read(item, null, _builder, apiVersion, kind);
            }
        }
    }

    private void AddInvisible(InvisibleKind kind)
    {
        lock (_builderGate)
        {
            _builder.AddInvisibleKind(kind);
        }
    }

    private void AddNote(string note)
    {
        lock (_builderGate)
        {
            _builder.AddNote(note);
        }
    }

    /// <summary>Whether any NetworkPolicy port is a named port (then pods are read in full, for their container ports).</summary>
    private static bool UsesNamedPorts(ListPages? policies)
    {
        if (policies is null)
        {
            return false;
        }

        var probe = new SnapshotBuilder();
        foreach (var item in policies.Items)
        {
            KubernetesObjectReader.Read(item, null, probe, "networking.k8s.io/v1", "NetworkPolicy");
        }

        return probe.Build(new ClusterIdentity { Name = "probe" }, SnapshotSource.KubernetesApi).NetworkPolicies
            .SelectMany(p => (p.Ingress ?? []).Concat(p.Egress ?? []))
            .SelectMany(rule => rule.Ports ?? [])
            .Any(port => port.Port?.IsNamed == true);
    }

    private static void RecordDaemonSetOwner(JsonElement item, List<PodOwner> owners)
    {
        if (NameOf(item) is not { } pod
            || !item.TryGetProperty("metadata", out var metadata)
            || !metadata.TryGetProperty("ownerReferences", out var references)
            || references.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var owner in references.EnumerateArray())
        {
            if (owner.ValueKind == JsonValueKind.Object
                && owner.TryGetProperty("kind", out var ownerKind) && ownerKind.ValueKind == JsonValueKind.String && ownerKind.GetString() == "DaemonSet"
                && owner.TryGetProperty("name", out var ownerName) && ownerName.ValueKind == JsonValueKind.String)
            {
                owners.Add(new PodOwner(pod.Namespace, pod.Name, ownerName.GetString()!));
            }
        }
    }

    private IReadOnlyList<PodInfo> MarkHostNetworkPods(IReadOnlyList<PodInfo> pods)
    {
        if (!_podsAsMetadata)
        {
            return pods;
        }

        var hostNetwork = _hostNetworkPods ?? [];
        if (_daemonSets is { } daemonSets)
        {
            hostNetwork.UnionWith(_podOwners.Where(o => daemonSets.RunsHostNetwork(o.Namespace, o.DaemonSet)).Select(o => (o.Namespace, o.Name)));
        }

        return hostNetwork.Count == 0
            ? pods
            : pods.Select(p => !p.HostNetwork && hostNetwork.Contains((p.Namespace, p.Name)) ? p with { HostNetwork = true } : p).ToList();
    }

    private IEnumerable<string> HostNetworkNotes()
    {
        if (_podsAsMetadata && !_options.DetectHostNetworkPods)
        {
            yield return _daemonSets is null
                ? "pods were read as metadata only and DaemonSets could not be read: host-network pods are not identified"
                : "pods were read as metadata only: host-network pods are identified through their DaemonSet's template only";
        }
    }

    private static (string Namespace, string Name)? NameOf(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object
        && item.TryGetProperty("metadata", out var metadata)
        && metadata.ValueKind == JsonValueKind.Object
        && metadata.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
        && metadata.TryGetProperty("namespace", out var ns) && ns.ValueKind == JsonValueKind.String
            ? (ns.GetString()!, name.GetString()!)
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster {ClusterName}: {Kind}.{Group} is not visible: {Reason}")]
    private partial void LogKindInvisible(string clusterName, string kind, string group, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster {ClusterName}: engine evidence unavailable: {Reason}")]
    private partial void LogEvidenceUnavailable(string clusterName, string reason);

    private sealed record PodOwner(string Namespace, string Name, string DaemonSet);

    /// <summary>Receives the pod list item by item: the fast reader for metadata items, the general reader for the rest.</summary>
    private sealed class PodListSink : IListPageSink
    {
        private readonly bool _metadataOnly;
        private readonly PodItemReader _reader = new();
        private readonly List<string> _daemonSets = [];
        private readonly List<(PodInfo Pod, OwnerReference? Owner)> _page = [];
        private readonly List<PodOwner> _pageOwners = [];

        public PodListSink(bool metadataOnly)
        {
            _metadataOnly = metadataOnly;
        }

        public SnapshotBuilder Stage { get; private set; } = new();

        /// <summary>Pods owned by a DaemonSet (metadata-only lists: their hostNetwork comes from the DaemonSet's template).</summary>
        public List<PodOwner> Owners { get; } = [];

        public void BeginPage()
        {
            _page.Clear();
            _pageOwners.Clear();
        }

        public void OnItem(ReadOnlySpan<byte> item)
        {
            _daemonSets.Clear();
            if (_reader.TryRead(item, out var pod, out var owner, _daemonSets))
            {
                _page.Add((pod!, owner));
                if (_metadataOnly)
                {
                    foreach (var daemonSet in _daemonSets)
                    {
                        _pageOwners.Add(new PodOwner(pod!.Namespace, pod.Name, daemonSet));
                    }
                }

                return;
            }

            using var document = JsonDocument.Parse(item.ToArray());
            _page.Add(KubernetesObjectReader.ReadPodListItem(document.RootElement));
            if (_metadataOnly)
            {
                RecordDaemonSetOwner(document.RootElement, _pageOwners);
            }
        }

        public void CommitPage()
        {
            foreach (var (pod, owner) in _page)
            {
                Stage.AddPod(pod, owner);
            }

            Owners.AddRange(_pageOwners);
            BeginPage();
        }

        public void Restart()
        {
            BeginPage();
            Stage = new SnapshotBuilder();
            Owners.Clear();
        }
    }
}
