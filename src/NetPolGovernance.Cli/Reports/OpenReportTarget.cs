using NetPolGovernance.Cli.Scanning;
using NetPolGovernance.Connectors.Output;
using Spectre.Console;

namespace NetPolGovernance.Cli.Reports;

/// <summary>
/// A report target and the file it owns (when <c>-o FILE</c>). A file report is written to a temporary file beside
/// <c>FILE</c> and renamed over it only by <see cref="CommitAsync"/>, so an interrupted or failed run never leaves a
/// truncated report (an existing <c>FILE</c> is left as it was); disposing without committing deletes the temporary file.
/// </summary>
internal sealed class OpenReportTarget : IAsyncDisposable
{
    private readonly Stream? _ownedStream;
    private readonly StreamWriter? _ownedWriter;
    private readonly string? _temporaryPath;
    private bool _closed;

    public OpenReportTarget(ReportTarget target, Stream? ownedStream, StreamWriter? ownedWriter = null, string? path = null, string? temporaryPath = null)
    {
        Target = target;
        _ownedStream = ownedStream;
        _ownedWriter = ownedWriter;
        Path = path;
        _temporaryPath = temporaryPath;
    }

    public ReportTarget Target { get; }

    /// <summary>The report file, or null for stdout.</summary>
    public string? Path { get; }

    /// <summary>
    /// Opens a temporary file beside <paramref name="path"/> (checked by <see cref="SafeOutputPath.ForFile"/> first);
    /// human formats get a colourless console over it, as wide as a report off a terminal (<see cref="ReportWidth"/>).
    /// </summary>
    public static OpenReportTarget ForFile(string path, ISourceLocationLookup? locations)
    {
        var full = SafeOutputPath.ForFile(path);
        var temporary = System.IO.Path.Combine(
            System.IO.Path.GetDirectoryName(full) ?? ".",
            $".{System.IO.Path.GetFileName(full)}.{Environment.ProcessId}.partial");
        var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024, useAsync: true);
        var writer = new StreamWriter(stream, leaveOpen: true);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(new TrailingSpaceTrimmingWriter(writer)),
        });
        console.Profile.Width = ReportWidth.ForRedirectedOutput(Environment.GetEnvironmentVariable("COLUMNS"));
        return new OpenReportTarget(new ReportTarget(stream, console) { Locations = locations, IsFile = true }, stream, writer, path, temporary);
    }

    /// <summary>Flushes the report and puts it in place (an atomic rename on the same file system).</summary>
    public async Task CommitAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        if (_temporaryPath is not null && Path is not null)
        {
            File.Move(_temporaryPath, Path, overwrite: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        if (_temporaryPath is not null && File.Exists(_temporaryPath))
        {
            File.Delete(_temporaryPath);
        }
    }

    private async Task CloseAsync()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
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
