using System.Globalization;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Bench.Harness;
using NetPolGovernance.Connectors.LogAnalytics;
using NetPolGovernance.Connectors.Publishing;
using NetPolGovernance.Testing.LogAnalytics;

namespace NetPolGovernance.Bench.LogAnalytics;

/// <summary>
/// Publishing cost on one core: map + serialize (source-generated JSON) + batch (≤ 1 MiB) + gzip, in rows per second
/// (target: ≥ 50,000 rows/s), bytes per row for each table, and the monthly Log Analytics volume of a
/// fleet of 10,000 clusters × 50 namespaces scanned every 6 hours (README "Cost").
/// </summary>
internal static class LogAnalyticsBenchmark
{
    public const double TargetRowsPerSecond = 50_000;

    // Fleet of the cost estimate, and the finding mix it assumes (half the namespaces fail two checks).
    private const int FleetClusters = 10_000;
    private const int NamespacesPerCluster = 50;
    private const int ScansPerMonth = 4 * 30;
    private const double FindingRowsPerNamespace = 1.0;
    private const double BilledFraction = 0.75; // billed size is ~25% below the incoming JSON (limits.md LI-17)
    private const double PricePerGb = 2.30; // Analytics logs, pay-as-you-go (limits.md LI-18; check the region)
    private const double FreeGbPerMonth = 5;

    public static int Run(bool smoke, TextWriter output)
    {
        var (clusters, warmup, iterations) = smoke ? (2, 1, 3) : (200, 2, 9);
        var scan = SampleAssessments.Scan("bench");
        var assessments = Enumerable.Range(0, clusters)
            .Select(i => SampleAssessments.Cluster("aks-" + i.ToString("D5", CultureInfo.InvariantCulture), NamespacesPerCluster, findingsPerFailingNamespace: 2))
            .ToArray();
        var rows = assessments.Sum(a => AssessmentRowMapper.Map(scan, a).Count);

        var pipeline = StopwatchHarness.Measure(
            $"map+serialize+batch+gzip {rows} rows",
            () => Publish(scan, assessments),
            warmup,
            iterations);
        var serializeOnly = StopwatchHarness.Measure(
            $"map+serialize {rows} rows",
            () => Serialize(scan, assessments),
            warmup,
            iterations);

        StopwatchHarness.PrintTable(
            output,
            "Log Analytics publishing (single thread, no network)",
            [(pipeline, smoke ? "smoke" : $">= {TargetRowsPerSecond:N0} rows/s"), (serializeOnly, string.Empty)]);
        var rowsPerSecond = rows / (pipeline.MedianCpuMs / 1000.0);
        var wallRowsPerSecond = rows / (pipeline.MedianMs / 1000.0);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"throughput: {rowsPerSecond:N0} rows/s by CPU time, {wallRowsPerSecond:N0} rows/s by wall time"));

        var sizes = MeasureSizes(scan, assessments);
        output.WriteLine();
        output.WriteLine($"{"table",-24} {"rows",8} {"JSON B/row",11} {"gzip B/row",11}");
        foreach (var size in sizes)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{size.Table,-24} {size.Rows,8} {size.JsonBytesPerRow,11:F0} {size.GzipBytesPerRow,11:F0}"));
        }

        PrintMonthlyEstimate(output, sizes);
        if (!smoke && rowsPerSecond < TargetRowsPerSecond)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MISSED TARGET: {rowsPerSecond:N0} rows/s < {TargetRowsPerSecond:N0}"));
        }

        return rows > 0 ? 0 : 1;
    }

    private static void Publish(ScanContext scan, IReadOnlyList<ClusterAssessment> assessments)
    {
        var byTable = LogAnalyticsSchema.Tables.ToDictionary(t => t.Name, _ => new List<byte[]>());
        foreach (var assessment in assessments)
        {
            foreach (var table in RowSerializer.Serialize(AssessmentRowMapper.Map(scan, assessment)))
            {
                byTable[table.Table.Name].AddRange(table.Rows);
            }
        }

        foreach (var rows in byTable.Values)
        {
            foreach (var batch in RowBatcher.Batch(rows))
            {
                _ = batch.ToGzipJson();
            }
        }
    }

    private static void Serialize(ScanContext scan, IReadOnlyList<ClusterAssessment> assessments)
    {
        foreach (var assessment in assessments)
        {
            _ = RowSerializer.Serialize(AssessmentRowMapper.Map(scan, assessment));
        }
    }

    private static List<TableSize> MeasureSizes(ScanContext scan, IReadOnlyList<ClusterAssessment> assessments)
    {
        var sizes = new List<TableSize>();
        foreach (var table in LogAnalyticsSchema.Tables)
        {
            var rows = assessments.SelectMany(a => RowSerializer.Serialize(AssessmentRowMapper.Map(scan, a)).Single(t => t.Table == table).Rows).ToArray();
            if (rows.Length == 0)
            {
                // NetPolFlows_CL: the sample assessments read no flows, so the table gets no rows (and no estimate).
                continue;
            }

            var gzip = RowBatcher.Batch(rows).Sum(b => (long)b.ToGzipJson().Length);
            sizes.Add(new TableSize(table.Name, rows.Length, rows.Average(r => (double)r.Length), gzip / (double)rows.Length));
        }

        return sizes;
    }

    private static void PrintMonthlyEstimate(TextWriter output, IReadOnlyList<TableSize> sizes)
    {
        var perScanRows = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [LogAnalyticsSchema.ClusterScansTableName] = FleetClusters,
            [LogAnalyticsSchema.NamespacesTableName] = FleetClusters * NamespacesPerCluster,
            [LogAnalyticsSchema.FindingsTableName] = FleetClusters * NamespacesPerCluster * FindingRowsPerNamespace,
        };
        output.WriteLine();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Monthly estimate: {FleetClusters:N0} clusters x {NamespacesPerCluster} namespaces, {ScansPerMonth} scans/month (every 6 h), {FindingRowsPerNamespace} finding row per namespace"));
        output.WriteLine($"{"table",-24} {"rows/month",14} {"JSON GB",9} {"billed GB",10}");
        double totalJson = 0;
        foreach (var size in sizes)
        {
            var rowsPerMonth = perScanRows[size.Table] * ScansPerMonth;
            var jsonGb = rowsPerMonth * size.JsonBytesPerRow / 1e9;
            totalJson += jsonGb;
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{size.Table,-24} {rowsPerMonth,14:N0} {jsonGb,9:F1} {jsonGb * BilledFraction,10:F1}"));
        }

        var billed = totalJson * BilledFraction;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"total: {totalJson:F1} GB JSON sent, ~{billed:F1} GB billed, ~${Math.Max(0, billed - FreeGbPerMonth) * PricePerGb:N0}/month at ${PricePerGb}/GB after {FreeGbPerMonth} GB free"));
    }

    private sealed record TableSize(string Table, int Rows, double JsonBytesPerRow, double GzipBytesPerRow);
}
