using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Reachability;
using NetPolGovernance.Analysis.Remediation;

namespace NetPolGovernance.Analysis.Diff;

/// <summary>
/// The semantic delta between two policy sets over the same workloads (docs/diff.md): the head's pods and namespaces
/// are judged once with the base's policy objects and once with the head's, and every connection between them that
/// changes is listed as <c>opened</c> (denied by the base, allowed by the head) or <c>closed</c> (the reverse), per
/// destination port, with what decides it before and after. Besides connections: each namespace's compliance before
/// and after, and the findings the head adds or fixes. Renaming a policy without changing it diffs empty. Pure.
/// </summary>
public static class PolicyDiff
{
    public static DiffReport Compute(ClusterSnapshot baseSnapshot, ClusterSnapshot headSnapshot, AnalysisOptions options)
    {
        ArgumentNullException.ThrowIfNull(baseSnapshot);
        ArgumentNullException.ThrowIfNull(headSnapshot);
        ArgumentNullException.ThrowIfNull(options);
        var before = headSnapshot with
        {
            NetworkPolicies = baseSnapshot.NetworkPolicies,
            CiliumPolicies = baseSnapshot.CiliumPolicies,
            CalicoPolicies = baseSnapshot.CalicoPolicies,
            AdminPolicies = baseSnapshot.AdminPolicies,
        };
        var beforeEngine = new ReachabilityEngine(before);
        var afterEngine = new ReachabilityEngine(headSnapshot);
        var everyNamespace = headSnapshot.Pods.Select(p => p.Namespace).ToHashSet(StringComparer.Ordinal);
        var impact = ImpactPreview.Compute(beforeEngine, afterEngine, everyNamespace);
        var external = ImpactPreview.ComputeExternal(
            beforeEngine,
            afterEngine,
            ImpactPreview.ExternalAddresses(baseSnapshot.NetworkPolicies.Concat(headSnapshot.NetworkPolicies)));
        var locate = new ChangeLocator(baseSnapshot, headSnapshot);
        var opened = impact.Opened.Concat(external.Opened)
            .Select(c => Connection(c.From, c.To, c.Traffic, beforeEngine, afterEngine) with { Location = locate.For(c.From, c.To) })
            .ToList();
        var closed = impact.Lost.Concat(external.Lost)
            .Select(c => Connection(c.From, c.To, c.Traffic, beforeEngine, afterEngine) with { Location = locate.For(c.From, c.To) })
            .ToList();

        var was = SnapshotAnalyzer.Analyze(before, options);
        var now = SnapshotAnalyzer.Analyze(headSnapshot, options);
        var statuses = was.Namespaces.ToDictionary(n => n.Name, n => n.Status, StringComparer.Ordinal);
        var changes = now.Namespaces
            .Where(n => statuses.TryGetValue(n.Name, out var old) && old != n.Status)
            .Select(n => new ComplianceChange(n.Name, statuses[n.Name], n.Status))
            .OrderBy(c => c.Namespace, StringComparer.Ordinal)
            .ToList();
        var beforeFindings = Failing(was).ToHashSet();
        var afterFindings = Failing(now).ToHashSet();
        var added = afterFindings.Except(beforeFindings)
            .Select(f => f with { Location = FindingLocation(now, headSnapshot, f) })
            .OrderBy(f => f.CheckId, StringComparer.Ordinal)
            .ThenBy(f => f.Namespace, StringComparer.Ordinal);
        return new DiffReport
        {
            Opened = opened,
            Closed = closed,
            ComplianceChanges = changes,
            FindingsAdded = [.. added],
            FindingsFixed = [.. beforeFindings.Except(afterFindings).OrderBy(f => f.CheckId, StringComparer.Ordinal).ThenBy(f => f.Namespace, StringComparer.Ordinal)],
        };
    }

    /// <summary>
    /// The documented gate (docs/diff.md): the head opens something exposed beyond its namespace, that is a connection
    /// whose source is in another namespace than its destination.
    /// </summary>
    public static bool OpensBeyondNamespace(DiffReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Opened.Any(c => !string.Equals(NamespaceOf(c.From), NamespaceOf(c.To), StringComparison.Ordinal));
    }

    private static IEnumerable<DiffFinding> Failing(ClusterAssessment assessment) =>
        assessment.Namespaces.SelectMany(n => n.Findings).Concat(assessment.ClusterFindings)
            .Where(f => f.Result == CheckResult.Fail && f.InProfile)
            .Select(f => new DiffFinding(f.CheckId, f.Namespace, f.Severity, f.Title));

    private static string NamespaceOf(string endpoint) => endpoint.Split('/', 2)[0];

