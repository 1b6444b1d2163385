using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Cli;
using NetPolGovernance.Cli.Interaction;
using NetPolGovernance.Cli.Reports;
using NetPolGovernance.Cli.Settings;
using Spectre.Console;

// --no-color and NO_COLOR decide the colour system before anything is written (the parser applies them again per command).
var noColor = args.Contains("--no-color", StringComparer.Ordinal) || GlobalOptions.NoColorRequested(Environment.GetEnvironmentVariable("NO_COLOR"))
    || CliSettings.ParseFlag(Environment.GetEnvironmentVariable(CliSettings.VariablePrefix + "NO_COLOR") ?? string.Empty) == true;
var colors = noColor ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect;
// Off a terminal the table carries no padding at line ends (Spectre pads cells to the full width).
var stdout = Console.IsOutputRedirected
    ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new TrailingSpaceTrimmingWriter(Console.Out)), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors })
    : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out), ColorSystem = colors });
if (Console.IsOutputRedirected)
{
    // Pipes, files and CI logs: 80 columns (as the table is read in an 80-column terminal or a review), unless COLUMNS says otherwise.
    stdout.Profile.Width = ReportWidth.ForRedirectedOutput(Environment.GetEnvironmentVariable("COLUMNS"));
}

var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error), ColorSystem = colors });
if (Console.IsErrorRedirected)
{
    stderr.Profile.Width = 10_000; // CI logs and pipes: one message, one line, never wrapped at 80 columns
}

var interaction = new ConsoleInteractionService(stdout, stderr, Console.OpenStandardOutput) { UseColor = !noColor };
using var loggerFactory = LoggerFactory.Create(logging => logging
    .SetMinimumLevel(LogLevel.Information)
    .AddProvider(new InteractionLoggerProvider(interaction)));
await using var services = CliServices.Build(interaction, loggerFactory, TimeProvider.System);
var root = services.GetRequiredService<RootCommand>();

// Ctrl+C and SIGTERM cancel the command's token (our handler, not the parser's, so the command decides what to keep).
using var interruption = ProcessInterruption.Register();
var exitCode = await CliParser.InvokeAsync(root, args, new InvocationConfiguration { ProcessTerminationTimeout = null }, services.GetRequiredService<CliEnvironment>(), interruption.Token)
    .ConfigureAwait(false);
return interruption.ExitCodeFor(exitCode);
