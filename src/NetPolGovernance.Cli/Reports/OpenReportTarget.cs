using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Connectors.Output;
using Spectre.Console;

namespace NetPolGovernance.Cli.Reports;

/// <summary>A report target and the file it owns (when <c>-o FILE</c>); disposing flushes and closes the file.</summary>
internal sealed class OpenReportTarget : IAsyncDisposable
{
    private readonly Stream? _ownedStream;
    private readonly StreamWriter? _ownedWriter;

    public OpenReportTarget(ReportTarget target, Stream? ownedStream, StreamWriter? ownedWriter = null)
    {
        Target = target;
        _ownedStream = ownedStream;
        _ownedWriter = ownedWriter;
    }

    public ReportTarget Target { get; }

    /// <summary>
    /// Creates (or truncates) <paramref name="path"/> (checked by <see cref="SafeOutputPath.ForFile"/> first); human
    /// formats get a colourless console over it.
    /// </summary>
    public static OpenReportTarget ForFile(string path, ISourceLocationLookup? locations)
    {
        var stream = new FileStream(SafeOutputPath.ForFile(path), FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024, useAsync: true);
        var writer = new StreamWriter(stream, leaveOpen: true);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 160;
        return new OpenReportTarget(new ReportTarget(stream, console) { Locations = locations, IsFile = true }, stream, writer);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownedWriter is not null)
        {
            await _ownedWriter.FlushAsync().ConfigureAwait(false);
            await _ownedWriter.DisposeAsync().ConfigureAwait(false);
        }

        if (_ownedStream is not null)
        {
            await _ownedStream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
