using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NetPolGovernance.Cli;
using NetPolGovernance.Cli.Interaction;
using Spectre.Console;

var stdout = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
if (Console.IsOutputRedirected)
{
    stdout.Profile.Width = 120; // logs and files: no terminal to wrap for
}

var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
var interaction = new ConsoleInteractionService(stdout, stderr, Console.OpenStandardOutput);
using var loggerFactory = LoggerFactory.Create(logging => logging
    .SetMinimumLevel(LogLevel.Warning)
    .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace));
await using var services = CliServices.Build(interaction, loggerFactory, TimeProvider.System);
var root = services.GetRequiredService<RootCommand>();

// Ctrl+C and SIGTERM cancel the command's token (our handler, not the parser's, so the command decides what to keep).
using var interruption = ProcessInterruption.Register();
var exitCode = await CliParser.InvokeAsync(root, args, new InvocationConfiguration { ProcessTerminationTimeout = null }, interruption.Token)
    .ConfigureAwait(false);
return interruption.ExitCodeFor(exitCode);
