using System.Globalization;
using NetPolGovernance.Analysis.Assessment;
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
/// ones, policies, default deny, isolation, allow-all, dead policies, failing checks); the failing and exempt
/// findings; the collector's notes. At the end, the totals and the verdict.
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
        _console.MarkupLine($"[bold]netpolgov[/] {header.Scan.ScannerVersion.EscapeMarkup()} · profile [bold]{header.Scan.Profile.ToString().ToLowerInvariant()}[/]{gate.EscapeMarkup()} · source {header.Source.EscapeMarkup()}");
        return Task.CompletedTask;
    }

    public Task WriteClusterAsync(ClusterAssessment cluster, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _console.WriteLine();
        _console.Write(new Rule($"[bold]{cluster.Cluster.Name.EscapeMarkup()}[/] · {ClusterStatus(cluster.Status)} · via {cluster.AccessPath}").LeftJustified());
        if (cluster.StatusReason is { } reason)
        {
            _console.MarkupLine($"[yellow]reason:[/] {reason.EscapeMarkup()}");
        }

        if (cluster.NetworkProfile is { } profile)
        {
            _console.MarkupLine(
                $"network plugin [bold]{Text(profile.NetworkPlugin)}[/], policy engine [bold]{Text(profile.NetworkPolicy)}[/], dataplane {Text(profile.NetworkDataplane)}");
        }

        if (cluster.Namespaces.Count > 0)
        {
            _console.Write(NamespaceTable(cluster));
        }

        var findings = cluster.ClusterFindings
            .Concat(cluster.Namespaces.SelectMany(n => n.Findings))
            .Where(f => f.Result is CheckResult.Fail or CheckResult.Exempt or CheckResult.Unknown)
            .OrderByDescending(f => f.Result == CheckResult.Fail)
            .ThenByDescending(f => f.Severity)
            .ThenBy(f => f.Namespace, StringComparer.Ordinal)
            .ThenBy(f => f.CheckId, StringComparer.Ordinal)
            .ToList();
        if (findings.Count > 0)
        {
            _console.Write(FindingTable(findings));
        }

        foreach (var kind in cluster.InvisibleKinds)
        {
            _console.MarkupLine($"[yellow]not visible:[/] {kind.Kind.EscapeMarkup()}.{kind.ApiGroup.EscapeMarkup()}: {kind.Reason.EscapeMarkup()}");
        }

        foreach (var note in cluster.Notes)
        {
            _console.MarkupLine($"[grey]note: {note.EscapeMarkup()}[/]");
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
            _console.MarkupLine($"publishing: {message.EscapeMarkup()}");
        }

        var colour = summary.ExitCode == ExitCodes.Compliant ? "green" : "red";
        _console.MarkupLine($"result: [bold {colour}]{summary.Result}[/] (exit code {N(summary.ExitCode)})");
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static Spectre.Console.Table NamespaceTable(ClusterAssessment cluster)
    {
        var table = new Spectre.Console.Table().Border(TableBorder.Rounded);
        table.AddColumn("Namespace");
        table.AddColumn("Status");
        table.AddColumn(new TableColumn("Pods").RightAligned());
        table.AddColumn(new TableColumn("Policies").RightAligned());
        table.AddColumn("Default deny");
        table.AddColumn("Isolated in/eg");
        table.AddColumn("Allow-all");
        table.AddColumn("Dead");
        table.AddColumn("Failing checks");
        foreach (var ns in cluster.Namespaces.OrderBy(n => n.System).ThenBy(n => n.Name, StringComparer.Ordinal))
        {
            var name = ns.Name.EscapeMarkup() + (ns.System ? " [grey](system)[/]" : string.Empty);
            var pods = N(ns.PodCount) + (ns.DerivedPods.Count > 0 ? $" [grey]({N(ns.DerivedPods.Count)} derived)[/]" : string.Empty);
            var policies = ns.HasPolicy ? N(ns.PolicyNames.Count) : ns.HasAnyPolicy ? $"{N(ns.PolicyNames.Count)} [grey](CRD)[/]" : "[red]0[/]";
            var deny = $"{YesNo(ns.DefaultDenyIngress, "in")} {YesNo(ns.DefaultDenyEgress, "eg")}";
            var isolated = $"{N(ns.IngressIsolatedPods.Count)}/{N(ns.EgressIsolatedPods.Count)} of {N(ns.PodCount)}";
            var allowAll = ns.AllowAllIngress || ns.AllowAllEgress
                ? $"[red]{string.Join(' ', new[] { ns.AllowAllIngress ? "in" : null, ns.AllowAllEgress ? "eg" : null }.OfType<string>())}[/]"
                : "-";
            var dead = ns.DeadPolicies.Count > 0 ? $"[yellow]{string.Join(", ", ns.DeadPolicies).EscapeMarkup()}[/]" : "-";
            var failing = string.Join(" ", ns.Findings.Where(f => f.Result == CheckResult.Fail).Select(f => f.CheckId).Distinct());
            table.AddRow(name, NamespaceStatusMarkup(ns.Status), pods, policies, deny, isolated, allowAll, dead, failing.Length == 0 ? "-" : failing.EscapeMarkup());
        }

        return table;
    }

    private static Spectre.Console.Table FindingTable(IReadOnlyList<Finding> findings)
    {
        var table = new Spectre.Console.Table().Border(TableBorder.Simple);
        table.AddColumn("Result");
        table.AddColumn("Severity");
        table.AddColumn("Check");
        table.AddColumn("Namespace");
        table.AddColumn("Message");
        foreach (var finding in findings)
        {
            var result = finding.Result switch
            {
                CheckResult.Fail => "[red]Fail[/]",
                CheckResult.Exempt => "[blue]Exempt[/]",
                _ => "[yellow]Unknown[/]",
            };
            var message = finding.Message;
            if (finding.Result == CheckResult.Exempt && finding.ExemptionReason is { } reason)
            {
                message += $" (exempt: {reason}{(finding.ExemptionOwner is { } owner ? $", owner {owner}" : string.Empty)})";
            }

            table.AddRow(result, SeverityMarkup(finding.Severity), finding.CheckId.EscapeMarkup(), (finding.Namespace ?? "(cluster)").EscapeMarkup(), message.EscapeMarkup());
        }

        return table;
    }

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

    private static string YesNo(bool value, string label) => value ? $"[green]{label}[/]" : $"[grey]no-{label}[/]";

    private static string Text(string? value) => (value ?? "unknown").EscapeMarkup();

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int Count<TKey>(IReadOnlyDictionary<TKey, int> counts, TKey key)
        where TKey : notnull =>
        counts.TryGetValue(key, out var count) ? count : 0;
}
