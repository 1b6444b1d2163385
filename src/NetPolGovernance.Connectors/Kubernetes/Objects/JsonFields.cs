using System.Globalization;
using System.Text.Json;

namespace NetPolGovernance.Connectors.Kubernetes.Objects;

/// <summary>
/// Typed reads of optional fields of a Kubernetes object. A missing field (or JSON null) reads as null;
/// a field of the wrong shape throws <see cref="KubernetesObjectFormatException"/> naming its path.
/// </summary>
internal readonly struct JsonFields
{
    private readonly JsonElement _element;
    private readonly string _path;

    public JsonFields(JsonElement element, string path)
    {
        _element = element;
        _path = path;
    }

    public string Path => _path;

    public JsonElement Element => _element;

    public static JsonFields Root(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new KubernetesObjectFormatException("(object)", $"expected a mapping, found {Describe(element.ValueKind)}");
        }

        return new JsonFields(element, string.Empty);
    }

    public string Child(string name) => _path.Length == 0 ? name : $"{_path}.{name}";

    public bool Has(string name) => TryGet(name, out _);

    public bool TryGet(string name, out JsonElement value)
    {
        if (_element.ValueKind == JsonValueKind.Object
            && _element.TryGetProperty(name, out value)
            && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>The nested mapping <paramref name="name"/>, or null when missing.</summary>
    public JsonFields? Object(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new KubernetesObjectFormatException(Child(name), $"expected a mapping, found {Describe(value.ValueKind)}");
        }

        return new JsonFields(value, Child(name));
    }

    /// <summary>The list <paramref name="name"/> of mappings, or null when missing.</summary>
    public IReadOnlyList<JsonFields>? ObjectList(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        var path = Child(name);
        var array = RequireArray(value, path);
        var items = new List<JsonFields>(array.GetArrayLength());
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var itemPath = $"{path}[{index.ToString(CultureInfo.InvariantCulture)}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new KubernetesObjectFormatException(itemPath, $"expected a mapping, found {Describe(item.ValueKind)}");
            }

            items.Add(new JsonFields(item, itemPath));
            index++;
        }

        return items;
    }

    /// <summary>The number of entries of the list <paramref name="name"/>; 0 when missing.</summary>
    public int Count(string name) =>
        TryGet(name, out var value) ? RequireArray(value, Child(name)).GetArrayLength() : 0;

    /// <summary>A scalar as text (numbers and booleans keep their written form), or null when missing.</summary>
    public string? String(string name) =>
        TryGet(name, out var value) ? ScalarText(value, Child(name)) : null;

    public int? Int(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        throw new KubernetesObjectFormatException(Child(name), $"expected an integer, found {Describe(value)}");
    }

    public double? Double(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number))
        {
            return number;
        }

        if (value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            && double.IsFinite(parsed))
        {
            return parsed;
        }

        throw new KubernetesObjectFormatException(Child(name), $"expected a number, found {Describe(value)}");
    }

    public bool? Bool(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new KubernetesObjectFormatException(Child(name), $"expected true or false, found {Describe(value)}"),
        };
    }

    /// <summary>A list of scalars as text, or null when missing.</summary>
    public IReadOnlyList<string>? StringList(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        var path = Child(name);
        var array = RequireArray(value, path);
        var items = new List<string>(array.GetArrayLength());
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            items.Add(ScalarText(item, $"{path}[{index.ToString(CultureInfo.InvariantCulture)}]"));
            index++;
        }

        return items;
    }

    /// <summary>A string-to-string map (labels, matchLabels), or null when missing.</summary>
    public IReadOnlyDictionary<string, string>? StringMap(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        var path = Child(name);
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new KubernetesObjectFormatException(path, $"expected a mapping of strings, found {Describe(value.ValueKind)}");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            map[property.Name] = property.Value.ValueKind == JsonValueKind.Null
                ? string.Empty
                : ScalarText(property.Value, $"{path}.{property.Name}");
        }

        return map;
    }

    private static JsonElement RequireArray(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Array
            ? value
            : throw new KubernetesObjectFormatException(path, $"expected a list, found {Describe(value.ValueKind)}");

    private static string ScalarText(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw new KubernetesObjectFormatException(path, $"expected a scalar, found {Describe(value.ValueKind)}"),
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        _ => Describe(value.ValueKind),
    };

    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "a mapping",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
