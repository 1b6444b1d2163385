using System.Globalization;
using System.Text;
using System.Text.Json;

namespace NetPolGovernance.Simulator.Kubernetes;

/// <summary>Renders the wire JSON the loopback server sends: lists, objects, Status, discovery documents.</summary>
internal static class KubeApiResponses
{
    public const string JsonContentType = "application/json";
    public const string MetadataListContentType = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
    public const string MetadataContentType = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";

    private static readonly string[] s_verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    /// <summary>Renders a whole response body into pooled memory; the caller disposes the buffer once it is sent.</summary>
    public static ResponseBuffer Render(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = new ResponseBuffer();
        try
        {
            using var writer = new Utf8JsonWriter(buffer, LoopbackJson.WriterOptions);
            write(writer);
            writer.Flush();
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    public static void WriteStatus(Utf8JsonWriter writer, int code, string reason, string message, ApiResource? resource = null, string? name = null)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "Status");
        writer.WriteString("apiVersion", "v1");
        writer.WriteStartObject("metadata");
        writer.WriteEndObject();
        writer.WriteString("status", code < 400 ? "Success" : "Failure");
        if (message.Length > 0)
        {
            writer.WriteString("message", message);
        }

        if (reason.Length > 0)
        {
            writer.WriteString("reason", reason);
        }

        if (resource is not null)
        {
            writer.WriteStartObject("details");
            if (name is not null)
            {
                writer.WriteString("name", name);
            }

            if (resource.Group.Length > 0)
            {
                writer.WriteString("group", resource.Group);
            }

            writer.WriteString("kind", resource.Plural);
            writer.WriteEndObject();
        }

        writer.WriteNumber("code", code);
        writer.WriteEndObject();
    }

