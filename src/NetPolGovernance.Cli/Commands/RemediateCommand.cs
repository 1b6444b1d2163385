using System.CommandLine;
using NetPolGovernance.Analysis;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Remediation;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Remediation;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Kubernetes.Kubeconfig;
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
/// 5 the apply was stopped or failed.
/// </summary>
internal sealed class RemediateCommand : BaseCommand
{
    private static readonly string[] s_profiles = ["baseline", "ingress", "strict"];

    private readonly IReadOnlyList<IScanSource> _sources;
    private readonly IInteractionService _interaction;
    private readonly TimeProvider _timeProvider;
    private readonly KubeconfigEnvironment _kubeconfigEnvironment;
    private readonly Option<string> _profile = CliChoice.Create(
        "--profile",
        "Policy set: baseline (deny all, allow DNS and same namespace), ingress (deny ingress), strict (baseline, same namespace only on declared ports).",
        s_profiles,
        "baseline");

    private readonly Option<string[]> _namespaces = new("--namespace")
    {
        Description = "Remediate these namespaces (repeatable) instead of every NonCompliant one.",
        HelpName = "NS",
    };

    private readonly Option<string?> _output = new("--output", "-o") { Description = "Write one YAML file per namespace and impact-preview.md into DIR.", HelpName = "DIR" };
    private readonly Option<string> _engine = EngineOption.Create();
    private readonly Option<bool> _apply = new("--apply") { Description = "Apply to the --context cluster after a server-side dry run (only objects labelled managed-by netpolgov)." };
    private readonly Option _kubeconfig;
    private readonly Option _context;

    public RemediateCommand(IEnumerable<IScanSource> sources, IInteractionService interaction, TimeProvider timeProvider, KubeconfigEnvironment kubeconfigEnvironment)
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
        foreach (var source in _sources)
        {
            source.AddOptions(this);
        }

        // A kubeconfig source brings --kubeconfig/--context; without one, --apply still needs to name its target.
        _kubeconfig = Options.FirstOrDefault(o => o.Name == "--kubeconfig") ?? AddOwn(new Option<string?>("--kubeconfig") { Description = "Kubeconfig file for --apply (default: KUBECONFIG or ~/.kube/config).", HelpName = "FILE" });
        _context = Options.FirstOrDefault(o => o.Name == "--context") ?? AddOwn(new Option<string?>("--context") { Description = "Kubeconfig context --apply writes to.", HelpName = "NAME" });
        Options.Add(_profile);
        Options.Add(_namespaces);
        Options.Add(_output);
        Options.Add(_apply);
        Options.Add(_engine);
    }

    /// <summary>Exit code when <c>--apply</c> was stopped (preflight, dry run) or failed part-way.</summary>
    public const int ApplyFailed = 5;

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        try
        {
            var apply = parseResult.GetValue(_apply);
            var context = apply ? SingleValue(parseResult, _context) ?? throw new ScanInputException("--apply needs --context NAME: the one cluster to change") : null;
            var loaded = await SingleClusterLoader.LoadAsync(_sources, parseResult, kubeconfigNamesTarget: true, cancellationToken).ConfigureAwait(false);
            var snapshot = RejectedPolicies.LeaveOut(loaded, _interaction);
            var profile = Enum.Parse<RemediationProfile>(parseResult.GetValue(_profile)!, ignoreCase: true);
            var namespaces = Targets(parseResult, snapshot);
            var plan = RemediationPlanner.Plan(snapshot, namespaces, profile);
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
                foreach (var ns in verified)
                {
                    _interaction.Output.Write(ns.Yaml);
                }
            }

            _interaction.DisplayStatus(ImpactPreviewText.Markdown(cluster, plan, maxRowsPerNamespace: 50).TrimEnd());
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
        if (parseResult.GetValue(_namespaces) is { Length: > 0 } named)
        {
            // A plan for a namespace the snapshot does not have would be verified against nothing.
            var known = snapshot.Namespaces.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
            var missing = named.Where(n => !known.Contains(n)).Distinct(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                throw new ScanInputException(
                    $"--namespace: {(missing.Count == 1 ? "namespace" : "namespaces")} not in the snapshot: {string.Join(", ", missing)}");
            }

            return [.. named];
        }

        var assessment = SnapshotAnalyzer.Analyze(snapshot, new AnalysisOptions { Now = _timeProvider.GetUtcNow(), DeclaredEngine = EngineOption.Value(parseResult, _engine) });
        var noncompliant = assessment.Namespaces.Where(n => n.Status == NamespaceStatus.NonCompliant).Select(n => n.Name).ToList();
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
