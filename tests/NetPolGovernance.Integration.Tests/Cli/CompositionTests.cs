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
        using var output = new TestConsole();
        using var error = new TestConsole();
        using var services = CliServices.Build(
            new ConsoleInteractionService(output, error, () => Stream.Null),
            NullLoggerFactory.Instance,
            new FakeTimeProvider());

        var sources = services.GetServices<IScanSource>().Select(s => s.GetType()).ToList();

        Assert.Equal(sources.Distinct().Count(), sources.Count);
        Assert.Equal(4, sources.Count);
    }

    [Fact]
    public void Build_ScanCommand_OptionNamesAreUnique()
    {
        using var output = new TestConsole();
        using var error = new TestConsole();
        using var services = CliServices.Build(
            new ConsoleInteractionService(output, error, () => Stream.Null),
            NullLoggerFactory.Instance,
            new FakeTimeProvider());
        var scan = services.GetRequiredService<RootCommand>().Subcommands.Single(c => c.Name == "scan");

        var names = scan.Options.Select(o => o.Name).ToList();

        Assert.Equal(names.Distinct(StringComparer.Ordinal).Count(), names.Count);
        Assert.Contains("--azure", names);
        Assert.Contains("--kubeconfig", names);
        Assert.Contains("--manifests", names);
        Assert.Contains("--simulated-fleet", names);
    }
}
