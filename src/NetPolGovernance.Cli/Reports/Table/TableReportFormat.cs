using System.Globalization;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Cli.Interaction;
using Spectre.Console;

namespace NetPolGovernance.Cli.Reports.Table;

/// <summary><c>--format table</c> (the default): Spectre tables for people, one block per cluster as it completes.</summary>
internal sealed class TableReportFormat : IReportFormat
{
    public string Name => "table";

    public IReadOnlyList<string> FileExtensions { get; } = [".txt"];

    public IReportWriter Create(ReportTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new TableReportWriter(target.Console);
    }
}

/// <summary>
/// Per cluster: a heading with status and access path; a namespace table (status, system tag, pods with derived
/// ones, policies, default deny, isolation, allow-all, dead policies); the failing findings (those the profile
/// gates on first); one line per exempt namespace with its exemption; the collector's notes. At the end, the totals
/// and the verdict.
/// </summary>
internal sealed class TableReportWriter : IReportWriter
{
    private readonly IAnsiConsole _console;

    public TableReportWriter(IAnsiConsole console)
    {
        _console = console;
    }

    public Task WriteHeaderAsync(ReportHeader header, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        var gate = header.FailOn is { } failOn ? $", fail on {failOn} and above" : string.Empty;
        _console.MarkupLine($"[bold]netpolgov[/] {header.Scan.ScannerVersion.EscapeForTerminal()} · profile [bold]{header.Scan.Profile.ToString().ToLowerInvariant()}[/]{gate.EscapeForTerminal()} · source {header.Source.EscapeForTerminal()}");
        return Task.CompletedTask;
    }

    public Task WriteClusterAsync(ClusterAssessment cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _console.WriteLine();
        var heading = $"[bold]{cluster.Cluster.Name.EscapeForTerminal()}[/] · {ClusterStatus(cluster.Status)} · via {cluster.AccessPath}";
        if (heading.RemoveMarkup().Length + 6 <= _console.Profile.Width)
        {
            _console.Write(new Rule(heading).LeftJustified());
        }
        else
        {
            // A rule would cut the name; a name too long for one line is wrapped under a bare rule instead.
            _console.Write(new Rule());
            _console.MarkupLine(heading);
        }
        if (cluster.StatusReason is { } reason)
        {
            _console.MarkupLine($"[yellow]reason:[/] {reason.EscapeForTerminal()}");
        }

        if (cluster.NetworkProfile is { } profile)
        {
            _console.MarkupLine(
                $"network plugin [bold]{Text(profile.NetworkPlugin)}[/], networkPolicy [bold]{Text(profile.NetworkPolicy)}[/], dataplane {Text(profile.NetworkDataplane)}");
        }

        _console.MarkupLine($"policy engine [bold]{EngineText.Label(cluster.Engine).EscapeMarkup()}[/] [grey]({cluster.Engine.Basis.EscapeMarkup()})[/]");

        if (cluster.Namespaces.Count > 0)
        {
            _console.Write(NamespaceTable(cluster));
            _console.MarkupLine("[grey]Deny, Allow-all: in(gress)/eg(ress). Isolated: pods isolated in/eg. sys: platform namespace. *: includes pods derived from workload templates.[/]");
        }

        var failing = cluster.ClusterFindings
            .Concat(cluster.Namespaces.SelectMany(n => n.Findings))
            .Where(f => f.Result is CheckResult.Fail or CheckResult.Unknown)
            .OrderByDescending(f => f.InProfile)
            .ThenByDescending(f => f.Severity)
            .ThenBy(f => f.Namespace, StringComparer.Ordinal)
            .ThenBy(f => f.CheckId, StringComparer.Ordinal)
            .ToList();
        if (failing.Count > 0)
        {
            _console.Write(FindingTable(failing));
        }

        if (cluster.Namespaces.Any(n => n.Runtime is { Connections: > 0 }))
        {
            _console.Write(RuntimeTable(cluster));
        }

        foreach (var ns in cluster.Namespaces.Where(n => n.Findings.Any(f => f.Result == CheckResult.Exempt)))
        {
            var exempt = ns.Findings.Where(f => f.Result == CheckResult.Exempt).ToList();
            var first = exempt[0];
            var expiry = first.ExemptionExpiresOn is { } expires ? $"expires {expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}" : "no expiry";
            _console.MarkupLine(
                $"[blue]exempt[/] {ns.Name.EscapeForTerminal()}: {(first.ExemptionReason ?? "exempt").EscapeForTerminal()} (owner {(first.ExemptionOwner ?? "unknown").EscapeForTerminal()}, {expiry}): {string.Join(" ", exempt.Select(f => f.CheckId)).EscapeForTerminal()}");
        }

        foreach (var kind in cluster.InvisibleKinds)
        {
            _console.MarkupLine($"[yellow]not visible:[/] {kind.Kind.EscapeForTerminal()}.{kind.ApiGroup.EscapeForTerminal()}: {kind.Reason.EscapeForTerminal()}");
        }

        foreach (var note in cluster.Notes)
        {
            _console.MarkupLine($"[grey]note: {note.EscapeForTerminal()}[/]");
        }

        return Task.CompletedTask;
    }

