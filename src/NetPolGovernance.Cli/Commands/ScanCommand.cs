using System.Globalization;
using System.CommandLine;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Cli.Azure;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Reports;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Cli.Settings;
using NetPolGovernance.Connectors.Azure;
using NetPolGovernance.Connectors.Exemptions;
using NetPolGovernance.Connectors.Flows;
using NetPolGovernance.Connectors.Manifests;
using NetPolGovernance.Connectors.Publishing;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Cli.Commands;

/// <summary>
/// <c>netpolgov scan</c>: reads clusters from one source (<see cref="IScanSource"/>), judges them, streams the report,
/// hands each cluster to the requested sinks (<see cref="IScanResultSink"/>), and exits with the verdict (<see cref="ExitCodes"/>).
/// </summary>
internal sealed class ScanCommand : BaseCommand
{
    private static readonly string[] s_profiles = ["cis", "baseline", "strict"];
    private static readonly string[] s_severities = ["info", "low", "medium", "high", "critical"];

    /// <summary>How long result sinks may take to finish (or keep) their rows after an interruption.</summary>
    private static readonly TimeSpan s_interruptionGrace = TimeSpan.FromSeconds(20);

    private readonly IReadOnlyList<IScanSource> _sources;
    private readonly IReadOnlyList<IScanResultSink> _sinks;
    private readonly IReadOnlyList<IReportFormat> _formats;
    private readonly IInteractionService _interaction;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _timeProvider;
    private readonly Option<string> _profile;
    private readonly Option<string?> _exemptions;
    private readonly Option<string> _format;
    private readonly Option<string?> _output;
    private readonly Option<int> _concurrency;
    private readonly Option<string> _failOn;
    private readonly Option<string> _engine;
    private readonly Option<string[]> _ownerKeys;
    private readonly FlowInputOptions _flowInput;
    private readonly Option<bool> _noExemptions;
    private readonly Option<string> _minSeverity;
    private readonly NamespaceFilterOptions _namespaces = new(
        "Judge only the namespaces these names or globs match (repeatable, * and ?); the others are left out of the report, the verdict and the gate.",
        "Leave out the namespaces these names or globs match (repeatable, * and ?).");

    private readonly CliEnvironment _environment;

    public ScanCommand(
        IEnumerable<IScanSource> sources,
        IEnumerable<IScanResultSink> sinks,
        IEnumerable<IReportFormat> formats,
        IInteractionService interaction,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider,
        IFlowQueryClientFactory queryClients,
        CliEnvironment environment)
        : base("scan", "Judge the network policies of clusters, namespace by namespace, and report.")
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(formats);
        ArgumentNullException.ThrowIfNull(interaction);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _sources = sources.ToList();
        _sinks = sinks.ToList();
        _formats = formats.ToList();
        _interaction = interaction;
        _loggerFactory = loggerFactory;
        _timeProvider = timeProvider;
        _environment = environment ?? throw new ArgumentNullException(nameof(environment));

