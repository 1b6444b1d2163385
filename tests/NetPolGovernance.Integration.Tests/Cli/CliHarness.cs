using System.CommandLine;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NetPolGovernance.Cli;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Settings;
using Spectre.Console.Testing;

namespace NetPolGovernance.Integration.Tests.Cli;

/// <summary>
/// Runs <c>netpolgov</c> in-process through its real parser and composition root, with stdout captured three ways:
/// the raw stream (machine formats), a Spectre <see cref="TestConsole"/> (tables) and the parser's writers (parse errors).
/// </summary>
internal sealed class CliHarness : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly MemoryStream _stdout = new();
    private readonly StringWriter _parserOutput = new();
    private readonly StringWriter _parserError = new();

    private readonly Action<IServiceCollection>? _configure;

    public CliHarness(Action<IServiceCollection>? configure = null)
    {
        _configure = configure;
        Output = new TestConsole().Width(200);
        Error = new TestConsole().Width(200);
    }

    public TestConsole Output { get; }

    public TestConsole Error { get; }

    /// <summary>Everything written to stdout: the raw stream, the table console and the parser's output.</summary>
    public string StandardOutput => Encoding.UTF8.GetString(_stdout.ToArray()) + Output.Output + _parserOutput;

    /// <summary>The raw stdout stream only (what machine formats wrote).</summary>
    public string RawStandardOutput => Encoding.UTF8.GetString(_stdout.ToArray());

    public string StandardError => Error.Output + _parserError;

    /// <summary>Environment variables the CLI sees (none by default: the test process's own are not read).</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>The working directory the CLI looks in for netpolgov.yaml and .netpolgov-exemptions.yaml (default: a folder with neither).</summary>
    public string WorkingDirectory { get; set; } = AppContext.BaseDirectory;

    /// <summary>Registrations applied after the CLI's own (replace a seam, e.g. the Logs Ingestion client factory).</summary>
    public Action<IServiceCollection>? Overrides { get; set; }

    /// <summary>The samples shipped with the repository (copied next to the tests).</summary>
    public static string SamplesPath(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "TestData", "samples", .. parts]);

    public void Dispose()
    {
        _stdout.Dispose();
        _parserOutput.Dispose();
        _parserError.Dispose();
        Output.Dispose();
        Error.Dispose();
    }

    public Task<int> RunAsync(params string[] args) => RunAsync(TestContext.Current.CancellationToken, args);

    /// <summary>Runs until the command ends or <paramref name="cancellationToken"/> fires (Ctrl+C for long-running commands).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        var interaction = new ConsoleInteractionService(Output, Error, () => _stdout);
        await using var services = CliServices.Build(
            interaction,
            NullLoggerFactory.Instance,
            new FakeTimeProvider(Now),
            services =>
            {
                services.AddSingleton(new CliEnvironment(name => Environment.GetValueOrDefault(name), WorkingDirectory));
                _configure?.Invoke(services);
                Overrides?.Invoke(services);
            });
        var root = services.GetRequiredService<RootCommand>();
        var configuration = new InvocationConfiguration { Output = _parserOutput, Error = _parserError };
        var environment = new CliEnvironment(name => Environment.GetValueOrDefault(name), WorkingDirectory);
        return await CliParser.InvokeAsync(root, args, configuration, environment, cancellationToken);
    }
}
