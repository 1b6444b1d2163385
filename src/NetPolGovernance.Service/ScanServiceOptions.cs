using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Connectors;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Kubernetes.Collection;

namespace NetPolGovernance.Service;

/// <summary>
/// The Functions app's configuration, read from the app settings named in <see cref="FunctionSettings"/>
/// by <see cref="ScanServiceOptionsSetup"/> and checked by <see cref="ScanServiceOptionsValidator"/> at start-up.
/// </summary>
public sealed class ScanServiceOptions
{
    public string? ScanSchedule { get; set; }

    public Uri? QueueServiceUri { get; set; }

    public Uri? BlobServiceUri { get; set; }

    /// <summary>True when <c>NetPolGovernanceStorage__credential</c> is <c>managedidentity</c>.</summary>
    public bool StorageUsesManagedIdentity { get; set; }

    public string? StorageClientId { get; set; }

    public string? ManagedIdentityClientId { get; set; }

    public IReadOnlyList<string> SubscriptionIds { get; set; } = [];

    public IReadOnlyList<string> ManagementGroupIds { get; set; } = [];

    public Uri? LogsIngestionEndpoint { get; set; }

    public string? DcrImmutableId { get; set; }

    public ComplianceProfile Profile { get; set; } = ComplianceProfile.Baseline;

    /// <summary>The declared policy engine (<c>NETPOLGOV_ENGINE</c>), lower-cased; null when not set.</summary>
    public string? DeclaredEngine { get; set; }

    /// <summary><c>NETPOLGOV_OWNER_KEYS</c>: the keys a namespace's owner is read from; null for the default.</summary>
    public IReadOnlyList<string>? OwnerKeys { get; set; }

    /// <summary>Exemptions from the <c>NETPOLGOV_EXEMPTIONS</c> setting (empty when a blob supplies them).</summary>
    public ScanPolicyDocument? InlinePolicy { get; set; }

    public Uri? ExemptionsBlobUrl { get; set; }

    /// <summary>
    /// How long a runCommand read of one cluster may take (<see cref="FunctionSettings.RunCommandTimeout"/>). The
    /// per-cluster deadline is derived from it (<c>AzureFleetScan.PerClusterDeadline</c>), never set on its own.
    /// </summary>
    public TimeSpan RunCommandTimeout { get; set; } = AzureManagementClientOptions.DefaultRunCommandTimeout;

    /// <summary>Flows read per cluster over this window (<see cref="FunctionSettings.FlowsWindow"/>); null reads none.</summary>
    public TimeSpan? FlowsWindow { get; set; }

    /// <summary>The range <see cref="FlowsWindow"/> must fall in.</summary>
    public static ValueRange<TimeSpan> FlowsWindowRange { get; } = new(TimeSpan.FromHours(1), TimeSpan.FromDays(30));

    /// <summary>The Azure cloud (<see cref="FunctionSettings.Cloud"/>, <see cref="FunctionSettings.ArmEndpoint"/>), resolved as the CLI resolves it.</summary>
    public AzureCloudEnvironment Cloud { get; set; } = AzureCloudEnvironment.AzureCloud;

    /// <summary>The Logs Ingestion audience: <see cref="FunctionSettings.IngestionAudience"/>, else the cloud's.</summary>
    public NetPolGovernance.Connectors.LogAnalytics.LogsIngestionAudience IngestionAudience { get; set; } = NetPolGovernance.Connectors.LogAnalytics.LogsIngestionAudience.AzurePublicCloud;

    /// <summary>
    /// The live-cluster read bounds: the defaults with each <c>NETPOLGOV_MAX_*</c> / <c>NETPOLGOV_REQUEST_TIMEOUT</c>
    /// setting of <see cref="CollectorBounds.All"/> applied.
    /// </summary>
    public KubernetesCollectorOptions Collector { get; set; } = new();

    public string? ApplicationInsightsConnectionString { get; set; }

    /// <summary>Settings that were present but could not be read; the validator reports them.</summary>
    internal List<string> SettingErrors { get; } = [];
}
