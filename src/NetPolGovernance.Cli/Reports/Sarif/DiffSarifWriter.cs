using System.Text;
using System.Text.Json;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Diff;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Connectors.Scanning;

namespace NetPolGovernance.Cli.Reports.Sarif;

/// <summary>
/// <c>diff --format sarif</c>: SARIF 2.1.0 of what the head changed, for code scanning on a pull request. Results:
/// each connection the head opens (<see cref="OpenedRule"/>, <c>error</c> when it crosses a namespace, the gate's
/// rule, else <c>warning</c>), each it closes (<see cref="ClosedRule"/>, <c>note</c>: it may break an application),
/// and each failing finding the head adds (its check's rule and severity). Findings the head fixes are not results:
/// code scanning closes them by their absence. Every result points into the head's files (the changed policy that
/// selects the pod, else the pod's manifest, else the first head path).
/// </summary>
internal static class DiffSarifWriter
{
    public const string OpenedRule = "NPG-DIFF-OPENED";
    public const string ClosedRule = "NPG-DIFF-CLOSED";

    public static string Write(DiffReport report, string fallbackFile, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
            writer.WriteString("version", "2.1.0");
            writer.WriteStartArray("runs");
            writer.WriteStartObject();
            writer.WriteStartObject("automationDetails");
            writer.WriteString("id", "netpolgov/diff/");
            writer.WriteEndObject();
            writer.WriteStartArray("results");
            var rules = new SortedDictionary<string, (string Title, string Level, Severity Severity)>(StringComparer.Ordinal);
            foreach (var connection in report.Opened)
            {
                var beyond = CrossesNamespace(connection);
                var level = beyond ? "error" : "warning";
                rules.TryAdd(OpenedRule, ("The head opens a connection the base denies", "warning", Severity.High));
                Result(writer, OpenedRule, level, $"opens {connection.From} -> {connection.To} {connection.Traffic}{(beyond ? " (from outside the destination's namespace: the diff gate fails)" : string.Empty)}. Before: {connection.Before ?? "denied"}. After: {connection.After ?? "allowed"}.", connection.Location, fallbackFile, baseDirectory, Fingerprint("opened", connection));
            }

            foreach (var connection in report.Closed)
            {
                rules.TryAdd(ClosedRule, ("The head closes a connection the base allows", "note", Severity.Low));
                Result(writer, ClosedRule, "note", $"closes {connection.From} -> {connection.To} {connection.Traffic}. Before: {connection.Before ?? "allowed"}. After: {connection.After ?? "denied"}.", connection.Location, fallbackFile, baseDirectory, Fingerprint("closed", connection));
            }

            foreach (var finding in report.FindingsAdded)
            {
                rules.TryAdd(finding.CheckId, (finding.Title, SarifConventions.Level(finding.Severity), finding.Severity));
                Result(writer, finding.CheckId, SarifConventions.Level(finding.Severity), $"{finding.Namespace ?? "(cluster)"}: {finding.Title} (added by the head)", finding.Location, fallbackFile, baseDirectory, $"finding|{finding.CheckId}|{finding.Namespace}");
            }

            writer.WriteEndArray();
            Tool(writer, rules);
            writer.WriteStartArray("invocations");
            writer.WriteStartObject();
            writer.WriteBoolean("executionSuccessful", true);
            writer.WriteNumber("exitCode", PolicyDiff.OpensBeyondNamespace(report) ? ExitCodes.NonCompliant : ExitCodes.Compliant);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static bool CrossesNamespace(DiffConnection connection) =>
        !string.Equals(connection.From.Split('/', 2)[0], connection.To.Split('/', 2)[0], StringComparison.Ordinal);

    private static string Fingerprint(string kind, DiffConnection connection) => $"{kind}|{connection.From}|{connection.To}|{connection.Traffic}";

    private static void Result(Utf8JsonWriter writer, string ruleId, string level, string message, SourceLocation? location, string fallbackFile, string baseDirectory, string fingerprint)
    {
        writer.WriteStartObject();
        writer.WriteString("ruleId", ruleId);
        writer.WriteString("level", level);
        writer.WriteStartObject("message");
        writer.WriteString("text", message);
        writer.WriteEndObject();
        writer.WriteStartArray("locations");
        writer.WriteStartObject();
        writer.WriteStartObject("physicalLocation");
        writer.WriteStartObject("artifactLocation");
        writer.WriteString("uri", SarifConventions.ArtifactUri(location?.File ?? fallbackFile, baseDirectory));
        writer.WriteEndObject();
        writer.WriteStartObject("region");
        writer.WriteNumber("startLine", Math.Max(1, location?.Line ?? 1));
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteStartObject("partialFingerprints");
        writer.WriteString("netpolgovDiff/v1", fingerprint);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void Tool(Utf8JsonWriter writer, SortedDictionary<string, (string Title, string Level, Severity Severity)> rules)
    {
        writer.WriteStartObject("tool");
        writer.WriteStartObject("driver");
        writer.WriteString("name", "netpolgov");
        writer.WriteString("semanticVersion", ScannerBuild.Version);
        writer.WriteString("informationUri", SarifConventions.InformationUri);
        writer.WriteStartArray("rules");
        foreach (var (id, rule) in rules)
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteStartObject("shortDescription");
            writer.WriteString("text", rule.Title);
            writer.WriteEndObject();
            writer.WriteStartObject("defaultConfiguration");
            writer.WriteString("level", rule.Level);
            writer.WriteEndObject();
            writer.WriteStartObject("properties");
            writer.WriteString("security-severity", SarifConventions.SecuritySeverity(rule.Severity));
            writer.WriteStartArray("tags");
            writer.WriteStringValue("security");
            writer.WriteStringValue("kubernetes");
            writer.WriteStringValue("network-policy");
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
