using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>
/// One object as the loopback server stores it: pre-rendered wire JSON (without <c>kind</c>/<c>apiVersion</c>,
/// which the server writes per response), its metadata alone (for metadata-only lists), and the labels and
/// selectable fields used by label and field selectors. Immutable, so one instance can be shared by many
/// virtual clusters.
/// </summary>
internal sealed class StoredObject
{
    private static readonly DateTimeOffset s_creationTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private StoredObject(
        ApiResource resource,
        string? ns,
        string name,
        IReadOnlyDictionary<string, string> labels,
        IReadOnlyDictionary<string, string> fields,
        byte[] body,
        byte[] metadata)
    {
        Resource = resource;
        Namespace = ns;
        Name = name;
        Labels = labels;
        Fields = fields;
        Body = body;
        Metadata = metadata;
    }

    public ApiResource Resource { get; }

    /// <summary>Null for cluster-scoped objects.</summary>
    public string? Namespace { get; }

    public string Name { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>Field-selector values: <c>metadata.name</c>, <c>metadata.namespace</c>, and per kind e.g. <c>spec.hostNetwork</c>.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>The object as UTF-8 JSON without <c>kind</c> and <c>apiVersion</c>.</summary>
    public byte[] Body { get; }

    /// <summary>The object's <c>metadata</c> as UTF-8 JSON.</summary>
    public byte[] Metadata { get; }

    /// <summary>
    /// Builds a stored object from a wire object (it must carry <c>apiVersion</c>, <c>kind</c>, <c>metadata.name</c>).
    /// Namespaced objects without a namespace go to <c>default</c>. Server-owned fields (uid, resourceVersion,
    /// creationTimestamp, and the <c>kubernetes.io/metadata.name</c> label of a Namespace) are filled in as a real
    /// API server does.
    /// </summary>
    public static StoredObject Create(JsonObject source, long resourceVersion, string uidSeed)
    {
        ArgumentNullException.ThrowIfNull(source);
        var apiVersion = source["apiVersion"]?.GetValue<string>() ?? throw new ArgumentException("object has no apiVersion", nameof(source));
        var kind = source["kind"]?.GetValue<string>() ?? throw new ArgumentException("object has no kind", nameof(source));
        var resource = ApiResources.FindByKind(apiVersion, kind)
            ?? throw new ArgumentException($"the loopback API server does not serve {apiVersion} {kind}", nameof(source));
        return Create(resource, source, resourceVersion, uidSeed);
    }

    /// <summary>As <see cref="Create(JsonObject, long, string)"/> for a known resource (the body's kind is not required).</summary>
    public static StoredObject Create(ApiResource resource, JsonObject source, long resourceVersion, string uidSeed)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(source);
        var copy = (JsonObject)source.DeepClone();
        copy.Remove("kind");
        copy.Remove("apiVersion");
        if (copy["metadata"] is not JsonObject metadata)
        {
            metadata = [];
            copy["metadata"] = metadata;
        }

        var name = metadata["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException($"{resource.Kind} has no metadata.name", nameof(source));
        }

        string? ns = null;
        if (resource.Namespaced)
        {
            ns = metadata["namespace"]?.GetValue<string>();
            if (string.IsNullOrEmpty(ns))
            {
                ns = "default";
                metadata["namespace"] = ns;
            }
        }
        else
        {
            metadata.Remove("namespace");
        }

        metadata["uid"] ??= DeterministicUid($"{uidSeed}/{resource.GroupVersion}/{resource.Plural}/{ns}/{name}");
        metadata["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture);
        metadata["creationTimestamp"] ??= s_creationTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        if (resource == ApiResources.Namespaces)
        {
            if (metadata["labels"] is not JsonObject nsLabels)
            {
                nsLabels = [];
                metadata["labels"] = nsLabels;
            }

            nsLabels["kubernetes.io/metadata.name"] = name;
            copy["status"] ??= new JsonObject { ["phase"] = "Active" };
        }

        var labels = ReadStringMap(metadata["labels"]);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["metadata.name"] = name };
        if (ns is not null)
        {
            fields["metadata.namespace"] = ns;
        }

        if (resource == ApiResources.Pods)
        {
            var spec = copy["spec"] as JsonObject;
            fields["spec.hostNetwork"] = spec?["hostNetwork"]?.GetValue<bool>() == true ? "true" : "false";
            fields["spec.nodeName"] = spec?["nodeName"]?.GetValue<string>() ?? string.Empty;
            fields["status.phase"] = (copy["status"] as JsonObject)?["phase"]?.GetValue<string>() ?? string.Empty;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(copy, LoopbackJson.NodeOptions);
        var metadataBytes = JsonSerializer.SerializeToUtf8Bytes(metadata, LoopbackJson.NodeOptions);
        return new StoredObject(resource, ns, name, labels, fields, body, metadataBytes);
    }

    /// <summary>The object as a JSON node (a copy), with <c>kind</c> and <c>apiVersion</c>.</summary>
    public JsonObject ToJsonObject()
    {
        var node = JsonNode.Parse(Body)!.AsObject();
        var result = new JsonObject { ["kind"] = Resource.Kind, ["apiVersion"] = Resource.GroupVersion };
        foreach (var (key, value) in node.ToList())
        {
            node.Remove(key);
            result[key] = value;
        }

        return result;
    }

    private static Dictionary<string, string> ReadStringMap(JsonNode? node)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                map[key] = value?.GetValue<string>() ?? string.Empty;
            }
        }

        return map;
    }

    private static string DeterministicUid(string seed)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }
}
