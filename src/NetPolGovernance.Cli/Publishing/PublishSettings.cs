using System.CommandLine;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Connectors.LogAnalytics;

namespace NetPolGovernance.Cli.Publishing;

/// <summary>
/// Where <c>scan --publish</c> sends rows: each value from its option, else its environment variable
/// (<see cref="EndpointVariable"/>, <see cref="ImmutableIdVariable"/>, <see cref="AudienceVariable"/>,
/// <see cref="DeadLetterVariable"/>). <c>azd env get-values</c> prints the first two after <c>azd up</c>.
/// </summary>
internal sealed record PublishSettings(Uri Endpoint, string ImmutableId, LogsIngestionAudience Audience, string DeadLetterFolder)
{
    public const string EndpointVariable = "NETPOLGOV_DCR_ENDPOINT";
    public const string ImmutableIdVariable = "NETPOLGOV_DCR_IMMUTABLE_ID";
    public const string AudienceVariable = "NETPOLGOV_INGESTION_AUDIENCE";
    public const string DeadLetterVariable = "NETPOLGOV_DEAD_LETTER_DIR";

    /// <summary>The default dead-letter folder: <c>~/.local/share/netpolgov/dead-letter</c> (per-user application data).</summary>
    public static string DefaultDeadLetterFolder =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "netpolgov", "dead-letter");

    public static PublishSettings Resolve(
        string? endpoint,
        string? immutableId,
        string? audience,
        string? deadLetterFolder,
        Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        endpoint = Pick(endpoint, environment(EndpointVariable));
        immutableId = Pick(immutableId, environment(ImmutableIdVariable));
        if (endpoint is null)
        {
            throw new ScanInputException($"--publish needs the DCR Logs Ingestion endpoint: --dcr-endpoint URL or {EndpointVariable}");
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ScanInputException($"--dcr-endpoint: '{endpoint}' is not an https URL (the DCR's properties.endpoints.logsIngestion)");
        }

        if (immutableId is null)
        {
            throw new ScanInputException($"--publish needs the DCR immutable id: --dcr-immutable-id ID or {ImmutableIdVariable}");
        }

        if (!immutableId.StartsWith("dcr-", StringComparison.Ordinal) || immutableId.Length < 5)
        {
            throw new ScanInputException($"--dcr-immutable-id: '{immutableId}' is not a DCR immutable id (dcr- followed by 32 hex digits), not the ARM id");
        }

        LogsIngestionAudience parsedAudience;
        try
        {
            parsedAudience = LogsIngestionAudience.Parse(Pick(audience, environment(AudienceVariable)));
        }
        catch (ArgumentException ex)
        {
            throw new ScanInputException("--ingestion-audience: " + ex.Message, ex);
        }

        return new PublishSettings(uri, immutableId, parsedAudience, Pick(deadLetterFolder, environment(DeadLetterVariable)) ?? DefaultDeadLetterFolder);
    }

    private static string? Pick(string? option, string? variable) =>
        !string.IsNullOrWhiteSpace(option) ? option.Trim() : string.IsNullOrWhiteSpace(variable) ? null : variable.Trim();
}

/// <summary>The <c>scan</c> options of the Log Analytics sink.</summary>
internal sealed class PublishOptions
{
    public Option<bool> Publish { get; } = new("--publish")
    {
        Description = $"Send the results to Log Analytics through the Logs Ingestion API (Entra sign-in: DefaultAzureCredential). Exit 4 when rows could not be sent; they are kept and re-sent by the next --publish.",
    };

    public Option<string?> Endpoint { get; } = new("--dcr-endpoint")
    {
        Description = $"Logs Ingestion endpoint of the data collection rule. Default: ${PublishSettings.EndpointVariable}.",
        HelpName = "URL",
    };

    public Option<string?> ImmutableId { get; } = new("--dcr-immutable-id")
    {
        Description = $"Immutable id of the data collection rule (dcr-...). Default: ${PublishSettings.ImmutableIdVariable}.",
        HelpName = "ID",
    };

    public Option<string?> Audience { get; } = new("--ingestion-audience")
    {
        Description = $"Cloud of the endpoint: public, usgov, china or an https resource. Default: ${PublishSettings.AudienceVariable}, else public.",
        HelpName = "CLOUD",
    };

    public Option<string?> DeadLetter { get; } = new("--dead-letter")
    {
        Description = $"Folder for rows that could not be sent. Default: ${PublishSettings.DeadLetterVariable}, else ~/.local/share/netpolgov/dead-letter.",
        HelpName = "DIR",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Publish);
        command.Options.Add(Endpoint);
        command.Options.Add(ImmutableId);
        command.Options.Add(Audience);
        command.Options.Add(DeadLetter);
    }
}
