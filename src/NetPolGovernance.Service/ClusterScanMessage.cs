using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Service;

/// <summary>
/// The queue message for one cluster of one scan: the scan's id and start, and the cluster as the inventory found
/// it (identity, ARM network profile, typed AKS access facts). Never a credential.
/// </summary>
/// <remarks>
/// Version 2 carries the access facts as <c>target.aks</c>. Version 1 (written by workers before it) carried them as a
/// string map <c>target.accessHints</c>; it is still read, so messages enqueued before an upgrade are scanned.
/// </remarks>
public sealed record ClusterScanMessage
{
    /// <summary>The version this worker writes.</summary>
    public const int CurrentVersion = 2;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Bumped when the shape changes incompatibly.</summary>
    public int Version { get; init; } = CurrentVersion;

    public required string ScanId { get; init; }

    public required DateTimeOffset ScanStartedAt { get; init; }

    public ScanTrigger Trigger { get; init; }

    public required ClusterTarget Target { get; init; }

    /// <summary>The cluster's key within the scan (see <see cref="ClusterKeys"/>).</summary>
    [JsonIgnore]
    public string ClusterKey => ClusterKeys.For(Target.Identity);

    public string ToJson() => JsonSerializer.Serialize(this with { Version = CurrentVersion }, s_json);

    /// <summary>Reads a message of version 1 or 2; an <see cref="InvalidScanMessageException"/> says what is wrong with it.</summary>
    public static ClusterScanMessage Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        ClusterScanMessage? message;
        try
        {
            var node = JsonNode.Parse(json);
            var version = node?["version"]?.GetValueKind() == JsonValueKind.Number ? node["version"]!.GetValue<int>() : 1;
            if (version is not (1 or CurrentVersion))
            {
                throw new InvalidScanMessageException($"The scan message has version {version}; this worker reads versions 1 and {CurrentVersion}.");
            }

            var legacyAccess = version == 1 ? LegacyAccessHints.Take(node?["target"]) : null;
            message = node.Deserialize<ClusterScanMessage>(s_json);
            if (legacyAccess is not null && message?.Target is { } target)
            {
                message = message with { Target = target with { Aks = legacyAccess } };
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidScanMessageException($"The scan message is not valid JSON of the expected shape at {ex.Path ?? "$"}: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidScanMessageException($"The scan message is not of the expected shape: {ex.Message}", ex);
        }

        if (message is null || string.IsNullOrWhiteSpace(message.ScanId) || string.IsNullOrWhiteSpace(message.Target?.Identity?.Name))
        {
            throw new InvalidScanMessageException("The scan message has no scanId or no target.identity.name.");
        }

        return message with { Version = CurrentVersion };
    }

    /// <summary>The version 1 access map (<c>target.accessHints</c>) and its keys, read into <see cref="AksAccess"/>.</summary>
    private static class LegacyAccessHints
    {
        public static AksAccess? Take(JsonNode? target)
        {
            if (target is not JsonObject targetObject || !targetObject.Remove("accessHints", out var hintsNode) || hintsNode is not JsonObject hints)
            {
                return null;
            }

            return new AksAccess
            {
                PrivateCluster = Flag(hints, "privateCluster"),
                EntraEnabled = Flag(hints, "aadEnabled"),
                AzureRbac = Flag(hints, "azureRbac"),
                LocalAccountsDisabled = Flag(hints, "localAccountsDisabled"),
                RunCommandDisabled = Flag(hints, "disableRunCommand"),
                Fqdn = Text(hints, "fqdn"),
                PrivateFqdn = Text(hints, "privateFqdn"),
                PowerState = Text(hints, "powerState"),
                ProvisioningState = Text(hints, "provisioningState"),
            };
        }

        private static bool Flag(JsonObject hints, string key) =>
            string.Equals(Text(hints, key), "true", StringComparison.OrdinalIgnoreCase);

        private static string? Text(JsonObject hints, string key) =>
            hints[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
    }
}

/// <summary>What started a scan.</summary>
public enum ScanTrigger
{
    Schedule = 0,
    OnDemand = 1,
}

/// <summary>A scan message that cannot be read; retrying it cannot help.</summary>
public sealed class InvalidScanMessageException : Exception
{
    public InvalidScanMessageException()
    {
    }

    public InvalidScanMessageException(string message)
        : base(message)
    {
    }

    public InvalidScanMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Stable, blob-name-safe keys for clusters.</summary>
public static class ClusterKeys
{
    /// <summary><c>{name}-{12 hex of SHA-256(resource id or name)}</c>, lower case: readable and unique across subscriptions.</summary>
    public static string For(ClusterIdentity cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var identity = (cluster.ResourceId ?? cluster.KubeContext ?? cluster.Name).ToUpperInvariant();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..12];
        var name = new string(cluster.Name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-').Take(48).ToArray());
        return $"{name}-{hash}";
    }
}
