using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NetPolGovernance.Connectors.Azure.Access;

namespace NetPolGovernance.Simulator.Azure;

/// <summary>
/// Writes what the scanner's runCommand read script would print for a cluster (the simulated cluster side of the
/// runCommand path): namespaces, pods grouped by labels, policies as JSON objects, engine DaemonSets, CRD kinds.
/// </summary>
public sealed class RunCommandOutputBuilder
{
    private readonly JsonArray _namespaces = [];
    private readonly Dictionary<(string Ns, string Labels, bool Host), (JsonObject Labels, JsonArray Names)> _pods = [];
    private readonly JsonArray _policies = [];
    private readonly JsonArray _daemonSets = [];
    private readonly Dictionary<string, string> _crdSections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _coreErrors = new(StringComparer.Ordinal);
    private string? _ciliumEnablePolicy;

    public RunCommandOutputBuilder Namespace(string name, params (string Key, string Value)[] labels)
    {
        _namespaces.Add(new JsonObject { ["n"] = name, ["l"] = LabelObject(labels) });
        return this;
    }

    public RunCommandOutputBuilder Pod(string ns, string name, params (string Key, string Value)[] labels) => Pod(ns, name, hostNetwork: false, labels);

    public RunCommandOutputBuilder Pod(string ns, string name, bool hostNetwork, params (string Key, string Value)[] labels)
    {
        var labelObject = LabelObject(labels);
        var key = (ns, labelObject.ToJsonString(), hostNetwork);
        if (!_pods.TryGetValue(key, out var group))
        {
            group = (labelObject, []);
            _pods[key] = group;
        }

        group.Names.Add(name);
        return this;
    }

    /// <summary>A NetworkPolicy, written as the API serves it (metadata + spec).</summary>
    public RunCommandOutputBuilder NetworkPolicy(string ns, string name, JsonObject spec)
    {
        _policies.Add(new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1",
            ["kind"] = "NetworkPolicy",
            ["metadata"] = new JsonObject { ["namespace"] = ns, ["name"] = name },
            ["spec"] = spec,
        });
        return this;
    }

    /// <summary>A default-deny (ingress and egress) policy for every pod of <paramref name="ns"/>.</summary>
    public RunCommandOutputBuilder DefaultDeny(string ns) =>
        NetworkPolicy(ns, "default-deny", new JsonObject { ["podSelector"] = new JsonObject(), ["policyTypes"] = new JsonArray("Ingress", "Egress") });

    public RunCommandOutputBuilder EngineDaemonSet(string ns, string name, int desired, int ready)
    {
        _daemonSets.Add(new JsonObject { ["ns"] = ns, ["n"] = name, ["d"] = desired, ["r"] = ready });
        return this;
    }

    public RunCommandOutputBuilder CiliumEnablePolicy(string mode)
    {
        _ciliumEnablePolicy = mode;
        return this;
    }

    /// <summary>A CRD kind whose list failed in the cluster (e.g. forbidden).</summary>
    public RunCommandOutputBuilder CrdError(string apiVersion, string kind, string message)
    {
        _crdSections[$"{apiVersion} {kind}"] = "!error " + message;
        return this;
    }

    /// <summary>A core list (namespaces, pods, networkpolicies, daemonsets) that failed in the cluster.</summary>
    public RunCommandOutputBuilder CoreError(string section, string message)
    {
        _coreErrors[section] = "!error " + message;
        return this;
    }

    public string Build()
    {
        var text = new StringBuilder();
        text.Append(RunCommandScript.StartMarker).Append('\n');
        Section(text, "namespaces", _namespaces.ToJsonString());
        var pods = new JsonArray([.. _pods.Select(p => (JsonNode)new JsonObject
        {
            ["ns"] = p.Key.Ns,
            ["l"] = p.Value.Labels.DeepClone(),
            ["h"] = p.Key.Host,
            ["n"] = p.Value.Names.DeepClone(),
        })]);
        Section(text, "pods", pods.ToJsonString());
        Section(text, "networkpolicies", _policies.ToJsonString());
        Section(text, "daemonsets", _daemonSets.ToJsonString());
        Section(text, "cilium-config", new JsonObject { ["p"] = _ciliumEnablePolicy }.ToJsonString());
        foreach (var kind in RunCommandScript.CrdKinds)
        {
            Section(text, RunCommandScript.CrdSection(kind), _crdSections.GetValueOrDefault($"{kind.ApiVersion} {kind.Kind}", "!absent"));
        }

        text.Append(RunCommandScript.EndMarker).Append('\n');
        return text.ToString();
    }

    /// <summary>The output cut where the service cuts it: the first <paramref name="bytes"/> bytes.</summary>
    public static string CutOff(string output, int bytes) => output.Length <= bytes ? output : output[..bytes];

    /// <summary>A cluster big enough that its output exceeds the 512 kB cap (pods with distinct labels do not group).</summary>
    public static RunCommandOutputBuilder Oversized(int pods)
    {
        var builder = new RunCommandOutputBuilder().Namespace("big");
        for (var i = 0; i < pods; i++)
        {
            builder.Pod("big", string.Create(CultureInfo.InvariantCulture, $"pod-{i:D6}-{Guid.NewGuid():N}"), ("app", string.Create(CultureInfo.InvariantCulture, $"app-{i:D6}")));
        }

        return builder;
    }

    private void Section(StringBuilder text, string name, string content)
    {
        text.Append('#').Append(name).Append('\n');
        text.Append(_coreErrors.GetValueOrDefault(name, content)).Append('\n');
    }

    private static JsonObject LabelObject((string Key, string Value)[] labels)
    {
        var map = new JsonObject();
        foreach (var (key, value) in labels)
        {
            map[key] = value;
        }

        return map;
    }
}
