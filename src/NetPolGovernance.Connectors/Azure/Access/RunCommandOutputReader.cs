using System.Globalization;
using System.Text;
using System.Text.Json;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.Kubernetes.Objects;

namespace NetPolGovernance.Connectors.Azure.Access;

/// <summary>
/// Turns the output of <see cref="RunCommandScript"/> into a <see cref="ClusterSnapshot"/>, or into the reason it
/// cannot: cut-off output (no end marker, or at the 512 kB cap), a core list that failed, or malformed sections.
/// Never partial-but-compliant: a missing namespace, pod or NetworkPolicy list fails the whole read. A CRD kind that
/// failed becomes an <see cref="InvisibleKind"/>, which the analysis reports instead of counting it as absent.
/// </summary>
internal static class RunCommandOutputReader
{
    public static RunCommandRead Read(string logs, ClusterIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(logs);
        ArgumentNullException.ThrowIfNull(identity);
        var bytes = Encoding.UTF8.GetByteCount(logs);
        var lines = logs.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(l => l == RunCommandScript.StartMarker);
        if (start < 0)
        {
            return RunCommandRead.Failed(
                $"runCommand output does not start with the scanner's marker ({Size(bytes)}); the command pod did not run the read script");
        }

        var end = lines.FindIndex(start, l => l == RunCommandScript.EndMarker);
        if (end < 0 || bytes >= RunCommandScript.OutputCapBytes)
        {
            return RunCommandRead.Failed(
                $"runCommand output was cut off ({Size(bytes)}, no end marker; the service keeps at most 512 kB): the cluster is too large "
                + "for the runCommand path; scan it from a network that reaches its API server");
        }

        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = start + 1; i < end; i++)
        {
            if (lines[i].StartsWith('#'))
            {
                var content = i + 1 < end && !lines[i + 1].StartsWith('#') ? lines[i + 1] : string.Empty;
                sections[lines[i][1..]] = content;
            }
        }

        try
        {
            return Build(sections, identity);
        }
        catch (Exception ex) when (ex is JsonException or KubernetesObjectFormatException or InvalidOperationException or FormatException)
        {
            return RunCommandRead.Failed($"runCommand output could not be read: {ex.Message}");
        }
    }

    private static RunCommandRead Build(Dictionary<string, string> sections, ClusterIdentity identity)
    {
        foreach (var core in new[] { "namespaces", "pods", "networkpolicies", "daemonsets" })
        {
            if (!sections.TryGetValue(core, out var content) || content.Length == 0)
            {
                return RunCommandRead.Failed($"runCommand output has no '{core}' section");
            }

            if (content.StartsWith("!error", StringComparison.Ordinal))
            {
                return RunCommandRead.Failed($"runCommand could not list {core}: {content["!error".Length..].Trim()}");
            }
        }

        var builder = new SnapshotBuilder();
        using (var namespaces = JsonDocument.Parse(sections["namespaces"]))
        {
            foreach (var ns in namespaces.RootElement.EnumerateArray())
            {
                builder.AddNamespace(new NamespaceInfo { Name = RequiredString(ns, "n", "namespaces"), Labels = Labels(ns) });
            }
        }

        using (var pods = JsonDocument.Parse(sections["pods"]))
        {
            foreach (var group in pods.RootElement.EnumerateArray())
            {
                var ns = RequiredString(group, "ns", "pods");
                var labels = Labels(group);
                var hostNetwork = group.TryGetProperty("h", out var h) && h.ValueKind == JsonValueKind.True;
                foreach (var name in group.GetProperty("n").EnumerateArray())
                {
                    builder.AddPod(
                        new PodInfo { Namespace = ns, Name = name.GetString() ?? throw new FormatException("a pod without a name"), Labels = labels, HostNetwork = hostNetwork },
                        owner: null);
                }
            }
        }

        ReadPolicies(builder, sections["networkpolicies"], "networking.k8s.io/v1", "NetworkPolicy");
        foreach (var crd in RunCommandScript.CrdKinds)
        {
            var key = RunCommandScript.CrdSection(crd);
            if (!sections.TryGetValue(key, out var content) || content.Length == 0)
            {
                builder.AddInvisibleKind(new InvisibleKind(crd.Group, crd.Kind, "runCommand output has no section for this kind"));
            }
            else if (content.StartsWith("!error", StringComparison.Ordinal))
            {
                builder.AddInvisibleKind(new InvisibleKind(crd.Group, crd.Kind, "runCommand could not list it: " + content["!error".Length..].Trim()));
            }
            else if (!content.StartsWith("!absent", StringComparison.Ordinal))
            {
                ReadPolicies(builder, content, crd.ApiVersion, crd.Kind);
            }
        }

        builder.AddNote("read through the AKS runCommand API (pods as names and labels only; container ports not collected)");
        var snapshot = builder.Build(identity, SnapshotSource.RunCommand);
        return RunCommandRead.Read(snapshot with { EngineEvidence = Evidence(sections) });
    }

    private static void ReadPolicies(SnapshotBuilder builder, string content, string apiVersion, string kind)
    {
        using var document = JsonDocument.Parse(content);
        foreach (var item in document.RootElement.EnumerateArray())
        {
            KubernetesObjectReader.Read(item, source: null, builder, apiVersion, kind);
        }
    }

    private static EngineEvidence Evidence(Dictionary<string, string> sections)
    {
        var daemonSets = new List<EngineDaemonSet>();
        using (var document = JsonDocument.Parse(sections["daemonsets"]))
        {
            foreach (var ds in document.RootElement.EnumerateArray())
            {
                var name = RequiredString(ds, "n", "daemonsets");
                if (RunCommandScript.EngineDaemonSets.TryGetValue(name, out var engine))
                {
                    daemonSets.Add(new EngineDaemonSet(engine, RequiredString(ds, "ns", "daemonsets"), name, ds.GetProperty("d").GetInt32(), ds.GetProperty("r").GetInt32()));
                }
            }
        }

        string? ciliumMode = null;
        if (sections.TryGetValue("cilium-config", out var config) && config.StartsWith('{'))
        {
            using var document = JsonDocument.Parse(config);
            ciliumMode = document.RootElement.TryGetProperty("p", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        }

        return new EngineEvidence { DaemonSets = daemonSets, CiliumPolicyEnforcementMode = ciliumMode };
    }

    private static string RequiredString(JsonElement element, string name, string section) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"an item of the '{section}' section has no '{name}'");

    private static IReadOnlyDictionary<string, string> Labels(JsonElement element)
    {
        if (!element.TryGetProperty("l", out var labels) || labels.ValueKind != JsonValueKind.Object)
        {
            return EmptyLabels.Instance;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in labels.EnumerateObject())
        {
            map[label.Name] = label.Value.ValueKind == JsonValueKind.String ? label.Value.GetString()! : label.Value.GetRawText();
        }

        return map;
    }

    private static string Size(int bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} kB");
}

/// <summary>A runCommand read: a snapshot, or the reason there is none.</summary>
internal sealed record RunCommandRead(ClusterSnapshot? Snapshot, string? FailureReason)
{
    public static RunCommandRead Read(ClusterSnapshot snapshot) => new(snapshot, null);

    public static RunCommandRead Failed(string reason) => new(null, reason);
}
