using System.Text;
using System.Text.Unicode;
using System.Text.Json;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Connectors.Kubernetes.Objects;

/// <summary>
/// The fast path for the largest list a cluster has: reads one item of a metadata-only pod list
/// (<c>PartialObjectMetadata</c>) straight from its UTF-8 bytes into a <see cref="PodInfo"/>, with no document in
/// between. Namespaces, label maps, label keys and values and owners are shared across the pods of one cluster
/// (pods of one workload carry identical labels), so a pod costs little more than its name.
/// <para>Anything but a plain, well-formed metadata item (a full pod with a spec, an escaped string, a label that is
/// not a string, a missing name) is declined, and the caller reads it with <see cref="KubernetesObjectReader"/>,
/// which gives the same result, or the same error naming the field.</para>
/// One reader per cluster read; not thread-safe.
/// </summary>
internal sealed class PodItemReader
{
    private const string DefaultNamespace = "default";

    private readonly Utf8Interner<string> _strings = new();
    private readonly Utf8Interner<IReadOnlyDictionary<string, string>> _labelSets = new();
    private readonly Dictionary<(string Kind, string Name), OwnerReference> _owners = [];
    /// <summary>Null for bytes that are not valid UTF-8 (the item is then declined, and the general reader reports it).</summary>
    private readonly Func<ReadOnlySpan<byte>, string?> _decode = static utf8 => Utf8.IsValid(utf8) ? Encoding.UTF8.GetString(utf8) : null;
    private readonly Func<ReadOnlySpan<byte>, IReadOnlyDictionary<string, string>?> _parseLabels;

    public PodItemReader()
    {
        _parseLabels = ParseLabels;
    }

    /// <summary>
    /// Reads <paramref name="item"/>, or returns false when it is not a plain metadata-only pod.
    /// <paramref name="daemonSets"/> receives the names of the DaemonSets among its owners.
    /// </summary>
    public bool TryRead(ReadOnlySpan<byte> item, out PodInfo? pod, out OwnerReference? owner, List<string> daemonSets)
    {
        pod = null;
        owner = null;
        var metadata = default(PodMetadata);
        var reader = new Utf8JsonReader(item);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("spec"u8))
            {
                return false; // a full pod: its container ports and hostNetwork need the general reader
            }

            if (reader.ValueTextEquals("kind"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || !(reader.ValueTextEquals("PartialObjectMetadata"u8) || reader.ValueTextEquals("Pod"u8)))
                {
                    return false;
                }

                continue;
            }

            if (!reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject || !ReadMetadata(ref reader, item, ref metadata, daemonSets))
            {
                return false;
            }
        }

        if (string.IsNullOrEmpty(metadata.Name))
        {
            return false;
        }

        pod = new PodInfo
        {
            Namespace = string.IsNullOrEmpty(metadata.Namespace) ? DefaultNamespace : metadata.Namespace,
            Name = metadata.Name,
            Labels = metadata.Labels ?? EmptyLabels.Instance,
        };
        owner = metadata.HasController ? metadata.Controller : metadata.FirstOwner;
        return true;
    }

    private bool ReadMetadata(ref Utf8JsonReader reader, ReadOnlySpan<byte> item, ref PodMetadata metadata, List<string> daemonSets)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                if (!IsPlainString(ref reader))
                {
                    return false;
                }

                metadata.Name = reader.GetString();
            }
            else if (reader.ValueTextEquals("namespace"u8))
            {
                reader.Read();
                if (!IsPlainString(ref reader))
                {
                    return false;
                }

                metadata.Namespace = _strings.GetOrAdd(reader.ValueSpan, _decode);
                if (metadata.Namespace is null)
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("labels"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return false;
                }

                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                metadata.Labels = _labelSets.GetOrAdd(item[start..(int)reader.BytesConsumed], _parseLabels);
                if (metadata.Labels is null)
                {
                    return false;
                }
            }
            else if (reader.ValueTextEquals("ownerReferences"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray || !ReadOwners(ref reader, ref metadata, daemonSets))
                {
                    return false;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return true;
    }

    /// <summary>The controller owner, else the first one, as <see cref="KubernetesObjectReader"/> picks it.</summary>
    private bool ReadOwners(ref Utf8JsonReader reader, ref PodMetadata metadata, List<string> daemonSets)
    {
        var first = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string? kind = null;
            string? name = null;
            var controller = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("kind"u8) || reader.ValueTextEquals("name"u8))
                {
                    var isKind = reader.ValueTextEquals("kind"u8);
                    reader.Read();
                    if (!IsPlainString(ref reader))
                    {
                        return false;
                    }

                    var value = _strings.GetOrAdd(reader.ValueSpan, _decode);
                    if (value is null)
                    {
                        return false;
                    }

                    if (isKind)
                    {
                        kind = value;
                    }
                    else
                    {
                        name = value;
                    }
                }
                else if (reader.ValueTextEquals("controller"u8))
                {
                    reader.Read();
                    if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null))
                    {
                        return false;
                    }

                    controller = reader.TokenType == JsonTokenType.True;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            var reference = kind is not null && name is not null ? Owner(kind, name) : null;
            if (first)
            {
                metadata.FirstOwner = reference;
                first = false;
            }

            if (controller && !metadata.HasController)
            {
                metadata.HasController = true;
                metadata.Controller = reference;
            }

            if (kind == "DaemonSet" && name is not null)
            {
                daemonSets.Add(name);
            }
        }

        return reader.TokenType == JsonTokenType.EndArray;
    }

    private OwnerReference Owner(string kind, string name)
    {
        if (!_owners.TryGetValue((kind, name), out var owner))
        {
            owner = new OwnerReference(kind, name);
            _owners[(kind, name)] = owner;
        }

        return owner;
    }

    /// <summary>A label map whose values are all strings (or null, read as empty); null for any other shape.</summary>
    private Dictionary<string, string>? ParseLabels(ReadOnlySpan<byte> labels)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(labels);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueIsEscaped)
            {
                return null;
            }

            var key = _strings.GetOrAdd(reader.ValueSpan, _decode);
            reader.Read();
            var value = reader.TokenType switch
            {
                JsonTokenType.Null => string.Empty,
                JsonTokenType.String when !reader.ValueIsEscaped => _strings.GetOrAdd(reader.ValueSpan, _decode),
                _ => null,
            };
            if (key is null || value is null)
            {
                return null;
            }

            map[key] = value;
        }

        return map;
    }

    private static bool IsPlainString(ref Utf8JsonReader reader) => reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped;

    private struct PodMetadata
    {
        public string? Name;
        public string? Namespace;
        public IReadOnlyDictionary<string, string>? Labels;
        public OwnerReference? FirstOwner;
        public OwnerReference? Controller;
        public bool HasController;
    }
}
