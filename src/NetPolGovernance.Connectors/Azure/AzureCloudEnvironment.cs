namespace NetPolGovernance.Connectors.Azure;

/// <summary>
/// An Azure cloud: where ARM and Resource Graph live (Resource Graph is an ARM provider, so it shares the host),
/// which audience ARM tokens carry, and where Entra ID signs in. The three public clouds are built in; any other
/// (Azure Stack, an air-gapped cloud, a test server) is <see cref="Custom"/>: the audience follows the endpoint.
/// </summary>
public sealed record AzureCloudEnvironment
{
    /// <summary>The AKS-managed Entra server application; the token audience for every AKS API server.</summary>
    public const string AksEntraServerAppId = "6dae42f8-4368-4678-94ff-3960e28e3630";

    private AzureCloudEnvironment(string name, Uri armEndpoint, Uri? authorityHost)
    {
        Name = name;
        ArmEndpoint = armEndpoint;
        AuthorityHost = authorityHost;
    }

    public static AzureCloudEnvironment AzureCloud { get; } =
        new("AzureCloud", new Uri("https://management.azure.com/"), new Uri("https://login.microsoftonline.com/"));

    public static AzureCloudEnvironment AzureUSGovernment { get; } =
        new("AzureUSGovernment", new Uri("https://management.usgovcloudapi.net/"), new Uri("https://login.microsoftonline.us/"));

    public static AzureCloudEnvironment AzureChinaCloud { get; } =
        new("AzureChinaCloud", new Uri("https://management.chinacloudapi.cn/"), new Uri("https://login.chinacloudapi.cn/"));

    /// <summary>The names accepted by <see cref="FromName"/>, as <c>az cloud list</c> spells them.</summary>
    public static IReadOnlyList<string> KnownNames { get; } = ["AzureCloud", "AzureUSGovernment", "AzureChinaCloud"];

    /// <summary><c>AzureCloud</c>, <c>AzureUSGovernment</c>, <c>AzureChinaCloud</c> or <c>Custom</c>.</summary>
    public string Name { get; }

    /// <summary>The ARM endpoint, with a trailing slash. Resource Graph is <c>{ArmEndpoint}providers/Microsoft.ResourceGraph/resources</c>.</summary>
    public Uri ArmEndpoint { get; }

    /// <summary>The Entra ID authority host for this cloud; null for a custom cloud (the credential's own default applies).</summary>
    public Uri? AuthorityHost { get; }

    /// <summary>The token scope for ARM and Resource Graph: the ARM endpoint's origin plus <c>/.default</c>.</summary>
    public string ArmScope => ArmEndpoint.GetLeftPart(UriPartial.Authority) + "/.default";

    /// <summary>The token scope for AKS API servers (and runCommand's <c>clusterToken</c>) on Entra-enabled clusters.</summary>
    public static string AksEntraScope => AksEntraServerAppId + "/.default";

    /// <summary>Resolves a cloud name case-insensitively; null when the name is not one of <see cref="KnownNames"/>.</summary>
    public static AzureCloudEnvironment? FromName(string name) => name?.Trim().ToUpperInvariant() switch
    {
        "AZURECLOUD" or "AZUREPUBLICCLOUD" or "PUBLIC" => AzureCloud,
        "AZUREUSGOVERNMENT" or "USGOV" => AzureUSGovernment,
        "AZURECHINACLOUD" or "CHINA" => AzureChinaCloud,
        _ => null,
    };

    /// <summary>
    /// The Logs Ingestion token audience of this cloud (<c>https://monitor.azure.com</c>, <c>.us</c>, <c>.cn</c>); null for a
    /// custom cloud, which must name it.
    /// </summary>
    public LogAnalytics.LogsIngestionAudience? IngestionAudience => Name switch
    {
        "AzureCloud" => LogAnalytics.LogsIngestionAudience.AzurePublicCloud,
        "AzureUSGovernment" => LogAnalytics.LogsIngestionAudience.AzureGovernment,
        "AzureChinaCloud" => LogAnalytics.LogsIngestionAudience.AzureChina,
        _ => null,
    };

    /// <summary>
    /// The Log Analytics query API of this cloud (<c>--flows-from-workspace</c>, <c>NETPOLGOV_FLOWS_WINDOW</c>):
    /// <c>https://api.loganalytics.io/</c>, <c>https://api.loganalytics.us/</c> (Azure Government),
    /// <c>https://api.loganalytics.azure.cn/</c> (Azure China); null for a custom cloud, which must name it.
    /// </summary>
    public Uri? LogAnalyticsQueryEndpoint => Name switch
    {
        "AzureCloud" => new Uri("https://api.loganalytics.io/"),
        "AzureUSGovernment" => new Uri("https://api.loganalytics.us/"),
        "AzureChinaCloud" => new Uri("https://api.loganalytics.azure.cn/"),
        _ => null,
    };

    /// <summary>
    /// The one cloud definition the CLI (<c>--cloud</c>, <c>--arm-endpoint</c>) and the Functions app
    /// (<c>NETPOLGOV_CLOUD</c>, <c>NETPOLGOV_ARM_ENDPOINT</c>) share: a known cloud by name (default AzureCloud), or a
    /// custom ARM endpoint signing in at that cloud's authority. Throws <see cref="ArgumentException"/> with a message
    /// naming <paramref name="cloudSource"/> or <paramref name="endpointSource"/> for a bad value.
    /// </summary>
    public static AzureCloudEnvironment Resolve(string? cloudName, string? armEndpoint, string cloudSource = "--cloud", string endpointSource = "--arm-endpoint")
    {
        var cloud = string.IsNullOrWhiteSpace(cloudName)
            ? AzureCloud
            : FromName(cloudName) ?? throw new ArgumentException($"{cloudSource} '{cloudName.Trim()}' is not a known cloud: use {string.Join(", ", KnownNames)}, or {endpointSource} for another");
        if (string.IsNullOrWhiteSpace(armEndpoint))
        {
            return cloud;
        }

        if (!Uri.TryCreate(armEndpoint.Trim(), UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"{endpointSource} '{armEndpoint.Trim()}' is not an absolute https URL");
        }

        return Custom(uri, cloud.AuthorityHost);
    }

    /// <summary>A custom cloud whose ARM endpoint is <paramref name="armEndpoint"/> (HTTPS only: bearer tokens never travel in clear).</summary>
    public static AzureCloudEnvironment Custom(Uri armEndpoint, Uri? authorityHost = null)
    {
        ArgumentNullException.ThrowIfNull(armEndpoint);
        if (!armEndpoint.IsAbsoluteUri || armEndpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"The ARM endpoint must be an absolute https URL; got '{armEndpoint}'.", nameof(armEndpoint));
        }

        var normalized = new Uri(armEndpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        return new AzureCloudEnvironment("Custom", normalized, authorityHost);
    }
}
