using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Simulator.Fleet;
using NetPolGovernance.Simulator.Kubernetes;

namespace NetPolGovernance.Cli.Simulation;

/// <summary>
/// The shape of a simulated fleet on the command line, shared by <c>simulate</c> and <c>scan --simulated-fleet</c>:
/// a cluster count (the option's name is the command's) and <c>--sim-seed S</c>, <c>--sim-latency-ms L</c>,
/// <c>--sim-namespaces N</c>, <c>--sim-pods N</c>, <c>--sim-fault-rate F</c>, <c>--sim-hostile B</c>, <c>--sim-drift</c>. Out-of-range values are parse errors
/// (exit 1) naming the option. One instance per command (an option belongs to one command).
/// </summary>
internal sealed class FleetSimulationCommandOptions
{
    private readonly Option<int> _clusters;

    private readonly Option<int> _seed = new("--sim-seed")
    {
        Description = "Seed of the simulated fleet; the same seed and sizes serve the same fleet.",
        HelpName = "S",
        DefaultValueFactory = _ => 1,
    };

    private readonly Option<int> _latency = new("--sim-latency-ms")
    {
        Description = "Latency added to every simulated ARM, Resource Graph and Kubernetes API call, in ms.",
        HelpName = "L",
        DefaultValueFactory = _ => 20,
    };

    private readonly Option<int> _namespaces = new("--sim-namespaces")
    {
        Description = "Mean namespaces per simulated cluster (system namespaces included).",
        HelpName = "N",
        DefaultValueFactory = _ => 20,
    };

    private readonly Option<int> _pods = new("--sim-pods")
    {
        Description = "Mean pods per simulated namespace.",
        HelpName = "N",
        DefaultValueFactory = _ => 20,
    };

    private readonly Option<double> _faultRate = new("--sim-fault-rate")
    {
        Description = "Share of running public simulated clusters with an injected fault (429, 401, 410, forbidden CRD), 0 to 1.",
        HelpName = "F",
        DefaultValueFactory = _ => 0.1,
    };

    private readonly Option<string?> _hostile = new("--sim-hostile")
    {
        Description = "Make the first simulated cluster's API server hostile: endless-continue, oversized-page, huge-body, huge-discovery, slow-drip, invalid-utf8, invalid-json or token-echo (docs/security.md).",
        HelpName = "BEHAVIOUR",
    };

    private readonly Option<bool> _drift = new("--sim-drift")
    {
        Description = "Serve the simulated fleet after its planned drift (a default deny removed, one added, a new namespace, a rename, a rule change): scan once without and once with it to see the drift events (docs/log-analytics.md).",
    };

    /// <param name="clusters">The cluster-count option of the command (e.g. <c>--simulated-fleet</c>); validated here.</param>
    public FleetSimulationCommandOptions(Option<int> clusters)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        _clusters = clusters;
        InRange(_clusters, 1, 100_000);
        InRange(_latency, 0, 60_000);
        InRange(_namespaces, 1, 10_000);
        InRange(_pods, 0, 100_000);
        _faultRate.CustomParser = result =>
        {
            var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value is >= 0 and <= 1))
            {
                result.AddError($"{_faultRate.Name} must be a number between 0 and 1, not '{token}'");
            }

            return value;
        };
        _hostile.AcceptOnlyFromAmong([.. Enum.GetValues<HostileBehaviour>().Select(HostileName)]);
    }

    /// <summary>The <c>--sim-*</c> options (not the cluster count).</summary>
    public IReadOnlyList<Option> Shape => [_seed, _latency, _namespaces, _pods, _faultRate, _hostile, _drift];

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_clusters);
        foreach (var option in Shape)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The first <c>--sim-*</c> option the command line gives explicitly, or null.</summary>
    public Option? FirstExplicitShapeOption(SymbolResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Shape.FirstOrDefault(option => result.GetResult(option) is { Implicit: false });
    }

    /// <summary>The simulation the command line asks for. Throws <see cref="ScanInputException"/> naming a bad value.</summary>
    public FleetSimulationOptions Resolve(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var options = new FleetSimulationOptions
        {
            Clusters = parseResult.GetValue(_clusters),
            Seed = parseResult.GetValue(_seed),
            Latency = TimeSpan.FromMilliseconds(parseResult.GetValue(_latency)),
            NamespacesPerCluster = parseResult.GetValue(_namespaces),
            PodsPerNamespace = parseResult.GetValue(_pods),
            FaultRate = parseResult.GetValue(_faultRate),
            Drifted = parseResult.GetValue(_drift),
        };
        if (parseResult.GetValue(_hostile) is { } hostile)
        {
            var behaviour = Enum.GetValues<HostileBehaviour>().First(b => HostileName(b) == hostile);
            options = options with
            {
                Overrides = new Dictionary<int, ClusterOverride> { [0] = new() { Private = false, Stopped = false, Hostile = behaviour } },
            };
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ScanInputException(ex.Message, ex);
        }

        return options;
    }

    /// <summary><c>endless-continue</c> for <see cref="HostileBehaviour.EndlessContinue"/>.</summary>
    private static string HostileName(HostileBehaviour behaviour) =>
        string.Concat(behaviour.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>Parses a whole number in [min, max]; anything else is a parse error naming the option and the value.</summary>
    private static void InRange(Option<int> option, int min, int max) =>
        option.CustomParser = result =>
        {
            var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
            if (!int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option.Name} must be a whole number between {min} and {max}, not '{token}'"));
            }

            return value;
        };
}
