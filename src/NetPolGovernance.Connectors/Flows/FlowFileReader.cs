using System.Globalization;
using System.Text.Json;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Connectors.Manifests;

namespace NetPolGovernance.Connectors.Flows;

/// <summary>
/// Reads Hubble JSON-lines flow files (<c>--flows FILE...</c>) into a <see cref="FlowAggregator"/>, one line at a time:
/// memory grows with the distinct connections, not with the lines. A bad line is counted and the first few are
/// quoted with their file and line; the rest of the file is still read. A file with no flow at all, a missing file,
/// a directory or a device is an <see cref="InputFileException"/> naming the file.
/// </summary>
public static class FlowFileReader
{
    /// <summary>Lines longer than this are skipped as bad: no Hubble flow comes near it.</summary>
    public const int MaxLineBytes = 1024 * 1024;

    /// <summary>How many bad lines are quoted; the others are only counted.</summary>
    public const int QuotedProblems = 5;

    private static readonly JsonDocumentOptions s_json = new() { MaxDepth = 32 };

    public static async Task<FlowFileSummary> ReadAsync(IReadOnlyList<string> paths, IFlowSink into, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(into);
        var summary = new FlowFileSummary();
        foreach (var path in paths)
        {
            await ReadFileAsync(path, into, summary, cancellationToken).ConfigureAwait(false);
        }

        return summary;
    }

    private static async Task ReadFileAsync(string path, IFlowSink into, FlowFileSummary summary, CancellationToken cancellationToken)
    {
        FileStream stream;
        long length;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo target)
            {
                info = target;
            }

            if (!info.Exists)
            {
                throw new InputFileException(path, null, null, Directory.Exists(path) ? "is a directory; give flow files" : "no such file");
            }

            // FIFOs and devices report a length of 0, as an empty file does; none of them is opened, so a FIFO
            // named flows.json cannot hang the read and /dev/zero cannot feed it forever.
            if (info.Length == 0)
            {
                throw new InputFileException(path, null, null, "is empty or not a regular file (a FIFO or a device); give Hubble JSON-lines flow files");
            }

            length = info.Length;
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputFileException(path, null, null, $"cannot read the flows: {ex.Message}", ex);
        }

        var flowsBefore = summary.Flows;
        await using (stream.ConfigureAwait(false))
        {
            using var lines = new JsonLineReader(stream, MaxLineBytes, length);
            while (true)
            {
                LineRead read;
                try
                {
                    read = await lines.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    throw new InputFileException(path, (int)Math.Min(int.MaxValue, lines.LineNumber + 1), null, $"cannot read the flows: {ex.Message}", ex);
                }

                if (read.End)
                {
                    break;
                }

                summary.Lines++;
                if (read.TooLong)
                {
                    summary.Bad(path, lines.LineNumber, $"line longer than {MaxLineBytes / 1024} KiB skipped");
                    continue;
                }

                if (read.Line.IsEmpty || IsBlank(read.Line.Span))
                {
                    continue;
                }

                try
                {
                    using var document = JsonDocument.Parse(read.Line, s_json);
                    if (HubbleFlowDecoder.Decode(document.RootElement) is { } flow)
                    {
                        into.Add(flow);
                        summary.Flows++;
                    }
                    else
                    {
                        summary.NotFlows++;
                    }
                }
                catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
                {
                    summary.Bad(path, lines.LineNumber, ex is JsonException ? "not valid JSON" : ex.Message);
                }
            }
        }

        if (summary.Flows == flowsBefore)
        {
            throw new InputFileException(path, null, null, summary.BadLines > 0
                ? $"no readable flow (first problem: {summary.Problems[0]})"
                : "no flow in the file (expected Hubble JSON lines, e.g. from `hubble observe -o json`)");
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>What reading flow files gave: lines, flows, lines that were not flows, and the bad lines (the first quoted).</summary>
public sealed class FlowFileSummary
{
    private readonly List<string> _problems = [];

    public long Lines { get; internal set; }

    public long Flows { get; internal set; }

    /// <summary>Valid JSON lines of other kinds (node status, lost events).</summary>
    public long NotFlows { get; internal set; }

    public long BadLines { get; private set; }

    /// <summary>The first <see cref="FlowFileReader.QuotedProblems"/> bad lines, <c>file:line: problem</c>.</summary>
    public IReadOnlyList<string> Problems => _problems;

    internal void Bad(string path, long line, string problem)
    {
        BadLines++;
        if (_problems.Count < FlowFileReader.QuotedProblems)
        {
            _problems.Add(string.Create(CultureInfo.InvariantCulture, $"{path}:{line}: {problem}"));
        }
    }
}
