using System.Globalization;
using System.Text;
using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Cli.Reports.Summary;

/// <summary>
/// <c>--format summary</c>: the fleet on one screen for people, plain text no wider than 80 columns. It has no file
/// extension of its own; with <c>-o</c> it needs <c>--format summary</c>.
/// </summary>
internal sealed class SummaryReportFormat : IReportFormat
{
    public string Name => "summary";

    public IReadOnlyList<string> FileExtensions { get; } = [];

    public IReportWriter Create(ReportTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new SummaryReportWriter(target.Stream);
    }
}

/// <summary>
/// One line per cluster (name, scan status, namespaces by status, engine); then every Unknown and Skipped cluster with
/// its reason, wrapped; then the <see cref="WorstNamespaceCount"/> namespaces with the most failing findings, ranked by
/// severity (the most critical first, then high, and so on); then the namespaces by owner; then the totals and the
/// verdict. Holds one small row per cluster, per owner and per namespace with failing findings, never the assessments.
/// </summary>
internal sealed class SummaryReportWriter : IReportWriter
{
    /// <summary>The widest line this report writes.</summary>
    public const int Width = 80;

    public const int WorstNamespaceCount = WorstNamespaces.Count;

    private const int NameWidth = 28;
    private const int StatusWidth = 8;
    private const int CountWidth = 5;
    private const string Indent = "    ";
    private const int OwnerWidth = 30;
    private const int OwnerCountWidth = 6;

    private readonly Stream _stream;
    private readonly List<string> _clusterLines = [];
    private readonly List<(string Name, ClusterScanStatus Status, string Reason)> _notScanned = [];
    private readonly WorstNamespaces _worst = new();
    private readonly OwnerRollup _owners = new();
    private ReportHeader? _header;

    public SummaryReportWriter(Stream stream)
    {
        _stream = stream;
    }

    public Task WriteHeaderAsync(ReportHeader header, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        _header = header;
        return Task.CompletedTask;
    }

    public Task WriteClusterAsync(ClusterAssessment cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var name = cluster.Cluster.Name;
        string Of(NamespaceStatus status) =>
            cluster.Status == ClusterScanStatus.Scanned ? N(cluster.Namespaces.Count(n => n.Status == status)) : "-";
        var line = new StringBuilder()
            .Append(Fit(name, NameWidth).PadRight(NameWidth)).Append(' ')
            .Append(cluster.Status.ToString().PadRight(StatusWidth))
            .Append(Of(NamespaceStatus.Compliant).PadLeft(CountWidth))
            .Append(Of(NamespaceStatus.NonCompliant).PadLeft(CountWidth))
            .Append(Of(NamespaceStatus.Unenforced).PadLeft(CountWidth))
            .Append(Of(NamespaceStatus.Exempt).PadLeft(CountWidth))
            .Append(Of(NamespaceStatus.Unknown).PadLeft(CountWidth))
            .Append("  ");
        line.Append(Fit(EngineText.Label(cluster.Engine), Width - line.Length));
        _clusterLines.Add(line.ToString());

        if (cluster.Status != ClusterScanStatus.Scanned)
        {
            _notScanned.Add((name, cluster.Status, cluster.StatusReason ?? "no reason given"));
        }

        _worst.Add(cluster);
        _owners.Add(cluster);
        return Task.CompletedTask;
    }

