using System.CommandLine;
using NetPolGovernance.Connectors.Kubernetes.Collection;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Cli.Scanning;

/// <summary>
/// The flags of the live-cluster read bounds (<see cref="CollectorBounds.All"/>: <c>--max-pages-per-list</c>,
/// <c>--max-cluster-bytes 1GiB</c>, <c>--request-timeout 120s</c>, …), shared by every source that reads a cluster
/// through the Kubernetes API (kubeconfig contexts, Azure, the simulated fleet). Added once per command however many
/// sources ask, and read back by name, so whichever source is selected sees the same values.
/// </summary>
internal static class CollectorBoundOptions
{
    /// <summary>Adds the bound flags to <paramref name="command"/> unless an earlier source added them.</summary>
    public static void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var bound in CollectorBounds.All)
        {
            if (command.Options.Any(o => o.Name == bound.Flag))
            {
                continue;
            }

            var option = new Option<string?>(bound.Flag)
            {
                Description = $"{bound.Meaning} Default {bound.DefaultText}, {bound.RangeText}; past it the cluster is Unknown (docs/security.md).",
                HelpName = bound.Unit switch
                {
                    CollectorBoundUnit.Bytes => "SIZE",
                    CollectorBoundUnit.Duration => "DURATION",
                    _ => "N",
                },
            };
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<string?>() is { } text)
                {
                    try
                    {
                        bound.Apply(new KubernetesCollectorOptions(), text, bound.Flag);
                    }
                    catch (FormatException ex)
                    {
                        result.AddError(ex.Message);
                    }
                }
            });
            command.Options.Add(option);
        }
    }

    /// <summary>The collector options the command line asks for: the defaults with every given bound applied.</summary>
    public static KubernetesCollectorOptions Resolve(ParseResult parseResult, KubernetesCollectorOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(defaults);
        var options = defaults;
        var declared = parseResult.CommandResult.Command.Options;
        foreach (var bound in CollectorBounds.All)
        {
            if (declared.FirstOrDefault(o => o.Name == bound.Flag) is Option<string?> option && parseResult.GetValue(option) is { } text)
            {
                try
                {
                    options = bound.Apply(options, text, bound.Flag);
                }
                catch (FormatException ex)
                {
                    throw new ScanInputException(ex.Message, ex);
                }
            }
        }

        return options;
    }

    /// <summary>The collector with the command's bounds; a reader that is not the live collector (a test's fake) as it is.</summary>
    public static IKubernetesClusterReader Apply(IKubernetesClusterReader reader, ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader is KubernetesSnapshotCollector collector ? Apply(collector, parseResult) : reader;
    }

    /// <inheritdoc cref="Apply(IKubernetesClusterReader, ParseResult)"/>
    public static KubernetesSnapshotCollector Apply(KubernetesSnapshotCollector collector, ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(collector);
        return collector.WithOptions(Resolve(parseResult, collector.Options));
    }
}
