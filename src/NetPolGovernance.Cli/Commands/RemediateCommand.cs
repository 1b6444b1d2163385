using System.CommandLine;
using System.Globalization;
using NetPolGovernance.Analysis;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Remediation;
using NetPolGovernance.Cli.Azure;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Remediation;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Cli.Settings;
using NetPolGovernance.Connectors.Flows;
using NetPolGovernance.Connectors.Kubernetes.Kubeconfig;
using NetPolGovernance.Connectors.Manifests;
using NetPolGovernance.Connectors.Kubernetes.Transport;
using NetPolGovernance.Connectors.Output;
using NetPolGovernance.Connectors.Remediation;
using Spectre.Console;

namespace NetPolGovernance.Cli.Commands;

/// <summary>
/// <c>netpolgov remediate</c>: proposes a verified policy set for each NonCompliant namespace (or those named with
/// <c>--namespace</c>), writes it as YAML for GitOps (<c>-o DIR</c>) with an impact preview, or applies it with
/// <c>--apply</c> to one kubeconfig context after a server-side dry run. Prints the backout command per namespace.
/// Exit codes: 0 done, 1 bad input (including a <c>--namespace</c> the snapshot does not have), 2 a plan failed
/// verification (not written; among the checks, never-widen: a plan never opens a connection denied today),
/// 5 the apply was stopped or failed (including the observed profile's coverage gate, <c>--min-coverage</c>).
/// <c>--profile observed</c> reads <c>--flows</c> or <c>--flows-from-workspace</c> as <c>stage</c> does.
/// </summary>
internal sealed class RemediateCommand : BaseCommand
{
    private static readonly string[] s_profiles = ["baseline", "ingress", "strict", "observed"];

    private readonly IReadOnlyList<IScanSource> _sources;
    private readonly IInteractionService _interaction;
    private readonly TimeProvider _timeProvider;
    private readonly KubeconfigEnvironment _kubeconfigEnvironment;
    private readonly Option<string> _profile = CliSettings.CommandSpecific(CliChoice.Create(
        "--profile",
        "Policy set: baseline (deny all, allow DNS and same namespace), ingress (deny ingress), strict (baseline, same namespace only on declared ports), observed (deny all, DNS, per workload what --flows saw).",
        s_profiles,
        "baseline"));

    private readonly NamespaceFilterOptions _namespaces = new(
        "Plan the namespaces of the snapshot these names or globs match (repeatable; each must match one), whatever their status, instead of every NonCompliant one.",
        "Leave out the namespaces these names or globs match (repeatable).");

    private readonly Option<string?> _output = CliSettings.CommandSpecific(new Option<string?>("--output", "-o") { Description = "Write one YAML file per namespace and impact-preview.md into DIR.", HelpName = "DIR" });
    private readonly Option<string> _engine = EngineOption.Create();
    private readonly Option<bool> _apply = CliSettings.CommandLineOnly(new Option<bool>("--apply") { Description = "Apply to the --context cluster after a server-side dry run (only objects labelled managed-by netpolgov)." });
    private readonly Option<double> _minCoverage = new("--min-coverage")
    {
        Description = "With --profile observed, --apply refuses when a workload's coverage confidence (0-1) is below this; 0 applies anyway.",
        HelpName = "0-1",
        DefaultValueFactory = _ => DefaultMinCoverage,
    };

    private readonly FlowInputOptions _flowInput;
    private readonly Option _kubeconfig;
    private readonly Option _context;

    public RemediateCommand(IEnumerable<IScanSource> sources, IInteractionService interaction, TimeProvider timeProvider, KubeconfigEnvironment kubeconfigEnvironment, IFlowQueryClientFactory queryClients)
        : base("remediate", "Propose verified NetworkPolicies for noncompliant namespaces, preview what they cut, write or apply them.")
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(interaction);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(kubeconfigEnvironment);
        _sources = sources.ToList();
        _interaction = interaction;
        _timeProvider = timeProvider;
        _kubeconfigEnvironment = kubeconfigEnvironment;
        _flowInput = new FlowInputOptions(queryClients);
        foreach (var source in _sources)
        {
            source.AddOptions(this);
        }