        _profile = CliChoice.Create("--profile", "Which checks make a namespace NonCompliant (docs/checks.md).", s_profiles, "baseline");
        _exemptions = new Option<string?>("--exemptions")
        {
            Description = $"YAML or JSON file of exemptions (owner, reason, expiry; docs/report.md). Default: {ConventionalExemptions} in the first manifest folder, else in the working directory, when there is one.",
            HelpName = "FILE",
        };
        _noExemptions = new Option<bool>("--no-exemptions")
        {
            Description = $"Read no exemptions file, not even a {ConventionalExemptions} found by name.",
        };
        _minSeverity = CliChoice.Create(
            "--min-severity",
            "Show only findings of this severity or above in the report. A display filter: the verdict, the gate (--fail-on, the profile) and the exit code still count every finding.",
            s_severities,
            null);
        _format = CliChoice.Create("--format", "Report format. Default: table, or from the -o file extension.", _formats.Select(f => f.Name).ToList(), "table", "-f");
        _output = new Option<string?>("--output", "-o")
        {
            Description = "Write the report to FILE instead of stdout.",
            HelpName = "FILE",
        };
        _concurrency = new Option<int>("--concurrency")
        {
            Description = $"Clusters read at once (default {FleetScanOptions.DefaultMaxConcurrency.ToString(CultureInfo.InvariantCulture)}). Memory grows with it: about 12 MB per 25,000-pod cluster in flight.",
            HelpName = "N",
            DefaultValueFactory = _ => FleetScanOptions.DefaultMaxConcurrency,
        };
        _concurrency.Validators.Add(result =>
        {
            // Read the token, not the converted value: a value that is not a number is the parser's own error,
            // and converting it here would throw instead of reporting it.
            if (result.Tokens is [var token]
                && int.TryParse(token.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                && !FleetScanOptions.MaxConcurrencyRange.Contains(value))
            {
                result.AddError($"--concurrency must be {FleetScanOptions.MaxConcurrencyRange}");
            }
        });
        _failOn = CliChoice.Create(
            "--fail-on",
            "Gate: exit 2 when any failing finding reaches this severity (instead of the profile gate); the result still reports the namespaces' compliance.",
            s_severities,
            null);
        _engine = EngineOption.Create();
        _ownerKeys = new Option<string[]>("--owner-key")
        {
            Description = "Key a namespace's owner is read from, in order (repeatable): looked up in the namespace's annotations and labels, then its AKS managed namespace's tags, then the cluster's tags. Default: netpolgov.io/owner, owner, team.",
            HelpName = "KEY",
        };
        _flowInput = new FlowInputOptions(queryClients);

        foreach (var source in _sources)
        {
            source.AddOptions(this);
        }

        Options.Add(_profile);
        Options.Add(_exemptions);
        Options.Add(_noExemptions);
        _namespaces.AddTo(this);
        Options.Add(_format);
        Options.Add(_output);
        Options.Add(_failOn);
        Options.Add(_minSeverity);
        Options.Add(_concurrency);
        Options.Add(_engine);
        Options.Add(_ownerKeys);
        _flowInput.AddTo(this);
        foreach (var sink in _sinks)
        {
            sink.AddOptions(this);
        }
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        ScanPlan plan;
        try
        {
            plan = await PlanAsync(parseResult, cancellationToken).ConfigureAwait(false);
        }
        catch (ScanInputException ex)
        {
            _interaction.DisplayError(ex.Message);
            return ExitCodes.UsageError;
        }

        await using var source = plan.Session;
        var sessions = new List<IScanResultSession>();
        try
        {
            foreach (var sink in _sinks)
            {
                if (await sink.OpenAsync(parseResult, plan.Context, cancellationToken).ConfigureAwait(false) is { } session)
                {
                    sessions.Add(session);
                }
            }

            await using var target = OpenTarget(plan, parseResult);
            if (target is null)
            {
                return ExitCodes.UsageError;
            }

            var exitCode = await RunAsync(plan, target.Target, sessions, cancellationToken).ConfigureAwait(false);
            if (exitCode == ExitCodes.Interrupted && target.Path is { } interruptedReport)
            {
                _interaction.DisplayError($"{interruptedReport}: not written (the scan was interrupted; an earlier file there is left as it was)");
            }
            else
            {
                await target.CommitAsync().ConfigureAwait(false);
            }

            return exitCode;
        }
        catch (ScanInputException ex)
        {
            _interaction.DisplayError(ex.Message);
            return ExitCodes.UsageError;
        }
        catch (AzureSignInException ex)
        {
            _interaction.DisplayError(ex.Message);
            return ExitCodes.UsageError;
        }
        finally
        {
            foreach (var session in sessions)
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<int> RunAsync(ScanPlan plan, ReportTarget target, List<IScanResultSession> sessions, CancellationToken cancellationToken)
    {
        var scanner = new FleetScanner(plan.Session.Collector, _loggerFactory.CreateLogger<FleetScanner>());
        var tally = new ScanTally(plan.Context.Profile, plan.FailOn);
        // Every format but a streaming one gets its clusters sorted at the end, so reports do not change with completion order.
        var formatWriter = plan.Format.Create(target);
        await using var writer = plan.Format.StreamsInCompletionOrder ? formatWriter : new OrderedReportWriter(formatWriter);
        await writer.WriteHeaderAsync(new ReportHeader(plan.Context, plan.Source, plan.FailOn), cancellationToken).ConfigureAwait(false);
        using var progress = new ScanProgress(_interaction, _timeProvider);
        var assessments = scanner.ScanAsync(
            progress.CountAsync(plan.Session.Inventory.ListAsync(cancellationToken), cancellationToken),
            plan.AnalysisOptions,
            plan.Session.ScanOptions,
            progress,
            cancellationToken);
        var clustersDone = 0;
        var namespaceMatches = new NamespaceMatches(plan.AnalysisOptions.Namespaces);
        try
        {
            await foreach (var assessment in assessments.ConfigureAwait(false))
            {
                tally.Add(assessment);
                namespaceMatches.Add(assessment);
                await writer.WriteClusterAsync(plan.MinSeverity is { } minimum ? ShownAbove(assessment, minimum) : assessment, cancellationToken).ConfigureAwait(false);
                foreach (var session in sessions)
                {
                    await session.OnClusterAsync(assessment, cancellationToken).ConfigureAwait(false);
                }

                clustersDone++;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            progress.Stop();
            await KeepAfterInterruptionAsync(sessions, clustersDone).ConfigureAwait(false);
            return ExitCodes.Interrupted;
        }

        progress.Complete();
        // A pattern that matched nothing judged nothing: a typo must not pass a gate as "compliant on zero namespaces".
        var unmatched = namespaceMatches.Unmatched().ToList();
        foreach (var pattern in unmatched)
        {
            _interaction.DisplayError($"--namespace {pattern}: matched no namespace of the clusters read; nothing was judged for it (exit 1)");
        }

        if (plan.MinSeverity is { } shownFrom)
        {
            _interaction.DisplayStatus($"--min-severity {shownFrom.ToString().ToLowerInvariant()}: findings below it are left out of the report; the verdict, the gate and the exit code count every finding");
        }

        var outcomes = new List<SinkOutcome>();
        foreach (var session in sessions)
        {
            var outcome = await session.CompleteAsync(cancellationToken).ConfigureAwait(false);
            outcomes.Add(outcome);
            if (!outcome.Succeeded)
            {
                _interaction.DisplayError(outcome.Message);
            }
        }

        var summary = tally.Summarize(outcomes);
        await writer.WriteSummaryAsync(summary, cancellationToken).ConfigureAwait(false);
        return unmatched.Count > 0 ? ExitCodes.UsageError : summary.ExitCode;
    }

    /// <summary>
    /// After Ctrl+C or SIGTERM: every result sink finishes within a short grace (publishing keeps what it could not
    /// send in its dead letters), and stderr says what was kept and where.
    /// </summary>
    private async Task KeepAfterInterruptionAsync(List<IScanResultSession> sessions, int clustersDone)
    {
        _interaction.DisplayError($"interrupted: {clustersDone} clusters were finished before the stop; the others were not scanned");
        using var grace = new CancellationTokenSource(s_interruptionGrace);
        foreach (var session in sessions)
        {
            try
            {
                var outcome = await session.CompleteAsync(grace.Token).ConfigureAwait(false);
                _interaction.DisplayError(outcome.Message);
            }
            catch (OperationCanceledException)
            {
                _interaction.DisplayError($"a result sink did not finish within {s_interruptionGrace.TotalSeconds:0} s after the stop; rows not yet acknowledged are in its dead letters");
            }
        }
    }

    /// <summary>The exemptions file used when <c>--exemptions</c> is not given: in the first manifest folder, else the working directory.</summary>
    public const string ConventionalExemptions = ".netpolgov-exemptions.yaml";

    /// <summary>The assessment as the report shows it with <c>--min-severity</c>: findings below <paramref name="minimum"/> left out.</summary>
    private static ClusterAssessment ShownAbove(ClusterAssessment assessment, Severity minimum) => assessment with
    {
        ClusterFindings = [.. assessment.ClusterFindings.Where(f => f.Severity >= minimum)],
        Namespaces = [.. assessment.Namespaces.Select(n => n with { Findings = [.. n.Findings.Where(f => f.Severity >= minimum)] })],
    };

    /// <summary>
    /// The exemptions file: <c>--exemptions FILE</c>; else, unless <c>--no-exemptions</c>, a
    /// <see cref="ConventionalExemptions"/> in the first manifest folder that has one, else in the working directory
    /// (named on stderr); else none.
    /// </summary>
    private string? ExemptionsFile(ParseResult parseResult, IScanSource source)
    {
        var given = parseResult.GetValue(_exemptions);
        if (parseResult.GetValue(_noExemptions))
        {
            return given is null ? null : throw new ScanInputException("--exemptions and --no-exemptions contradict each other; give one");
        }

        if (given is not null)
        {
            return given;
        }

        foreach (var folder in source.InputFolders(parseResult).Append(_environment.WorkingDirectory))
        {
            var candidate = Path.Combine(folder, ConventionalExemptions);
            if (File.Exists(candidate))
            {
                _interaction.DisplayStatus($"exemptions: {candidate} (found by name; --exemptions FILE names another, --no-exemptions reads none)");
                return candidate;
            }
        }

        return null;
    }

    private async Task<ScanPlan> PlanAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var source = ScanSources.Select(_sources, parseResult);
        var namespaces = _namespaces.Filter(parseResult);
        var minSeverity = parseResult.GetValue(_minSeverity) is { } shown ? Enum.Parse<Severity>(shown, ignoreCase: true) : (Severity?)null;

        var profile = Enum.Parse<ComplianceProfile>(parseResult.GetValue(_profile)!, ignoreCase: true);
        var failOn = parseResult.GetValue(_failOn) is { } severity ? Enum.Parse<Severity>(severity, ignoreCase: true) : (Severity?)null;
        var format = ChooseFormat(parseResult);

        IReadOnlyList<Exemption> exemptions = [];
        if (ExemptionsFile(parseResult, source) is { } exemptionsFile)
        {
            try
            {
                exemptions = await ExemptionFileLoader.LoadAsync(exemptionsFile, cancellationToken).ConfigureAwait(false);
            }
            catch (InputFileException ex)
            {
                throw new ScanInputException($"exemptions: {ex.Message}", ex);
            }
        }

        IClusterFlowSource? flows;
        try
        {
            flows = await _flowInput.ScanSourceAsync(parseResult, _interaction, cancellationToken).ConfigureAwait(false);
        }
        catch (InputFileException ex)
        {
            throw new ScanInputException($"flows: {ex.Message}", ex);
        }

        var session = await source.OpenAsync(parseResult, cancellationToken).ConfigureAwait(false);
        session = session with { ScanOptions = session.ScanOptions with { MaxConcurrency = parseResult.GetValue(_concurrency) } };
        if (flows is ContainerNetworkLogsFlowSource workspaceFlows && session.FlowQueries is { } sourceQueries)
        {
            flows = new ContainerNetworkLogsFlowSource(sourceQueries, workspaceFlows.Window);
        }

        if (flows is not null)
        {
            session = session with { Collector = new FlowAttachingCollector(session.Collector, flows) };
        }

        var now = _timeProvider.GetUtcNow();
        var context = new ScanContext(ScannerBuild.NewScanId(now), now, ScannerBuild.Version, profile);
        var analysis = new AnalysisOptions { Now = now, Profile = profile, Exemptions = exemptions, DeclaredEngine = EngineOption.Value(parseResult, _engine), Namespaces = namespaces, OwnerKeys = OwnerKeysOf(parseResult) };
        var sourceName = source.Usage.Split(' ')[0].TrimStart('-');
        return new ScanPlan(session, context, analysis, format, failOn, sourceName) { MinSeverity = minSeverity };
    }

    private IReadOnlyList<string>? OwnerKeysOf(ParseResult parseResult)
    {
        try
        {
            return OwnerKeys.Parse(parseResult.GetValue(_ownerKeys), "--owner-key");
        }
        catch (FormatException ex)
        {
            throw new ScanInputException(ex.Message, ex);
        }
    }

    private IReportFormat ChooseFormat(ParseResult parseResult)
    {
        var explicitFormat = parseResult.GetResult(_format) is { Implicit: false };
        if (!explicitFormat && parseResult.GetValue(_output) is { } output)
        {
            var extension = Path.GetExtension(output);
            if (_formats.FirstOrDefault(f => f.FileExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase)) is { } byExtension)
            {
                return byExtension;
            }

            // A name whose extension no format writes (report.xml) is refused rather than silently given a table.
            var known = string.Join(", ", _formats.SelectMany(f => f.FileExtensions));
            throw new ScanInputException(
                $"{output}: no report format writes {(extension.Length == 0 ? "files without an extension" : $"'{extension}' files")}; name the file {known}, or give --format ({string.Join(", ", _formats.Select(f => f.Name))})");
        }

        var name = parseResult.GetValue(_format)!;
        return _formats.First(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    private OpenReportTarget? OpenTarget(ScanPlan plan, ParseResult parseResult)
    {
        if (parseResult.GetValue(_output) is not { } file)
        {
            return new OpenReportTarget(
                new ReportTarget(_interaction.OpenStandardOutput(), _interaction.Output) { Locations = plan.Session.Locations },
                ownedStream: null);
        }

        try
        {
            return OpenReportTarget.ForFile(file, plan.Session.Locations);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _interaction.DisplayError($"{file}: cannot write the report: {ex.Message}");
            return null;
        }
    }

    private sealed record ScanPlan(
        ScanSourceSession Session,
        ScanContext Context,
        AnalysisOptions AnalysisOptions,
        IReportFormat Format,
        Severity? FailOn,
        string Source)
    {
        /// <summary>The display filter of <c>--min-severity</c>; the tally and the sinks see every finding.</summary>
        public Severity? MinSeverity { get; init; }
    }

    /// <summary>Which <c>--namespace</c> patterns matched a namespace of a cluster that was read, for the warning about those that matched none.</summary>
    private sealed class NamespaceMatches(NamespaceFilter filter)
    {
        private readonly HashSet<string> _matched = new(StringComparer.Ordinal);
        private bool _scanned;

        public void Add(ClusterAssessment assessment)
        {
            if (assessment.Status != ClusterScanStatus.Scanned)
            {
                return;
            }

            _scanned = true;
            foreach (var pattern in filter.Include.Where(p => !_matched.Contains(p)))
            {
                if (assessment.Namespaces.Any(n => NamespaceFilter.Matches(pattern, n.Name)))
                {
                    _matched.Add(pattern);
                }
            }
        }

        public IEnumerable<string> Unmatched() => _scanned ? filter.Include.Where(p => !_matched.Contains(p)).Distinct(StringComparer.Ordinal) : [];
    }
}