    public Task WriteSummaryAsync(ScanSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        _console.WriteLine();
        _console.Write(new Rule("[bold]Summary[/]").LeftJustified());
        _console.MarkupLine(
            $"clusters: {N(summary.Clusters)} ({N(summary.ClustersScanned)} scanned, {N(summary.ClustersUnknown)} unknown, {N(summary.ClustersSkipped)} skipped)");
        var statuses = string.Join(
            ", ",
            Enum.GetValues<NamespaceStatus>().Reverse().Select(s => $"{Count(summary.NamespacesByStatus, s)} {NamespaceStatusMarkup(s)}"));
        _console.MarkupLine($"namespaces: {N(summary.Namespaces)} ({statuses})");
        var failing = string.Join(
            ", ",
            Enum.GetValues<Severity>().Reverse().Where(s => Count(summary.FailingFindingsBySeverity, s) > 0).Select(s => $"{Count(summary.FailingFindingsBySeverity, s)} {s}"));
        _console.MarkupLine($"failing findings: {(failing.Length == 0 ? "none" : failing)}");
        foreach (var message in summary.SinkMessages)
        {
            _console.MarkupLine($"publishing: {message.EscapeForTerminal()}");
        }

        // Two verdicts: what the namespaces say, and whether the gate (which decides the exit code) passed.
        var colour = summary.Result == "compliant" ? "green" : summary.Result == "incomplete" ? "yellow" : "red";
        _console.MarkupLine($"result: [bold {colour}]{summary.Result}[/]");
        var gateColour = summary.Gate.Outcome switch { GateOutcome.Passed => "green", GateOutcome.Incomplete => "yellow", _ => "red" };
        _console.MarkupLine(
            $"gate: {summary.Gate.Name.EscapeForTerminal()} [bold {gateColour}]{summary.Gate.OutcomeName}[/] ({summary.Gate.Reason.EscapeForTerminal()}) (exit code {N(summary.ExitCode)})");
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Runtime against static (docs/flows.md): namespaces the flows touched, what they carried, and what contradicts the policies.</summary>
    private static Spectre.Console.Table RuntimeTable(ClusterAssessment cluster)
    {
        var table = new Spectre.Console.Table().Border(TableBorder.Rounded).Title("[bold]Observed flows[/]");
        table.AddColumn(new TableColumn("Namespace").NoWrap());
        table.AddColumn(new TableColumn("Conns").RightAligned());
        table.AddColumn(new TableColumn("In fwd").RightAligned());
        table.AddColumn(new TableColumn("Dropped").RightAligned());
        table.AddColumn(new TableColumn("Contradict").RightAligned());
        table.AddColumn("Policy hits");
        table.AddColumn("Unused rules");
        table.AddColumn("Allow-all used");
        table.AddColumn("Drops by owner");
        foreach (var ns in cluster.Namespaces.Where(n => n.Runtime is { Connections: > 0 }).OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            var r = ns.Runtime!;
            table.AddRow(
                ns.Name.EscapeForTerminal(),
                Num(r.Connections),
                Num(r.IngressForwarded),
                Num(r.Dropped),
                r.ContradictionCount > 0 ? $"[red]{Num(r.ContradictionCount)}[/]" : "0",
                Few(r.PolicyHits.Select(h => $"{Short(h.Policy)} {(h.Matched is { } m ? Num(m) : "-")}/{Num(h.Reported)}")),
                Few(r.UnusedRules.Select(Short)),
                Few(r.AllowAllCarryingTraffic.Select(h => Short(h.Policy))),
                Few(r.DropsByOwner.Select(d => $"{d.Owner} {Num(d.Ingress + d.Egress)}")));
        }

        table.Caption("[grey]In fwd: events forwarded at the namespace's pods' ingress. Policy hits: matched by the rules / credited by the dataplane. Contradict: forwarded although the ingress policies deny it (NPG-N13).[/]");
        return table;
    }

    private static string Few(IEnumerable<string> items)
    {
        var list = items.ToList();
        var shown = string.Join(", ", list.Take(3));
        return (list.Count > 3 ? $"{shown} +{list.Count - 3}" : list.Count == 0 ? "-" : shown).EscapeForTerminal();
    }

    private static string Short(string policy) => policy.IndexOf('/', StringComparison.Ordinal) is var slash and > 0 ? policy[(slash + 1)..] : policy;

    private static string Num(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>
    /// Fits 80 columns: every column but the namespace has a bounded width and never wraps, so when the console is
    /// narrow only the namespace name wraps (Spectre shrinks wrappable columns first).
    /// </summary>
    private static Spectre.Console.Table NamespaceTable(ClusterAssessment cluster)
    {
        var table = new Spectre.Console.Table().Border(TableBorder.Simple);
        table.AddColumn(new TableColumn("Namespace").PadLeft(0).PadRight(1));
        table.AddColumn(Fixed("Status").PadRight(1));
        table.AddColumn(Fixed("Pods").RightAligned());
        table.AddColumn(Fixed("Policies").RightAligned());
        table.AddColumn(Fixed("Deny"));
        table.AddColumn(Fixed("Isolated"));
        table.AddColumn(Fixed("Allow-all"));
        table.AddColumn(Fixed("Dead").RightAligned());
        foreach (var ns in cluster.Namespaces.OrderBy(n => n.System).ThenBy(n => n.Name, StringComparer.Ordinal))
        {
            var name = ns.Name.EscapeForTerminal() + (ns.System ? " [grey]sys[/]" : string.Empty);
            var pods = N(ns.PodCount) + (ns.DerivedPods.Count > 0 ? "[grey]*[/]" : string.Empty);
            var policies = ns.HasPolicy ? N(ns.PolicyNames.Count) : ns.HasAnyPolicy ? $"{N(ns.PolicyNames.Count)} [grey]CRD[/]" : "[red]0[/]";
            var isolated = $"{N(ns.IngressIsolatedPods.Count)}/{N(ns.EgressIsolatedPods.Count)}";
            var dead = ns.DeadPolicies.Count > 0 ? $"[yellow]{N(ns.DeadPolicies.Count)}[/]" : "-";
            table.AddRow(
                name,
                NamespaceStatusMarkup(ns.Status),
                pods,
                policies,
                Directions(ns.DefaultDenyIngress, ns.DefaultDenyEgress, "green", "none"),
                isolated,
                Directions(ns.AllowAllIngress, ns.AllowAllEgress, "red", "-"),
                dead);
        }

        return table;
    }

    /// <summary>
    /// Fits 80 columns: severity, check and gate never wrap; the finding text wraps first, then the namespace,
    /// word by word (an identifier longer than its column is cut between characters, never dropped).
    /// </summary>
    private static Spectre.Console.Table FindingTable(IReadOnlyList<Finding> findings)
    {
        var table = new Spectre.Console.Table().Border(TableBorder.Simple);
        table.AddColumn(Fixed("Severity").PadLeft(0).PadRight(1));
        table.AddColumn(Fixed("Check").PadRight(1));
        table.AddColumn(Fixed("Gate").PadRight(1));
        table.AddColumn(new TableColumn("Namespace").PadLeft(0).PadRight(1));
        table.AddColumn(new TableColumn("Finding").PadLeft(0).PadRight(0));
        foreach (var finding in findings)
        {
            var severity = finding.Result == CheckResult.Unknown ? "[yellow]Unknown[/]" : SeverityMarkup(finding.Severity);
            table.AddRow(
                severity,
                finding.CheckId.EscapeForTerminal(),
                finding.InProfile ? "[bold]gate[/]" : "[grey]info[/]",
                (finding.Namespace ?? "(cluster)").EscapeForTerminal(),
                finding.Message.EscapeForTerminal());
        }

        return table;
    }

    /// <summary>A short column that never wraps, one space (the border's cell separator) from the next.</summary>
    private static TableColumn Fixed(string header) => new TableColumn(header).NoWrap().PadLeft(0).PadRight(0);

    private static string ClusterStatus(ClusterScanStatus status) => status switch
    {
        ClusterScanStatus.Scanned => "[green]Scanned[/]",
        ClusterScanStatus.Unknown => "[yellow]Unknown[/]",
        _ => "[grey]Skipped[/]",
    };

    private static string NamespaceStatusMarkup(NamespaceStatus status) => status switch
    {
        NamespaceStatus.Compliant => "[green]Compliant[/]",
        NamespaceStatus.NonCompliant => "[red]NonCompliant[/]",
        NamespaceStatus.Unenforced => "[darkorange]Unenforced[/]",
        NamespaceStatus.Exempt => "[blue]Exempt[/]",
        _ => "[yellow]Unknown[/]",
    };

    private static string SeverityMarkup(Severity severity) => severity switch
    {
        Severity.Critical => "[bold red]Critical[/]",
        Severity.High => "[red]High[/]",
        Severity.Medium => "[darkorange]Medium[/]",
        Severity.Low => "[yellow]Low[/]",
        _ => "Info",
    };

    private static string Directions(bool ingress, bool egress, string colour, string none) => (ingress, egress) switch
    {
        (true, true) => $"[{colour}]in+eg[/]",
        (true, false) => $"[{colour}]in[/]",
        (false, true) => $"[{colour}]eg[/]",
        _ => $"[grey]{none}[/]",
    };

    private static string Text(string? value) => (value ?? "unknown").EscapeForTerminal();

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int Count<TKey>(IReadOnlyDictionary<TKey, int> counts, TKey key)
        where TKey : notnull =>
        counts.TryGetValue(key, out var count) ? count : 0;
}