    public static void WriteList(
        Utf8JsonWriter writer,
        ApiResource resource,
        ReadOnlySpan<StoredObject> items,
        bool metadataOnly,
        long resourceVersion,
        string? continueToken,
        long remaining)
    {
        WriteListStart(writer, resource, metadataOnly, resourceVersion, continueToken, remaining);
        foreach (var item in items)
        {
            WriteListItem(writer, resource, item, metadataOnly);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>A list whose items a generator writes (the fleet simulator's pages of pods).</summary>
    public static void WriteList(
        Utf8JsonWriter writer,
        ApiResource resource,
        bool metadataOnly,
        long resourceVersion,
        string? continueToken,
        long remaining,
        Action<Utf8JsonWriter> writeItems)
    {
        ArgumentNullException.ThrowIfNull(writeItems);
        WriteListStart(writer, resource, metadataOnly, resourceVersion, continueToken, remaining);
        writeItems(writer);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>One list item: the object (typed for custom resources) or its <c>PartialObjectMetadata</c>.</summary>
    public static void WriteListItem(Utf8JsonWriter writer, ApiResource resource, StoredObject item, bool metadataOnly)
    {
        if (metadataOnly)
        {
            WriteMetadataObject(writer, item);
        }
        else if (resource.IsBuiltIn)
        {
            writer.WriteRawValue(item.Body, skipInputValidation: true);
        }
        else
        {
            writer.WriteRawValue(Typed(item), skipInputValidation: true);
        }
    }

    private static void WriteListStart(Utf8JsonWriter writer, ApiResource resource, bool metadataOnly, long resourceVersion, string? continueToken, long remaining)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", metadataOnly ? "PartialObjectMetadataList" : resource.ListKind);
        writer.WriteString("apiVersion", metadataOnly ? "meta.k8s.io/v1" : resource.GroupVersion);
        writer.WriteStartObject("metadata");
        writer.WriteString("resourceVersion", resourceVersion.ToString(CultureInfo.InvariantCulture));
        if (continueToken is not null)
        {
            writer.WriteString("continue", continueToken);
            writer.WriteNumber("remainingItemCount", remaining);
        }

        writer.WriteEndObject();
        writer.WriteStartArray("items");
    }

    public static void WriteMetadataObject(Utf8JsonWriter writer, StoredObject item)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "PartialObjectMetadata");
        writer.WriteString("apiVersion", "meta.k8s.io/v1");
        writer.WritePropertyName("metadata");
        writer.WriteRawValue(item.Metadata, skipInputValidation: true);
        writer.WriteEndObject();
    }

    /// <summary>The object with <c>kind</c> and <c>apiVersion</c> first, as a single GET returns it.</summary>
    public static byte[] Typed(StoredObject item)
    {
        var prefix = Encoding.UTF8.GetBytes($"{{\"kind\":\"{item.Resource.Kind}\",\"apiVersion\":\"{item.Resource.GroupVersion}\"");
        var body = item.Body;
        var hasFields = body.Length > 2;
        var result = new byte[prefix.Length + (hasFields ? 1 : 0) + body.Length - 1];
        prefix.CopyTo(result, 0);
        var offset = prefix.Length;
        if (hasFields)
        {
            result[offset++] = (byte)',';
        }

        body.AsSpan(1).CopyTo(result.AsSpan(offset));
        return result;
    }

    public static void WriteApiVersions(Utf8JsonWriter writer, string serverAddress)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "APIVersions");
        writer.WriteStartArray("versions");
        writer.WriteStringValue("v1");
        writer.WriteEndArray();
        writer.WriteStartArray("serverAddressByClientCIDRs");
        writer.WriteStartObject();
        writer.WriteString("clientCIDR", "0.0.0.0/0");
        writer.WriteString("serverAddress", serverAddress);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteGroupList(Utf8JsonWriter writer, IReadOnlySet<string> servedGroups)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "APIGroupList");
        writer.WriteString("apiVersion", "v1");
        writer.WriteStartArray("groups");
        foreach (var group in GroupsInOrder(servedGroups).Where(g => g.Length > 0))
        {
            WriteGroup(writer, group, typed: false);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteGroup(Utf8JsonWriter writer, string group, bool typed)
    {
        var versions = ApiResources.All.Where(r => r.Group == group).Select(r => r.Version).Distinct(StringComparer.Ordinal).ToList();
        writer.WriteStartObject();
        if (typed)
        {
            writer.WriteString("kind", "APIGroup");
            writer.WriteString("apiVersion", "v1");
        }

        writer.WriteString("name", group);
        writer.WriteStartArray("versions");
        foreach (var version in versions)
        {
            WriteGroupVersion(writer, group, version);
        }

        writer.WriteEndArray();
        writer.WritePropertyName("preferredVersion");
        WriteGroupVersion(writer, group, versions[0]);
        writer.WriteEndObject();
    }

    public static void WriteResourceList(Utf8JsonWriter writer, string group, string version)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "APIResourceList");
        writer.WriteString("apiVersion", "v1");
        writer.WriteString("groupVersion", group.Length == 0 ? version : $"{group}/{version}");
        writer.WriteStartArray("resources");
        foreach (var resource in ApiResources.All.Where(r => r.Group == group && r.Version == version))
        {
            writer.WriteStartObject();
            writer.WriteString("name", resource.Plural);
            writer.WriteString("singularName", resource.Singular);
            writer.WriteBoolean("namespaced", resource.Namespaced);
            writer.WriteString("kind", resource.Kind);
            WriteVerbs(writer);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Aggregated discovery (<c>APIGroupDiscoveryList</c>): groups with their resources in one document.</summary>
    public static void WriteAggregatedDiscovery(Utf8JsonWriter writer, IReadOnlySet<string> servedGroups, bool core, string discoveryVersion)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", "APIGroupDiscoveryList");
        writer.WriteString("apiVersion", $"apidiscovery.k8s.io/{discoveryVersion}");
        writer.WriteStartObject("metadata");
        writer.WriteEndObject();
        writer.WriteStartArray("items");
        foreach (var group in GroupsInOrder(servedGroups).Where(g => (g.Length == 0) == core))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("metadata");
            if (group.Length > 0)
            {
                writer.WriteString("name", group);
            }

            writer.WriteEndObject();
            writer.WriteStartArray("versions");
            foreach (var version in ApiResources.All.Where(r => r.Group == group).Select(r => r.Version).Distinct(StringComparer.Ordinal))
            {
                writer.WriteStartObject();
                writer.WriteString("version", version);
                writer.WriteStartArray("resources");
                foreach (var resource in ApiResources.All.Where(r => r.Group == group && r.Version == version))
                {
                    writer.WriteStartObject();
                    writer.WriteString("resource", resource.Plural);
                    writer.WriteStartObject("responseKind");
                    writer.WriteString("group", resource.Group);
                    writer.WriteString("version", resource.Version);
                    writer.WriteString("kind", resource.Kind);
                    writer.WriteEndObject();
                    writer.WriteString("scope", resource.Namespaced ? "Namespaced" : "Cluster");
                    writer.WriteString("singularResource", resource.Singular);
                    WriteVerbs(writer);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteString("freshness", "Current");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteVersion(Utf8JsonWriter writer, string gitVersion)
    {
        var numbers = gitVersion.TrimStart('v').Split('.');
        writer.WriteStartObject();
        writer.WriteString("major", numbers.ElementAtOrDefault(0) ?? "1");
        writer.WriteString("minor", numbers.ElementAtOrDefault(1) ?? "0");
        writer.WriteString("gitVersion", gitVersion);
        writer.WriteString("platform", "linux/amd64");
        writer.WriteEndObject();
    }

    private static IEnumerable<string> GroupsInOrder(IReadOnlySet<string> servedGroups) =>
        ApiResources.All.Select(r => r.Group).Distinct(StringComparer.Ordinal).Where(servedGroups.Contains);

    private static void WriteGroupVersion(Utf8JsonWriter writer, string group, string version)
    {
        writer.WriteStartObject();
        writer.WriteString("groupVersion", $"{group}/{version}");
        writer.WriteString("version", version);
        writer.WriteEndObject();
    }

    private static void WriteVerbs(Utf8JsonWriter writer)
    {
        writer.WriteStartArray("verbs");
        foreach (var verb in s_verbs)
        {
            writer.WriteStringValue(verb);
        }

        writer.WriteEndArray();
    }
}
