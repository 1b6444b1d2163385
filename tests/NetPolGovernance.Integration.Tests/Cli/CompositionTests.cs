using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NetPolGovernance.Cli;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Scanning;
using Spectre.Console.Testing;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary>The composition root registers every extension once (merges have duplicated registrations before).</summary>
public sealed class CompositionTests
{
    [Fact]
    public void Build_ScanSources_EachTypeRegisteredOnce()
    {
        using var cli = new ComposedCli();
        var services = cli.Services;

        var sources = services.GetServices<IScanSource>().Select(s => s.GetType()).ToList();

        Assert.Equal(sources.Distinct().Count(), sources.Count);
        Assert.Equal(4, sources.Count);
    }

    [Fact]
    public void Build_ScanCommand_OptionNamesAreUnique()
    {
        using var cli = new ComposedCli();
        var services = cli.Services;
        var scan = services.GetRequiredService<RootCommand>().Subcommands.Single(c => c.Name == "scan");

        var names = scan.Options.Select(o => o.Name).ToList();

        Assert.Equal(names.Distinct(StringComparer.Ordinal).Count(), names.Count);
        Assert.Contains("--azure", names);
        Assert.Contains("--kubeconfig", names);
        Assert.Contains("--manifests", names);
        Assert.Contains("--simulated-fleet", names);
    }

    /// <summary>
    /// The same flag means the same thing in every command: <c>-f</c> is <c>--format</c> wherever there is a
    /// <c>--format</c>, a short alias names one long option in every command, and a long option has the same short
    /// aliases everywhere.
    /// </summary>
    [Fact]
    public void Build_EveryCommand_SameFlagSameMeaning()
    {
        using var cli = new ComposedCli();
        var services = cli.Services;
        var root = services.GetRequiredService<RootCommand>();
        var options = Commands(root).SelectMany(c => c.Options.Select(o => (Command: c.Name, Option: o))).Where(o => !o.Option.Hidden).ToList();

        var formats = options.Where(o => o.Option.Name == "--format").ToList();
        Assert.True(formats.Count >= 4, string.Join(", ", formats.Select(f => f.Command)));
        Assert.All(formats, f => Assert.True(f.Option.Aliases.Contains("-f"), $"{f.Command} --format has no -f"));

        var shortNames = options
            .SelectMany(o => o.Option.Aliases.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => (Alias: a, Long: o.Option.Name)))
            .GroupBy(a => a.Alias, StringComparer.Ordinal);
        Assert.All(shortNames, g => Assert.Single(g.Select(a => a.Long).Distinct(StringComparer.Ordinal)));

        foreach (var group in options.GroupBy(o => o.Option.Name, StringComparer.Ordinal))
        {
            Assert.Single(group.Select(o => string.Join(' ', o.Option.Aliases.Order(StringComparer.Ordinal))).Distinct(StringComparer.Ordinal));
        }
    }

    private static IEnumerable<Command> Commands(Command command) => command.Subcommands.SelectMany(Commands).Prepend(command);

    /// <summary>The CLI's composition root on test consoles, disposed together.</summary>
    private sealed class ComposedCli : IDisposable
    {
        private readonly TestConsole _output = new();
        private readonly TestConsole _error = new();

        public ComposedCli() =>
            Services = CliServices.Build(new ConsoleInteractionService(_output, _error, () => Stream.Null), NullLoggerFactory.Instance, new FakeTimeProvider());

        public ServiceProvider Services { get; }

        public void Dispose()
        {
            Services.Dispose();
            _output.Dispose();
            _error.Dispose();
        }
    }
}
