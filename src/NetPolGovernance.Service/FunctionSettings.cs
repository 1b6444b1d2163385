using NetPolGovernance.Connectors.Kubernetes.Collection;

namespace NetPolGovernance.Service;

/// <summary>
/// The Functions app's settings, in one place: the names the infrastructure sets, the README documents and the
/// options read. Names are app-setting (environment variable) names; <c>__</c> separates sections, as the
/// Functions host expects for identity-based connections.
/// </summary>
public static class FunctionSettings
{
    /// <summary>NCRONTAB schedule of the fleet scan; the timer trigger reads it as <c>%NETPOLGOV_SCAN_SCHEDULE%</c>.</summary>
    public const string ScanSchedule = "NETPOLGOV_SCAN_SCHEDULE";

    /// <summary>Every 6 hours, on the hour.</summary>
    public const string DefaultScanSchedule = "0 0 */6 * * *";

    /// <summary>The connection name the queue triggers use (<c>Connection = "NetPolGovernanceStorage"</c>).</summary>
    public const string StorageConnection = "NetPolGovernanceStorage";

    public const string StorageQueueServiceUri = StorageConnection + "__queueServiceUri";

    public const string StorageBlobServiceUri = StorageConnection + "__blobServiceUri";

    /// <summary><c>managedidentity</c> in Azure; unset locally (the developer's own Entra sign-in is used).</summary>
    public const string StorageCredential = StorageConnection + "__credential";

    public const string StorageClientId = StorageConnection + "__clientId";

    /// <summary>Client id of the user-assigned managed identity the app's own Azure clients use.</summary>
    public const string ManagedIdentityClientId = "AZURE_CLIENT_ID";

    public const string SubscriptionIds = "NETPOLGOV_SUBSCRIPTION_IDS";

    public const string ManagementGroupIds = "NETPOLGOV_MANAGEMENT_GROUP_IDS";

    public const string LogsIngestionEndpoint = "NETPOLGOV_LOGS_INGESTION_ENDPOINT";

    public const string DcrImmutableId = "NETPOLGOV_DCR_IMMUTABLE_ID";

    public const string Profile = "NETPOLGOV_PROFILE";

    public const string Exemptions = "NETPOLGOV_EXEMPTIONS";

    public const string Engine = "NETPOLGOV_ENGINE";

    public const string OwnerKeys = "NETPOLGOV_OWNER_KEYS";

    public const string ExemptionsBlobUrl = "NETPOLGOV_EXEMPTIONS_BLOB_URL";

    public const string RunCommandTimeout = "NETPOLGOV_RUNCOMMAND_TIMEOUT";

    /// <summary>Window of observed flows read per cluster for the runtime proof (NPG-N13); unset: no flows are read.</summary>
    public const string FlowsWindow = "NETPOLGOV_FLOWS_WINDOW";

    /// <summary>The Azure cloud, as the CLI's <c>--cloud</c>.</summary>
    public const string Cloud = "NETPOLGOV_CLOUD";

    /// <summary>A custom cloud's ARM endpoint, as the CLI's <c>--arm-endpoint</c>.</summary>
    public const string ArmEndpoint = "NETPOLGOV_ARM_ENDPOINT";

    /// <summary>The Logs Ingestion audience, the same variable the CLI's <c>--ingestion-audience</c> reads.</summary>
    public const string IngestionAudience = "NETPOLGOV_INGESTION_AUDIENCE";

    /// <summary>A setting earlier versions read (a per-cluster deadline of its own); now refused with what replaced it.</summary>
    public const string RetiredClusterTimeout = "NETPOLGOV_CLUSTER_TIMEOUT";