        // A kubeconfig source brings --kubeconfig/--context; without one, --apply still needs to name its target.
        _kubeconfig = Options.FirstOrDefault(o => o.Name == "--kubeconfig") ?? AddOwn(new Option<string?>("--kubeconfig") { Description = "Kubeconfig file for --apply (default: KUBECONFIG or ~/.kube/config).", HelpName = "FILE" });
        _context = Options.FirstOrDefault(o => o.Name == "--context") ?? AddOwn(new Option<string?>("--context") { Description = "Kubeconfig context --apply writes to.", HelpName = "NAME" });
        Options.Add(_profile);
        _namespaces.AddTo(this);
        Options.Add(_output);
        Options.Add(_apply);
        Options.Add(_engine);
        _flowInput.AddTo(this);
        Options.Add(_minCoverage);
    }

    /// <summary>The default <c>--min-coverage</c>: half a week of flows for every workload.</summary>
    public const double DefaultMinCoverage = 0.5;

    /// <summary>Exit code when <c>--apply</c> was stopped (preflight, dry run) or failed part-way.</summary>
    public const int ApplyFailed = 5;

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        try
        {
            var apply = parseResult.GetValue(_apply);
            var context = apply ? SingleValue(parseResult, _context) ?? throw new ScanInputException("--apply needs --context NAME: the one cluster to change") : null;
            var profile = Enum.Parse<RemediationProfile>(parseResult.GetValue(_profile)!, ignoreCase: true);
            var minCoverage = parseResult.GetValue(_minCoverage);
            if (minCoverage is < 0 or > 1 || double.IsNaN(minCoverage))
            {
                throw new ScanInputException("--min-coverage must be between 0 and 1");
            }

            var flows = await ReadFlowFilesAsync(parseResult, profile, cancellationToken).ConfigureAwait(false);
            // The workspace flows are read while the source is open, through its own query client when it has one.
            var loaded = await SingleClusterLoader.LoadAsync(
                _sources,
                parseResult,
                kubeconfigNamesTarget: true,
                flows is null ? null : (read, queries, ct) => _flowInput.ReadWorkspaceAsync(parseResult, read, flows, _interaction, "remediate", queries, ct),
                cancellationToken).ConfigureAwait(false);
            var snapshot = RejectedPolicies.LeaveOut(loaded, _interaction);
            var namespaces = Targets(parseResult, snapshot);
            RemediationPlan plan;
            if (flows is not null)
            {
                plan = RemediationPlanner.PlanObserved(snapshot, namespaces, flows.Result());
            }
            else
            {
                plan = RemediationPlanner.Plan(snapshot, namespaces, profile);
            }

            var cluster = snapshot.Cluster.Name;

            var failedVerification = plan.Namespaces.Where(n => !n.Verified).ToList();
            foreach (var ns in failedVerification)
            {
                _interaction.DisplayError($"{ns.Namespace}: plan not proposed, verification failed: {string.Join("; ", ns.Verification.Where(c => !c.Passed).Select(c => c.Detail))}");
            }

            var verified = plan.Namespaces.Where(n => n.Verified).ToList();
            RefuseUnsafeNames(verified);
            if (parseResult.GetValue(_output) is { } directory)
            {
                await WriteFilesAsync(directory, cluster, plan, verified, cancellationToken).ConfigureAwait(false);
            }
            else if (!apply)
            {
                // Raw stdout, never wrapped at a console width: a wrapped quoted scalar would change its value.
                var stdout = _interaction.OpenStandardOutput();
                foreach (var ns in verified)
                {
                    await stdout.WriteAsync(System.Text.Encoding.UTF8.GetBytes(ns.Yaml), cancellationToken).ConfigureAwait(false);
                }

                await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            _interaction.DisplayStatus(ImpactPreviewText.Markdown(cluster, plan, maxRowsPerNamespace: 50).TrimEnd());
            if (apply && verified.Count > 0 && RefuseLowCoverage(verified, minCoverage))
            {
                return ApplyFailed;
            }

            if (apply && verified.Count > 0)
            {
                var applied = await ApplyAsync(SingleValue(parseResult, _kubeconfig), context!, ExecPlugins(parseResult), verified, cancellationToken).ConfigureAwait(false);
                if (applied != ExitCodes.Compliant)
                {
                    return applied;
                }
            }

            return failedVerification.Count > 0 ? ExitCodes.NonCompliant : ExitCodes.Compliant;
        }
        catch (ScanInputException ex)
        {
            _interaction.DisplayError(ex.Message);
            return ExitCodes.UsageError;
        }
        catch (InputFileException ex)
        {
            _interaction.DisplayError(ex.Message);
            return ExitCodes.UsageError;
        }
        catch (LogAnalyticsQueryException ex)
        {
            _interaction.DisplayError($"--flows-from-workspace: {ex.Message}");
            return ExitCodes.Incomplete;
        }
    }

    /// <summary>The flow files, aggregated, for the observed profile; null for the others (which take no flows).</summary>
    private async Task<FlowAggregator?> ReadFlowFilesAsync(ParseResult parseResult, RemediationProfile profile, CancellationToken cancellationToken)
    {
        var given = _flowInput.Given(parseResult);
        if (profile != RemediationProfile.Observed)
        {
            return given ? throw new ScanInputException("--flows and --flows-from-workspace are read only by --profile observed") : null;
        }

        if (!given)
        {
            throw new ScanInputException("--profile observed needs flows: give --flows FILE... (Hubble JSON lines) or --flows-from-workspace [WORKSPACE_ID]");
        }

        var aggregator = new FlowAggregator();
        await _flowInput.ReadFilesAsync(parseResult, aggregator, _interaction, cancellationToken).ConfigureAwait(false);
        return aggregator;
    }

    /// <summary>
    /// The apply gate of the observed profile: a workload whose coverage confidence is below <c>--min-coverage</c> may
    /// need what the window did not show, so nothing is applied (the YAML and preview are still written).
    /// </summary>
    private bool RefuseLowCoverage(List<NamespaceRemediation> verified, double minCoverage)
    {
        var low = verified.SelectMany(n => n.Coverage).Where(c => c.Confidence < minCoverage).ToList();
        if (low.Count == 0)
        {
            return false;
        }

        foreach (var coverage in low)
        {
            _interaction.DisplayError(string.Create(
                CultureInfo.InvariantCulture,
                $"{coverage.Namespace}/{TerminalText.Escape(coverage.Workload)}: coverage {coverage.Confidence:0.00} below --min-coverage {minCoverage:0.00}: {TerminalText.Escape(string.Join("; ", coverage.Reasons))}"));
        }

        _interaction.DisplayError(string.Create(
            CultureInfo.InvariantCulture,
            $"apply refused: {low.Count} workload(s) below --min-coverage {minCoverage:0.00}; nothing was applied (collect a longer window, or give --min-coverage 0 to apply anyway)"));
        return true;
    }

    private Option AddOwn(Option option)
    {
        Options.Add(option);
        return option;
    }

    private static string? SingleValue(ParseResult parseResult, Option option)
    {
        var tokens = parseResult.GetResult(option)?.Tokens;
        if (tokens is null || tokens.Count == 0)
        {
            return null;
        }

        return tokens.Count == 1 ? tokens[0].Value : throw new ScanInputException($"{option.Name} takes one value here");
    }

    private List<string> Targets(ParseResult parseResult, Analysis.Model.ClusterSnapshot snapshot)
    {
        var filter = _namespaces.Filter(parseResult);
        if (filter.Include.Count > 0)
        {
            // A plan for a namespace the snapshot does not have would be verified against nothing: each pattern must match one.
            var selected = NamespaceFilterOptions.Select(filter, snapshot.Namespaces.Select(n => n.Name), requireMatch: true);
            if (selected.Count == 0)
            {
                throw new ScanInputException($"--namespace and --exclude-namespace leave no namespace to remediate ({filter})");
            }

            return selected;
        }

        var assessment = SnapshotAnalyzer.Analyze(snapshot, new AnalysisOptions { Now = _timeProvider.GetUtcNow(), DeclaredEngine = EngineOption.Value(parseResult, _engine) });
        var noncompliant = new List<string>();
        foreach (var name in assessment.Namespaces.Where(n => n.Status == NamespaceStatus.NonCompliant).Select(n => n.Name).Where(filter.Selects))
        {
            if (PlatformDependencies.IsAddOnNamespace(name))
            {
                _interaction.DisplayStatus($"{name}: left alone, an AKS add-on namespace ({PlatformDependencies.AddOnNamespaces.Doc}); name it with --namespace to plan it anyway");
                continue;
            }

            noncompliant.Add(name);
        }

        if (noncompliant.Count == 0)
        {
            _interaction.DisplayStatus("No NonCompliant namespace: nothing to remediate.");
        }

        return noncompliant;
    }

    /// <summary>
    /// Names become file names, URL segments and a shell command: a namespace must be a DNS-1123 label and a policy
    /// name a DNS-1123 subdomain before anything is written or sent (a manifest can hold any string).
    /// </summary>
    private static void RefuseUnsafeNames(List<NamespaceRemediation> verified)
    {
        foreach (var ns in verified)
        {
            if (!KubernetesNames.IsDns1123Label(ns.Namespace))
            {
                throw new ScanInputException(
                    $"namespace '{TerminalText.Escape(ns.Namespace)}' is not a valid Kubernetes namespace name (a DNS-1123 label: a-z, 0-9, '-', at most 63 characters); nothing was written or applied");
            }

            foreach (var policy in ns.Policies.Where(p => !KubernetesNames.IsDns1123Subdomain(p.Name)))
            {
                throw new ScanInputException(
                    $"policy name '{TerminalText.Escape(policy.Name)}' in namespace {ns.Namespace} is not a valid Kubernetes object name (a DNS-1123 subdomain); nothing was written or applied");
            }
        }
    }

    private async Task WriteFilesAsync(string directory, string cluster, RemediationPlan plan, List<NamespaceRemediation> verified, CancellationToken cancellationToken)
    {
        try
        {
            // Every path is checked before the first file is written: either all files land inside DIR or none is written.
            var files = verified.Select(ns => (Path: SafeOutputPath.Combine(directory, $"{ns.Namespace}.yaml"), ns.Yaml)).ToList();
            var preview = SafeOutputPath.Combine(directory, "impact-preview.md");
            Directory.CreateDirectory(directory);
            foreach (var (path, yaml) in files)
            {
                await File.WriteAllTextAsync(path, yaml, cancellationToken).ConfigureAwait(false);
                _interaction.DisplayStatus($"wrote {path}");
            }

            await File.WriteAllTextAsync(preview, ImpactPreviewText.Markdown(cluster, plan), cancellationToken).ConfigureAwait(false);
            _interaction.DisplayStatus($"wrote {preview}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ScanInputException($"{directory}: cannot write the remediation files: {ex.Message}", ex);
        }
    }

    // --no-exec-plugins and --exec-plugin-timeout come with the kubeconfig source; they apply to the --apply context as well.
    private static ExecPluginOptions ExecPlugins(ParseResult parseResult) => KubeconfigScanSource.ExecPluginsOf(parseResult);

    private async Task<int> ApplyAsync(string? kubeconfig, string context, ExecPluginOptions execPlugins, List<NamespaceRemediation> verified, CancellationToken cancellationToken)
    {
        ApplyResult result;
        try
        {
            // The same loading and the same transport rule as scan --kubeconfig: one KUBECONFIG list resolves one
            // context to one server, and http or insecure-skip-tls-verify is refused before any credential is made.
            var file = await KubeconfigFile.LoadAsync(kubeconfig, _kubeconfigEnvironment, cancellationToken).ConfigureAwait(false);
            file.ExecPlugins = execPlugins;
            var configuration = await file.BuildConfigurationForAsync(context, cancellationToken).ConfigureAwait(false);
            using var applier = NetworkPolicyApplier.Connect(configuration);
            result = await applier.ApplyAsync([.. verified.SelectMany(n => n.Policies)], cancellationToken).ConfigureAwait(false);
        }
        catch (KubeconfigException ex)
        {
            throw new ScanInputException(ex.Message, ex);
        }
        catch (ClusterTransportException ex)
        {
            throw new ScanInputException($"context {context}: {ex.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            _interaction.DisplayError($"context {context}: the API server could not be reached: {ex.Message}");
            return ApplyFailed;
        }

        foreach (var line in result.Applied)
        {
            _interaction.Output.WriteLine($"applied: {TerminalText.Escape(line)}");
        }

        foreach (var problem in result.Problems)
        {
            _interaction.DisplayError(problem);
        }

        var stage = result.Stage switch
        {
            ApplyStage.Preflight => "stopped before any change",
            ApplyStage.DryRun => "stopped after the server-side dry run; nothing was changed",
            _ => result.Succeeded ? "applied after a server-side dry run" : "failed part-way",
        };
        _interaction.Output.WriteLine($"context {context}: {stage}");
        foreach (var command in result.BackoutCommands)
        {
            // Shell-quoted already; escaping only matters for names that never passed RefuseUnsafeNames.
            _interaction.Output.WriteLine($"backout: {TerminalText.Escape(command)}");
        }

        return result.Succeeded ? ExitCodes.Compliant : ApplyFailed;
    }
}
