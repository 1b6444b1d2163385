using System.Text.Json.Nodes;

namespace NetPolGovernance.Testing.Kubernetes;

/// <summary>Builders for wire objects that tests and simulators load into a <see cref="KubeObjectStore"/>.</summary>
internal static class KubeObjects
{
    public static JsonObject Namespace(string name, IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = Metadata(name, null, labels),
    };

    /// <summary>A pod with one container; <paramref name="ports"/> are (name, port) pairs, TCP.</summary>
    public static JsonObject Pod(
        string ns,
        string name,
        IReadOnlyDictionary<string, string>? labels = null,
        IEnumerable<(string? Name, int Port)>? ports = null,
        bool hostNetwork = false)
    {
        var container = new JsonObject { ["name"] = "app", ["image"] = "registry.example/app:1.0" };
        if (ports is not null)
        {
            container["ports"] = new JsonArray([.. ports.Select(p => (JsonNode)Port(p.Name, p.Port))]);
        }

        var spec = new JsonObject { ["containers"] = new JsonArray(container) };
        if (hostNetwork)
        {
            spec["hostNetwork"] = true;
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = Metadata(name, ns, labels),
            ["spec"] = spec,
            ["status"] = new JsonObject { ["phase"] = "Running" },
        };
    }

    /// <summary>A NetworkPolicy with the given spec (a JSON object as written in a manifest).</summary>
    public static JsonObject NetworkPolicy(string ns, string name, JsonObject spec, IReadOnlyDictionary<string, string>? labels = null) => new()
    {
        ["apiVersion"] = "networking.k8s.io/v1",
        ["kind"] = "NetworkPolicy",
        ["metadata"] = Metadata(name, ns, labels),
        ["spec"] = spec,
    };

    /// <summary>A default-deny policy for ingress and egress in a namespace.</summary>
    public static JsonObject DefaultDeny(string ns, string name = "default-deny") =>
        NetworkPolicy(ns, name, new JsonObject { ["podSelector"] = new JsonObject(), ["policyTypes"] = new JsonArray("Ingress", "Egress") });

    /// <summary>A policy engine DaemonSet with desired and ready counts in its status.</summary>
    public static JsonObject DaemonSet(string ns, string name, int desired, int ready) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "DaemonSet",
        ["metadata"] = Metadata(name, ns, new Dictionary<string, string> { ["k8s-app"] = name }),
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["k8s-app"] = name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["k8s-app"] = name } },
                ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = name, ["image"] = $"registry.example/{name}:1.0" }) },
            },
        },
        ["status"] = new JsonObject
        {
            ["desiredNumberScheduled"] = desired,
            ["currentNumberScheduled"] = desired,
            ["numberReady"] = ready,
            ["numberAvailable"] = ready,
            ["updatedNumberScheduled"] = desired,
            ["numberMisscheduled"] = 0,
            ["observedGeneration"] = 1,
        },
    };

    public static JsonObject ConfigMap(string ns, string name, IReadOnlyDictionary<string, string> data) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = Metadata(name, ns, null),
        ["data"] = StringMap(data),
    };

    /// <summary>Any other kind (CRD policies): apiVersion, kind, metadata and the given spec.</summary>
    public static JsonObject Custom(string apiVersion, string kind, string? ns, string name, JsonObject spec) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["metadata"] = Metadata(name, ns, null),
        ["spec"] = spec,
    };

    private static JsonObject Port(string? name, int port)
    {
        var result = new JsonObject { ["containerPort"] = port, ["protocol"] = "TCP" };
        if (name is not null)
        {
            result["name"] = name;
        }

        return result;
    }

    private static JsonObject Metadata(string name, string? ns, IReadOnlyDictionary<string, string>? labels)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            metadata["namespace"] = ns;
        }

        if (labels is { Count: > 0 })
        {
            metadata["labels"] = StringMap(labels);
        }

        return metadata;
    }

    private static JsonObject StringMap(IReadOnlyDictionary<string, string> values)
    {
        var map = new JsonObject();
        foreach (var (key, value) in values)
        {
            map[key] = value;
        }

        return map;
    }
}