    public const string ApplicationInsightsConnectionString = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>Every setting with whether it is required, its default and its meaning (the README table mirrors this).</summary>
    public static IReadOnlyList<SettingDefinition> All { get; } =
    [
        new(ScanSchedule, true, DefaultScanSchedule, "NCRONTAB schedule (six fields, UTC) of the fleet scan. The Functions host resolves it, so it must exist; `azd up` sets the default."),
        new(StorageQueueServiceUri, true, null, "Queue endpoint of the storage account that carries the per-cluster scan messages, e.g. `https://<account>.queue.core.windows.net`."),
        new(StorageBlobServiceUri, true, null, "Blob endpoint of the same account: scan records, the scan lock and per-cluster completion markers."),
        new(StorageCredential, false, null, "`managedidentity` in Azure. Unset locally: the developer's Entra sign-in (DefaultAzureCredential) is used."),
        new(StorageClientId, false, null, "Client id of the user-assigned identity the queue trigger uses (with `managedidentity`)."),
        new(ManagedIdentityClientId, false, null, "Client id of the user-assigned identity for ARM, Resource Graph, Logs Ingestion and storage clients. Unset: DefaultAzureCredential."),
        new(SubscriptionIds, false, "(all readable)", "Comma-separated subscription ids to scan. Empty with no management groups: every subscription the identity can read."),
        new(ManagementGroupIds, false, null, "Comma-separated management group ids to scan (their descendant subscriptions)."),
        new(LogsIngestionEndpoint, true, null, "Logs Ingestion endpoint of the data collection rule (`properties.endpoints.logsIngestion`), https."),
        new(DcrImmutableId, true, null, "Immutable id of the data collection rule (`dcr-` followed by 32 hex digits)."),
        new(Profile, false, "baseline", "Compliance profile: `cis`, `baseline` or `strict`. An exemptions blob that names a profile overrides it."),
        new(Engine, false, null, "Declared policy engine (`azure-npm`, `calico`, `cilium`, `antrea`, `kube-router`, `weave-net` or `none`) for clusters where neither ARM nor a ready engine DaemonSet names one; reported as declared, not detected (the CLI's `--engine`)."),
        new(OwnerKeys, false, "netpolgov.io/owner,owner,team", "Comma-separated keys a namespace's owner is read from, in order: the namespace's annotations and labels, then its AKS managed namespace's tags, then the cluster's tags (the CLI's `--owner-key`). The owner is the `Owner` column and the alerts' owner dimension."),
        new(Exemptions, false, null, "Exemptions as JSON: an array of exemptions, or `{\"profile\":..., \"exemptions\":[...]}`. Not together with the blob URL."),
        new(ExemptionsBlobUrl, false, null, "https URL of a blob holding the same JSON document, read with the managed identity at each cluster scan."),
        new(RunCommandTimeout, false, "00:05:00", "How long a runCommand read of one (private) cluster may take (hh:mm:ss, 10 s to 20 min). The per-cluster deadline is this plus the API server probe and 1 min of ARM calls, for every access path."),
        new(FlowsWindow, false, null, "Window of observed flows (hh:mm:ss or d.hh:mm:ss, 1 h to 30 days) read per cluster from `ContainerNetworkLogs` with a resource-centric query on the cluster's resource id, for the runtime proof (NPG-N13, and the `NetPolFlows_CL` summary rows); unset, no flows are read, no flow rows are written and NPG-N13 is NotApplicable. The identity needs read access to the cluster's logs (Reader on the cluster covers it)."),
        new(Cloud, false, "AzureCloud", "Azure cloud (`AzureCloud`, `AzureUSGovernment`, `AzureChinaCloud`): ARM and Resource Graph endpoint, ARM token audience, sign-in authority and the default ingestion audience (the CLI's `--cloud`)."),
        new(ArmEndpoint, false, null, "ARM endpoint of a custom cloud (https); the ARM token audience follows it (the CLI's `--arm-endpoint`). Needs the ingestion audience set."),
        new(IngestionAudience, false, "(the cloud's)", "Logs Ingestion token audience: `public`, `usgov`, `china` or an https resource; default from the cloud (`https://monitor.azure.com`, `.us`, `.cn`)."),
        .. CollectorBounds.All.Select(b => new SettingDefinition(
            b.SettingName,
            false,
            b.DefaultText,
            $"{b.Meaning} Past it the cluster is Unknown (FailureKind Limit). {b.RangeText}; the CLI's `{b.Flag}`.")),
        new(ApplicationInsightsConnectionString, false, null, "When set, traces, metrics and logs go to Application Insights (OpenTelemetry exporter, Entra authentication)."),
    ];

    /// <summary>The configuration key for an app-setting name (<c>A__b</c> is the key <c>A:b</c>).</summary>
    public static string ConfigurationKey(string settingName)
    {
        ArgumentNullException.ThrowIfNull(settingName);
        return settingName.Replace("__", ":", StringComparison.Ordinal);
    }
}

/// <summary>One app setting: its name, whether it must be set, its default and what it means.</summary>
public sealed record SettingDefinition(string Name, bool Required, string? Default, string Meaning);

/// <summary>Fixed names of the storage objects the service uses (not settings: the triggers name them at build time).</summary>
public static class ScanStorageNames
{
    /// <summary>One message per cluster to scan.</summary>
    public const string ClusterScanQueue = "netpolgov-cluster-scans";

    /// <summary>Where the Functions host moves a message after <c>maxDequeueCount</c> failed deliveries.</summary>
    public const string ClusterScanPoisonQueue = ClusterScanQueue + "-poison";

    /// <summary>Blob container for scan records, locks, completion markers and last errors.</summary>
    public const string LedgerContainer = "netpolgov-scans";

    /// <summary>Deliveries before the host moves a message to the poison queue (host.json <c>maxDequeueCount</c>).</summary>
    public const int MaxDequeueCount = 5;
}
