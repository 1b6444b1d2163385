using Microsoft.Extensions.Logging;

namespace NetPolGovernance.Cli.Interaction;

/// <summary>
/// The CLI's log output: each entry is one line on stderr in the style of the CLI's own messages
/// (<c>warning: Cluster aks-1 is Unknown: ...</c>, <c>error: ...</c>), never the .NET console logger's two-line
/// <c>warn: Category[id]</c> format. Warnings and errors show by default, informational entries only with
/// <c>--verbose</c>, errors only with <c>--quiet</c>. A message is shown once per run
/// (<see cref="IInteractionService.DisplayWarning"/>), and the collector's own "Unknown" entry is left out: the scanner
/// reports the same cluster as Unknown with the reason and what to do about it.
/// </summary>
internal sealed class InteractionLoggerProvider(IInteractionService interaction) : ILoggerProvider
{
    /// <summary>Entries of this template from the collector repeat what the scanner's Unknown entry says.</summary>
    private const string CollectorUnknownTemplate = "Cluster {ClusterName}: Unknown: {Reason}";

    private readonly HashSet<string> _shown = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) => new InteractionLogger(this, interaction, categoryName);

    /// <summary>True the first time <paramref name="message"/> is logged at <paramref name="level"/>.</summary>
    private bool FirstTime(LogLevel level, string message)
    {
        lock (_shown)
        {
            return _shown.Add($"{level}:{message}");
        }
    }

    public void Dispose()
    {
    }

    private sealed class InteractionLogger(InteractionLoggerProvider provider, IInteractionService interaction, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel switch
        {
            LogLevel.None => false,
            >= LogLevel.Error => true,
            LogLevel.Warning => interaction.Verbosity != Verbosity.Quiet,
            _ => interaction.Verbosity == Verbosity.Verbose && logLevel >= LogLevel.Information,
        };

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (!IsEnabled(logLevel) || IsCollectorUnknown(state))
            {
                return;
            }

            var message = formatter(state, exception);
            if (exception is not null && logLevel >= LogLevel.Error)
            {
                message = $"{message} ({exception.GetType().Name}: {exception.Message})";
            }

            if (!provider.FirstTime(logLevel, message))
            {
                return;
            }

            switch (logLevel)
            {
                case >= LogLevel.Error:
                    interaction.DisplayError(message);
                    break;
                case LogLevel.Warning:
                    interaction.DisplayWarning(message);
                    break;
                default:
                    interaction.DisplayStatus(message);
                    break;
            }
        }

        private bool IsCollectorUnknown<TState>(TState state) =>
            category.EndsWith(".KubernetesSnapshotCollector", StringComparison.Ordinal)
            && state is IReadOnlyList<KeyValuePair<string, object?>> values
            && values.Any(v => v.Key == "{OriginalFormat}" && Equals(v.Value, CollectorUnknownTemplate));
    }
}
