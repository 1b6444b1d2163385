using System.Runtime.CompilerServices;
using k8s.Exceptions;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.Kubernetes.Transport;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Connectors.Kubernetes.Kubeconfig;

/// <summary>
/// Kubeconfig contexts as a scan source: the inventory lists the selected contexts (one cluster each, named after the
/// context), and the collector builds each context's client configuration and reads it with
/// <see cref="KubernetesSnapshotCollector"/>. A context refused by <see cref="ClusterTransportPolicy"/> (http,
/// insecure-skip-tls-verify), or whose credentials cannot be produced (a failing, timed-out or refused exec plugin),
/// is Unknown, not an error of the scan.
/// </summary>
public sealed class KubeconfigClusterSource : IClusterInventory, ISnapshotCollector
{
    private readonly KubeconfigFile _kubeconfig;
    private readonly IReadOnlyList<string> _contexts;
    private readonly KubernetesSnapshotCollector _collector;

    public KubeconfigClusterSource(KubeconfigFile kubeconfig, IReadOnlyList<string> contexts, KubernetesSnapshotCollector collector)
    {
        ArgumentNullException.ThrowIfNull(kubeconfig);
        ArgumentNullException.ThrowIfNull(contexts);
        ArgumentNullException.ThrowIfNull(collector);
        _kubeconfig = kubeconfig;
        _contexts = contexts;
        _collector = collector;
    }

    public async IAsyncEnumerable<ClusterTarget> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var context in _contexts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new ClusterTarget
            {
                Identity = new ClusterIdentity { Name = context, KubeContext = context },
            };
        }
    }

    public async Task<CollectionOutcome> CollectAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var context = target.Identity.KubeContext ?? target.Identity.Name;
        k8s.KubernetesClientConfiguration configuration;
        try
        {
            configuration = await _kubeconfig.BuildConfigurationAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeConfigException ex)
        {
            return CollectionOutcome.Unknown(
                $"credentials: context '{context}' could not produce a client configuration: {ex.Message}",
                AccessPath.Kubeconfig,
                CollectionStats.None,
                FailureKind.Auth);
        }
        catch (ClusterTransportException ex)
        {
            // Refused before any credential was produced (no exec plugin ran, nothing was sent).
            return CollectionOutcome.Unknown(ex.Message, AccessPath.Kubeconfig, CollectionStats.None, FailureKind.Network);
        }
        catch (ExecPluginException ex)
        {
            return CollectionOutcome.Unknown(ex.Message, AccessPath.Kubeconfig, CollectionStats.None, FailureKind.Auth);
        }

        return await _collector.CollectAsync(configuration, target.Identity, AccessPath.Kubeconfig, cancellationToken).ConfigureAwait(false);
    }
}
