using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Simulator.Fleet;

/// <summary>
/// Serves one simulated cluster's objects to the loopback API server, generated per request from the plan: small
/// kinds are rendered whole for each list, pods page by page. Nothing is kept between requests but the plan.
/// </summary>
internal sealed class SimulatedClusterSource : IGeneratedObjects
{
    private const long ResourceVersion = 1000;

    private static readonly ApiResource[] s_smallResources =
    [
        ApiResources.Namespaces, ApiResources.NetworkPolicies, ApiResources.DaemonSets,
        ApiResources.CiliumNetworkPolicies, ApiResources.CiliumClusterwideNetworkPolicies,
        ApiResources.CalicoNetworkPolicies, ApiResources.CalicoGlobalNetworkPolicies,
        ApiResources.CalicoCrdNetworkPolicies, ApiResources.CalicoCrdGlobalNetworkPolicies,
        ApiResources.AdminNetworkPolicies, ApiResources.BaselineAdminNetworkPolicies, ApiResources.ClusterNetworkPolicies,
    ];

    private readonly SimulatedClusterObjects _objects;

    public SimulatedClusterSource(SimulatedClusterObjects objects)
    {
        _objects = objects;
    }

    public IGeneratedList? List(ApiResource resource)
    {
        if (resource == ApiResources.Pods)
        {
            return new PodList(_objects);
        }

        return s_smallResources.Contains(resource) ? new SmallList(resource, Render(resource)) : null;
    }

    private StoredObject[] Render(ApiResource resource) =>
        [.. _objects.SmallObjects(resource)
            .Select(o => StoredObject.Create(resource, o, ResourceVersion, _objects.Plan.Name))
            .OrderBy(o => o.Namespace ?? string.Empty, StringComparer.Ordinal)
            .ThenBy(o => o.Name, StringComparer.Ordinal)];

    private sealed class SmallList(ApiResource resource, StoredObject[] items) : IGeneratedList
    {
        public int Count => items.Length;

        public void WriteItems(Utf8JsonWriter writer, int offset, int count, bool metadataOnly)
        {
            foreach (var item in items.AsSpan(offset, count))
            {
                KubeApiResponses.WriteListItem(writer, resource, item, metadataOnly);
            }
        }

        public StoredObject[] Materialize() => items;
    }

    private sealed class PodList(SimulatedClusterObjects objects) : IGeneratedList
    {
        public int Count => objects.PodCount;

        public void WriteItems(Utf8JsonWriter writer, int offset, int count, bool metadataOnly)
        {
            objects.WritePods(writer, offset, count, metadataOnly, ResourceVersion);
        }

        public StoredObject[] Materialize()
        {
            var result = new StoredObject[objects.PodCount];
            var buffer = new ArrayBufferWriter<byte>();
            for (var i = 0; i < result.Length; i++)
            {
                buffer.ResetWrittenCount();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    objects.WritePod(writer, i, metadataOnly: false, ResourceVersion);
                }

                var pod = JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
                result[i] = StoredObject.Create(ApiResources.Pods, pod, ResourceVersion, objects.Plan.Name);
            }

            return result;
        }
    }
}
