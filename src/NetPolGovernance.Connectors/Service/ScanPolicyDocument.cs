using System.Text.Json;
using System.Text.Json.Serialization;
using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Connectors.Service;

/// <summary>
/// Profile and exemptions as the app settings or a blob carry them: either a JSON array of exemptions, or
/// <c>{"profile": "strict", "exemptions": [...]}</c>. Exemption fields are those of <see cref="Exemption"/>
/// in camelCase (<c>subscriptionId</c>, <c>cluster</c>, <c>namespace</c>, <c>namespaceLabels</c>, <c>checks</c>,
/// <c>owner</c>, <c>reason</c>, <c>expiresOn</c>).
/// </summary>
public sealed record ScanPolicyDocument(ComplianceProfile? Profile, IReadOnlyList<Exemption> Exemptions)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
    };

    public static ScanPolicyDocument Empty { get; } = new(null, []);

    /// <summary>Parses the document; a <see cref="FormatException"/> names <paramref name="source"/> and the JSON path at fault.</summary>
    public static ScanPolicyDocument Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var root = document.RootElement;
            return root.ValueKind switch
            {
                JsonValueKind.Array => new ScanPolicyDocument(null, ReadExemptions(root, source)),
                JsonValueKind.Object => ReadObject(root, source),
                _ => throw new FormatException($"{source}: expected a JSON array of exemptions or an object with \"profile\" and \"exemptions\", found {root.ValueKind}."),
            };
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{source}: invalid JSON at {ex.Path ?? "$"} (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }
    }

    private static ScanPolicyDocument ReadObject(JsonElement root, string source)
    {
        ComplianceProfile? profile = null;
        IReadOnlyList<Exemption> exemptions = [];
        foreach (var property in root.EnumerateObject())
        {
            if (property.NameEquals("profile"))
            {
                profile = ComplianceProfiles.Parse(property.Value.GetString(), $"{source} $.profile");
            }
            else if (property.NameEquals("exemptions"))
            {
                exemptions = ReadExemptions(property.Value, source);
            }
            else
            {
                throw new FormatException($"{source}: unknown property \"{property.Name}\" (expected \"profile\" and \"exemptions\").");
            }
        }

        return new ScanPolicyDocument(profile, exemptions);
    }

    private static Exemption[] ReadExemptions(JsonElement array, string source)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"{source}: \"exemptions\" must be a JSON array.");
        }

        var exemptions = array.Deserialize<Exemption[]>(s_json) ?? [];
        for (var i = 0; i < exemptions.Length; i++)
        {
            if (exemptions[i] is null || string.IsNullOrWhiteSpace(exemptions[i].Owner) || string.IsNullOrWhiteSpace(exemptions[i].Reason))
            {
                throw new FormatException($"{source}: exemption [{i}] needs a non-empty \"owner\" and \"reason\".");
            }
        }

        return exemptions;
    }
}

/// <summary>Reads profile names as the settings spell them.</summary>
public static class ComplianceProfiles
{
    /// <summary><c>cis</c>, <c>baseline</c> or <c>strict</c>, any case.</summary>
    public static ComplianceProfile Parse(string? value, string source) =>
        value?.Trim().ToUpperInvariant() switch
        {
            "CIS" => ComplianceProfile.Cis,
            "BASELINE" => ComplianceProfile.Baseline,
            "STRICT" => ComplianceProfile.Strict,
            _ => throw new FormatException($"{source} is '{value}': it must be cis, baseline or strict."),
        };
}