    public async Task WriteSummaryAsync(ScanSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var lines = new List<string>();
        if (_header is { } header)
        {
            var gate = header.FailOn is { } failOn ? $", fail on {failOn.ToString().ToLowerInvariant()}" : string.Empty;
            lines.Add(Fit($"netpolgov {header.Scan.ScannerVersion} · profile {header.Scan.Profile.ToString().ToLowerInvariant()}{gate} · source {header.Source}", Width));
        }

        lines.Add(string.Empty);
        lines.Add($"{"CLUSTER".PadRight(NameWidth)} {"STATUS".PadRight(StatusWidth)}{"COMP",CountWidth}{"NONC",CountWidth}{"UNEN",CountWidth}{"EXEM",CountWidth}{"UNKN",CountWidth}  ENGINE");
        lines.AddRange(_clusterLines);
        lines.Add("namespaces: COMP compliant, NONC noncompliant, UNEN unenforced, EXEM exempt,");
        lines.Add("            UNKN unknown; - when the cluster was not scanned");

        lines.Add(string.Empty);
        lines.Add(_notScanned.Count == 0 ? "Unknown and skipped clusters: none" : $"Unknown and skipped clusters ({N(_notScanned.Count)}):");
        foreach (var (name, status, reason) in _notScanned)
        {
            lines.Add(Fit($"  {name}  {status}", Width));
            lines.AddRange(Wrap(reason, Indent, Width));
        }

        lines.Add(string.Empty);
        var worst = _worst.Top();
        lines.Add(worst.Count == 0
            ? "Worst namespaces: none has a failing finding"
            : $"Worst namespaces (top {N(worst.Count)} by failing findings, most severe first):");
        foreach (var row in worst)
        {
            var counts = row.Counts();
            var room = Width - 2 - 2 - counts.Length;
            lines.Add($"  {Fit($"{row.Cluster}/{row.Namespace}", Math.Max(room, 12)).PadRight(Math.Max(room, 12))}  {counts}");
        }

        lines.Add(string.Empty);
        AddOwners(lines);

        lines.Add(string.Empty);
        lines.Add($"clusters: {N(summary.Clusters)} ({N(summary.ClustersScanned)} scanned, {N(summary.ClustersUnknown)} unknown, {N(summary.ClustersSkipped)} skipped)");
        lines.Add($"namespaces: {N(summary.Namespaces)}");
        lines.Add($"result: {summary.Result}");
        lines.AddRange(Wrap($"gate: {summary.Gate.Name} {summary.Gate.OutcomeName} ({summary.Gate.Reason}) (exit code {N(summary.ExitCode)})", string.Empty, Width));
        foreach (var message in summary.SinkMessages)
        {
            lines.AddRange(Wrap($"publishing: {message}", string.Empty, Width));
        }

        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(Fit(line.TrimEnd(), Width)).Append('\n');
        }

        await _stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// <c>By owner</c>: per owner (ordinal, <see cref="OwnerRollup.NoOwner"/> last) its namespaces, by status, and
    /// the clusters they are on.
    /// </summary>
    private void AddOwners(List<string> lines)
    {
        if (_owners.Count == 0)
        {
            lines.Add("By owner: no namespace was judged");
            return;
        }

        lines.Add($"By owner ({N(_owners.Count)}; namespaces by status, CLUSTERS they are on):");
        static string Count(int value) => N(value).PadLeft(OwnerCountWidth);
        lines.Add($"  {"OWNER".PadRight(OwnerWidth)}{"NS",OwnerCountWidth}{"COMP",OwnerCountWidth}{"NONC",OwnerCountWidth}{"UNEN",OwnerCountWidth}{"EXEM",OwnerCountWidth}{"UNKN",OwnerCountWidth}{"CLUSTERS",OwnerCountWidth + 3}");
        foreach (var row in _owners.Rows())
        {
            lines.Add(
                $"  {Fit(OneLine(row.Owner), OwnerWidth).PadRight(OwnerWidth)}{Count(row.Namespaces)}{Count(row.Of(NamespaceStatus.Compliant))}{Count(row.Of(NamespaceStatus.NonCompliant))}"
                + $"{Count(row.Of(NamespaceStatus.Unenforced))}{Count(row.Of(NamespaceStatus.Exempt))}{Count(row.Of(NamespaceStatus.Unknown))}{N(row.Clusters).PadLeft(OwnerCountWidth + 3)}");
        }
    }

    /// <summary>Words wrapped to <paramref name="width"/>, each line after <paramref name="indent"/>; a word longer than a line is cut.</summary>
    internal static IEnumerable<string> Wrap(string text, string indent, int width)
    {
        var room = width - indent.Length;
        var line = new StringBuilder();
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > room)
            {
                yield return indent + line;
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word.Length > room ? Fit(word, room) : word);
        }

        if (line.Length > 0)
        {
            yield return indent + line;
        }
    }

    /// <summary>The text cut to <paramref name="width"/> characters, the cut marked with an ellipsis.</summary>
    private static string Fit(string text, int width) =>
        text.Length <= width ? text : string.Concat(text.AsSpan(0, Math.Max(width - 1, 0)), "…");

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Control characters (an annotation may hold a line break) shown as spaces.</summary>
    private static string OneLine(string text) => string.Concat(text.Select(c => char.IsControl(c) ? ' ' : c));
}
