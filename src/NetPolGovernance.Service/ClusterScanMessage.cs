using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Service;

/// <summary>
/// The queue message for one cluster of one scan: the scan's id and start, and the cluster as the inventory found
/// it (identity, ARM network profile, non-secret access hints). Never a credential.
/// </summary>
public sealed record ClusterScanMessage
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Bumped when the shape changes incompatibly.</summary>
    public int Version { get; init; } = 1;

    public required string ScanId { get; init; }

    public required DateTimeOffset ScanStartedAt { get; init; }

    public ScanTrigger Trigger { get; init; }

    public required ClusterTarget Target { get; init; }

    /// <summary>The cluster's key within the scan (see <see cref="ClusterKeys"/>).</summary>
    [JsonIgnore]
    public string ClusterKey => ClusterKeys.For(Target.Identity);

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    /// <summary>Reads a message; an <see cref="InvalidScanMessageException"/> says what is wrong with it.</summary>
    public static ClusterScanMessage Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        ClusterScanMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<ClusterScanMessage>(json, s_json);
        }
        catch (JsonException ex)
        {
            throw new InvalidScanMessageException($"The scan message is not valid JSON of the expected shape at {ex.Path ?? "$"}: {ex.Message}", ex);
        }

        if (message is null || string.IsNullOrWhiteSpace(message.ScanId) || string.IsNullOrWhiteSpace(message.Target?.Identity?.Name))
        {
            throw new InvalidScanMessageException("The scan message has no scanId or no target.identity.name.");
        }

        if (message.Version != 1)
        {
            throw new InvalidScanMessageException($"The scan message has version {message.Version}; this worker reads version 1.");
        }

        return message;
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

/// <summary>Stable, blob-name-safe keys for clusters and fresh scan ids.</summary>
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

    /// <summary>A scan id that sorts by start time: <c>yyyyMMddTHHmmssZ-{8 hex}</c>.</summary>
    public static string NewScanId(DateTimeOffset startedAt) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{startedAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
}
