using System.Text.Json;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Kubernetes.Catalog;

namespace NetPolGovernance.Connectors.Kubernetes.Objects;

/// <summary>
/// Reads the DaemonSet list for two facts: the policy-engine DaemonSets (<see cref="PolicyEngineDaemonSets"/>, in any
/// namespace) with their desired and ready counts, and which DaemonSets run host-network pods (to mark their pods when pods are read as metadata only).
/// </summary>
internal sealed class EngineDaemonSets
{
    private readonly HashSet<(string Namespace, string Name)> _hostNetwork = [];

    public List<EngineDaemonSet> Engines { get; } = [];

    public static EngineDaemonSets Read(IEnumerable<JsonElement> items)
    {
        var result = new EngineDaemonSets();
        foreach (var item in items)
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var name = Text(metadata, "name");
            var ns = Text(metadata, "namespace");
            if (name is null || ns is null)
            {
                continue;
            }

            var status = Child(item, "status");
            if (PolicyEngineDaemonSets.EngineByName.TryGetValue(name, out var engine))
            {
                result.Engines.Add(new EngineDaemonSet(engine, ns, name, Number(status, "desiredNumberScheduled"), Number(status, "numberReady")));
            }

            var podSpec = Child(Child(Child(item, "spec"), "template"), "spec");
            if (podSpec is { } spec && spec.TryGetProperty("hostNetwork", out var hostNetwork) && hostNetwork.ValueKind == JsonValueKind.True)
            {
                result._hostNetwork.Add((ns, name));
            }
        }

        return result;
    }

    /// <summary>True when the DaemonSet <paramref name="name"/> in <paramref name="ns"/> runs host-network pods.</summary>
    public bool RunsHostNetwork(string ns, string name) => _hostNetwork.Contains((ns, name));

    public EngineDaemonSet? Cilium => Engines.FirstOrDefault(e => e.Engine == PolicyEngineDaemonSets.Cilium);

    private static JsonElement? Child(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var child) && child.ValueKind == JsonValueKind.Object ? child : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int Number(JsonElement? element, string name) =>
        element is { } e && e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : 0;
}