    /// <summary>Where a head finding points: its own location, else its namespace's manifest, else the first pod's in it.</summary>
    private static SourceLocation? FindingLocation(ClusterAssessment head, ClusterSnapshot snapshot, DiffFinding finding) =>
        head.Namespaces.SelectMany(n => n.Findings).Concat(head.ClusterFindings)
            .FirstOrDefault(f => f.CheckId == finding.CheckId && f.Namespace == finding.Namespace && f.Location is not null)?.Location
        ?? snapshot.Namespaces.FirstOrDefault(n => n.Name == finding.Namespace)?.Source
        ?? snapshot.Pods.FirstOrDefault(p => p.Namespace == finding.Namespace && p.Source is not null)?.Source;

    private static DiffConnection Connection(string from, string to, string traffic, ReachabilityEngine before, ReachabilityEngine after)
    {
        var (protocol, port) = FirstPort(traffic);
        string? was = null;
        string? now = null;
        if (port is { } p
            && ReachabilityEndpoint.TryParse(from, out var source, out _)
            && ReachabilityEndpoint.TryParse(to, out var destination, out _))
        {
            var query = new ReachabilityQuery(source, destination, protocol, p);
            was = before.Evaluate(query).Explanation;
            now = after.Evaluate(query).Explanation;
        }

        return new DiffConnection(from, to, traffic, was, now);
    }

    /// <summary>The first port of a traffic text such as <c>8080/TCP (http)</c> or <c>TCP 1-65535, UDP 53</c>.</summary>
    private static (TransportProtocol Protocol, int? Port) FirstPort(string traffic)
    {
        var text = traffic.StartsWith("undeclared ports: ", StringComparison.Ordinal) ? traffic["undeclared ports: ".Length..] : traffic;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && int.TryParse(text.AsSpan(0, slash), System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            var end = text.IndexOfAny([' ', ','], slash);
            var name = end < 0 ? text[(slash + 1)..] : text[(slash + 1)..end];
            return TransportProtocols.TryParse(name, out var protocol) ? (protocol, number) : (TransportProtocol.Tcp, number);
        }

        foreach (var protocol in TransportProtocols.All)
        {
            var name = protocol.ToKubernetes() + " ";
            var at = text.IndexOf(name, StringComparison.Ordinal);
            if (at >= 0)
            {
                var digits = new string([.. text[(at + name.Length)..].TakeWhile(char.IsAsciiDigit)]);
                if (int.TryParse(digits, System.Globalization.CultureInfo.InvariantCulture, out var first))
                {
                    return (protocol, first);
                }
            }
        }

        // "any port": every port changes alike, so the first one stands for them.
        return text.StartsWith("any port", StringComparison.Ordinal) ? (TransportProtocol.Tcp, PortSet.MinPort) : (TransportProtocol.Tcp, null);
    }
}

/// <summary>What <see cref="PolicyDiff.Compute"/> found.</summary>
public sealed record DiffReport
{
    public IReadOnlyList<DiffConnection> Opened { get; init; } = [];

    public IReadOnlyList<DiffConnection> Closed { get; init; } = [];

    public IReadOnlyList<ComplianceChange> ComplianceChanges { get; init; } = [];

    public IReadOnlyList<DiffFinding> FindingsAdded { get; init; } = [];

    public IReadOnlyList<DiffFinding> FindingsFixed { get; init; } = [];

    public bool IsEmpty => Opened.Count == 0 && Closed.Count == 0 && ComplianceChanges.Count == 0 && FindingsAdded.Count == 0 && FindingsFixed.Count == 0;
}

/// <summary>
/// One connection that changes: from and to (<c>ns/pod</c>, as the report names pods), the traffic (a destination
/// port, or a port set), and what decides it before and after (the reachability explanation on its first port).
/// <para>An address outside the cluster is written <c>ip:ADDRESS</c> and stands for the range around it that the
/// policies treat alike (docs/diff.md).</para>
/// </summary>
public sealed record DiffConnection(string From, string To, string Traffic, string? Before, string? After)
{
    /// <summary>
    /// Where in the head's files the change is: the head policy added or changed that selects the destination (or,
    /// for egress, the source), else the pod's own manifest; null when the head has no file for it.
    /// </summary>
    public SourceLocation? Location { get; init; }
}

/// <summary>A namespace whose compliance differs between base and head.</summary>
public sealed record ComplianceChange(string Namespace, NamespaceStatus Before, NamespaceStatus After);

/// <summary>A failing in-profile finding present on one side only.</summary>
public sealed record DiffFinding(string CheckId, string? Namespace, Severity Severity, string Title)
{
    /// <summary>Where the head's files show it (findings added only); null when unknown.</summary>
    public SourceLocation? Location { get; init; }
}
