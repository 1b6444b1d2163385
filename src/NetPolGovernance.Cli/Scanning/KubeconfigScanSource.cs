using System.CommandLine;
using NetPolGovernance.Cli.Settings;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.Kubernetes.Kubeconfig;

namespace NetPolGovernance.Cli.Scanning;

/// <summary>
/// <c>--kubeconfig [FILE] [--context NAME... | --all-contexts]</c>: live clusters through kubeconfig
/// contexts. Without FILE the files of <c>$KUBECONFIG</c> (merged as kubectl merges them) or <c>~/.kube/config</c> are
/// read, exactly as <c>remediate --apply</c> reads them; without
/// <c>--context</c>/<c>--all-contexts</c> the current context is scanned. Contexts are read concurrently; one that
/// cannot be read is reported Unknown with its reason. Every context passes <c>ClusterTransportPolicy</c> (https,
/// verified TLS) before any credential is produced; a user's exec credential plugin then runs once, by netpolgov,
/// with a timeout that kills its process tree, unless <c>--no-exec-plugins</c> refuses it (docs/security.md).
/// </summary>
internal sealed class KubeconfigScanSource : IScanSource
{

    private readonly Option<string?> _kubeconfig = new("--kubeconfig")
    {
        Description = "Scan live clusters through a kubeconfig. Default FILE: $KUBECONFIG, else ~/.kube/config. https with a verified certificate only; a user's exec credential plugin runs once per context (see docs/security.md; --no-exec-plugins refuses them).",
        HelpName = "FILE",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<string[]> _contexts = new("--context")
    {
        Description = "Kubeconfig context(s) to scan. Default: the current context.",
        HelpName = "NAME",
        AllowMultipleArgumentsPerToken = true,
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<bool> _allContexts = new("--all-contexts")
    {
        Description = "Scan every context of the kubeconfig.",
    };

    private readonly Option<bool> _noExecPlugins = new(NoExecPluginsOption)
    {
        Description = "Refuse kubeconfig users that authenticate with an exec credential plugin (their contexts are Unknown); by default the plugin runs, as kubectl runs it.",
    };

    private readonly Option<int?> _execPluginTimeout = new(ExecPluginTimeoutOption)
    {
        Description = "Seconds an exec credential plugin may run before it is stopped with its child processes (its context is then Unknown). Default 120, between 1 and 1800.",
        HelpName = "SECONDS",
    };

    private readonly KubernetesSnapshotCollector _collector;
    private readonly KubeconfigEnvironment _environment;

    public KubeconfigScanSource(KubernetesSnapshotCollector collector, KubeconfigEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(collector);
        ArgumentNullException.ThrowIfNull(environment);
        _collector = collector;
        _environment = environment;
    }

    /// <summary>The option name, shared with <c>remediate --apply</c> (which reads it from the same command).</summary>
    public const string NoExecPluginsOption = "--no-exec-plugins";

    /// <summary>The option name, shared with <c>remediate --apply</c> as <see cref="NoExecPluginsOption"/> is.</summary>
    public const string ExecPluginTimeoutOption = "--exec-plugin-timeout";

    public string Usage => "--kubeconfig [FILE] [--context NAME... | --all-contexts]";

    public void AddOptions(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_kubeconfig);
        command.Options.Add(_contexts);
        command.Options.Add(_allContexts);
        command.Options.Add(_noExecPlugins);
        command.Options.Add(_execPluginTimeout);
        CollectorBoundOptions.AddTo(command);
        CliSettings.Exclusive(CliSettings.SourceGroup, _kubeconfig, _contexts, _allContexts);
        _execPluginTimeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } seconds && !ExecPluginOptions.TimeoutRange.Contains(TimeSpan.FromSeconds(seconds)))
            {
                result.AddError($"{ExecPluginTimeoutOption} must be a whole number of seconds between 1 and 1800, not {seconds}");
            }
        });
    }

    /// <summary>What <c>--no-exec-plugins</c> and <c>--exec-plugin-timeout</c> on <paramref name="parseResult"/> ask for (any command that has them).</summary>
    public static ExecPluginOptions ExecPluginsOf(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var execPlugins = ExecPluginOptions.Default;
        var options = parseResult.CommandResult.Command.Options;
        if (options.FirstOrDefault(o => o.Name == NoExecPluginsOption) is Option<bool> noExec && parseResult.GetValue(noExec))
        {
            execPlugins = execPlugins with { Allowed = false };
        }

        if (options.FirstOrDefault(o => o.Name == ExecPluginTimeoutOption) is Option<int?> timeout && parseResult.GetValue(timeout) is { } seconds)
        {
            execPlugins = execPlugins with { Timeout = TimeSpan.FromSeconds(seconds) };
        }

        return execPlugins;
    }

    public bool IsSelected(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return parseResult.GetResult(_kubeconfig) is { Implicit: false }
               || parseResult.GetResult(_contexts) is { Implicit: false }
               || parseResult.GetResult(_allContexts) is { Implicit: false };
    }

    public async Task<ScanSourceSession> OpenAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var requested = parseResult.GetValue(_contexts) ?? [];
        var all = parseResult.GetValue(_allContexts);
        if (all && requested.Length > 0)
        {
            throw new ScanInputException("choose --context NAME... or --all-contexts, not both");
        }

        KubeconfigFile kubeconfig;
        IReadOnlyList<string> contexts;
        try
        {
            kubeconfig = await KubeconfigFile.LoadAsync(parseResult.GetValue(_kubeconfig), _environment, cancellationToken).ConfigureAwait(false);
            contexts = kubeconfig.SelectContexts(requested, all);
            kubeconfig.ExecPlugins = ExecPluginsOf(parseResult);
        }
        catch (KubeconfigException ex)
        {
            throw new ScanInputException(ex.Message, ex);
        }

        var source = new KubeconfigClusterSource(kubeconfig, contexts, CollectorBoundOptions.Apply(_collector, parseResult));
        return new ScanSourceSession(source, source);
    }
}
