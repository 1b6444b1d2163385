using System.CommandLine;
using System.Globalization;
using System.Text;
using NetPolGovernance.Cli.Commands;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Simulator.Fleet;
using Spectre.Console;

namespace NetPolGovernance.Cli.Simulation;

/// <summary>
/// <c>netpolgov simulate [--sim-clusters N] [--sim-seed S] [--sim-latency-ms L] [--sim-namespaces N] [--sim-pods N]
/// [--sim-fault-rate F] [--sim-drift] [--kubeconfig-out FILE] [--flows-out DIR]</c>: serves a simulated AKS fleet on loopback until Ctrl+C (or SIGTERM),
/// writes a kubeconfig for its running public clusters and prints how to scan it, so anyone can watch a fleet scan
/// with no Azure account. The file holds the simulator's per-run bearer token; it is private to the user and deleted
/// when the simulator stops.
/// </summary>
internal sealed class SimulateCommand : BaseCommand
{
    private readonly Option<int> _clusters = new("--sim-clusters")
    {
        Description = "Clusters in the simulated fleet.",
        HelpName = "N",
        DefaultValueFactory = _ => 20,
    };

    private readonly Option<string?> _kubeconfigOut = new("--kubeconfig-out")
    {
        Description = "Where to write the kubeconfig of the simulated clusters. Default: a file in the temp directory.",
        HelpName = "FILE",
    };

    private readonly Option<string?> _flowsOut = new("--flows-out")
    {
        Description = "Also write the simulated clusters' flows as Hubble JSON lines, one CLUSTER.jsonl per cluster with flow logs, into DIR.",
        HelpName = "DIR",
    };

    private readonly FleetSimulationCommandOptions _options;
    private readonly IInteractionService _interaction;

    public SimulateCommand(IInteractionService interaction)
        : base("simulate", "Serve a simulated AKS fleet (ARM, Resource Graph, one Kubernetes API server per cluster) on loopback until Ctrl+C, and print how to scan it.")
    {
        ArgumentNullException.ThrowIfNull(interaction);
        _interaction = interaction;
        _options = new FleetSimulationCommandOptions(_clusters);
        _options.AddTo(this);
        Options.Add(_kubeconfigOut);
        Options.Add(_flowsOut);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        FleetSimulationOptions options;
        try
        {
            options = _options.Resolve(parseResult);
        }
        catch (ScanInputException ex)
        {
            _interaction.DisplayError(ex.Message);
            return ExitCodes.UsageError;
        }

        await using var simulator = await FleetSimulator.StartAsync(options, cancellationToken).ConfigureAwait(false);
        var kubeconfig = parseResult.GetValue(_kubeconfigOut)
            ?? Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"netpolgov-sim-{Environment.ProcessId}.kubeconfig"));
        try
        {
            await WritePrivateFileAsync(kubeconfig, simulator.Kubeconfig(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _interaction.DisplayError($"{kubeconfig}: cannot write the kubeconfig: {ex.Message}");
            return ExitCodes.UsageError;
        }

        IReadOnlyList<string> flowFiles = [];
        if (parseResult.GetValue(_flowsOut) is { Length: > 0 } flowsOut)
        {
            try
            {
                flowFiles = FleetSimulator.WriteHubbleFlows(simulator.Fleet, flowsOut);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                File.Delete(kubeconfig);
                _interaction.DisplayError($"{flowsOut}: cannot write the flow files: {ex.Message}");
                return ExitCodes.UsageError;
            }
        }

        try
        {
            PrintInstructions(simulator, kubeconfig, parseResult, flowFiles);
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or SIGTERM: the simulator stops below.
        }
        finally
        {
            File.Delete(kubeconfig);
        }

        return ExitCodes.Compliant;
    }

    private void PrintInstructions(FleetSimulator simulator, string kubeconfig, ParseResult parseResult, IReadOnlyList<string> flowFiles)
    {
        var output = _interaction.Output;
        foreach (var line in SimulatedFleetDescription.Lines(simulator))
        {
            output.WriteLine(line);
        }

        var reachable = simulator.Fleet.Clusters.Where(p => !p.Private && !p.Stopped).Select(p => p.Name).ToList();
        output.WriteLine($"  Kubernetes API servers: {simulator.Kubernetes.BaseAddress}clusters/<name>");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  kubeconfig ({reachable.Count} contexts, the running public clusters): {kubeconfig}"));
        output.WriteLine();
        output.WriteLine("Scan it from another terminal:");
        output.WriteLine($"  netpolgov scan --kubeconfig {kubeconfig} --all-contexts");
        if (reachable.Count > 0)
        {
            output.WriteLine("or the manual CIS way, one namespace at a time:");
            output.WriteLine($"  kubectl --kubeconfig {kubeconfig} --context {reachable[0]} get networkpolicies --namespace=default");
        }

        output.WriteLine("The same fleet through the Azure path (Resource Graph, AKS credentials, runCommand for private clusters), in one process:");
        output.WriteLine($"  netpolgov scan {AzurePathArguments(parseResult)}");
        if (flowFiles.Count > 0)
        {
            var directory = Path.GetDirectoryName(flowFiles[0]);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Flows of {flowFiles.Count} clusters (Hubble JSON lines) in {directory}; the runtime proof (NPG-N13) with them:"));
            output.WriteLine($"  netpolgov scan --kubeconfig {kubeconfig} --all-contexts --flows {Path.Combine(directory ?? ".", "*.jsonl")}");
            output.WriteLine($"  netpolgov scan {AzurePathArguments(parseResult)} --flows-from-workspace");
        }

        output.WriteLine();
        output.WriteLine("Ctrl+C stops the simulator.");
    }

    /// <summary><c>--simulated-fleet N</c> and the <c>--sim-*</c> options that serve this very fleet.</summary>
    private string AzurePathArguments(ParseResult parseResult)
    {
        var arguments = new StringBuilder();
        arguments.Append(CultureInfo.InvariantCulture, $"--simulated-fleet {parseResult.GetValue(_clusters)}");
        foreach (var option in _options.Shape)
        {
            switch (parseResult.GetResult(option)?.GetValueOrDefault<object>())
            {
                case null or false:
                    break;
                case true:
                    arguments.Append(CultureInfo.InvariantCulture, $" {option.Name}");
                    break;
                case var value:
                    arguments.Append(CultureInfo.InvariantCulture, $" {option.Name} {Convert.ToString(value, CultureInfo.InvariantCulture)}");
                    break;
            }
        }

        return arguments.ToString();
    }

    /// <summary>Writes <paramref name="text"/> readable by the user only, in one step (a reader never sees half a file).</summary>
    private static async Task WritePrivateFileAsync(string path, string text, CancellationToken cancellationToken)
    {
        var staging = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var stream = new FileStream(staging, options);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        }

        File.Move(staging, path, overwrite: true);
    }
}
