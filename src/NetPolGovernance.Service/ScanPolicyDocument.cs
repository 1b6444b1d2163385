using System.Text.Json;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Connectors.Exemptions;
using NetPolGovernance.Connectors.Manifests;

namespace NetPolGovernance.Service;

/// <summary>
/// Profile and exemptions as the app settings or a blob carry them, in the CLI's exemptions-file schema
/// (<see cref="ExemptionFileLoader"/>), JSON or YAML: either a list of exemptions, or a mapping
/// <c>{"profile": "strict", "exemptions": [...]}</c> whose <c>profile</c> is optional.
/// </summary>
public sealed record ScanPolicyDocument(ComplianceProfile? Profile, IReadOnlyList<Exemption> Exemptions)
{
    public static ScanPolicyDocument Empty { get; } = new(null, []);

    /// <summary>Parses the document; a <see cref="FormatException"/> names <paramref name="source"/> and the line at fault.</summary>
    public static ScanPolicyDocument Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            var documents = ExemptionFileLoader.ParseDocuments(text, source);
            ComplianceProfile? profile = null;
            if (documents.Count == 1 && documents[0].Root.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in documents[0].Root.EnumerateObject())
                {
                    if (property.NameEquals("profile"))
                    {
                        profile = ComplianceProfiles.Parse(property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.ToString(), $"{source} profile");
                    }
                    else if (!property.NameEquals("exemptions"))
                    {
                        throw new FormatException($"{source}: unknown field '{property.Name}' (expected 'profile' and 'exemptions').");
                    }
                }
            }

            return new ScanPolicyDocument(profile, ExemptionFileLoader.Parse(text, source));
        }
        catch (InputFileException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
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
