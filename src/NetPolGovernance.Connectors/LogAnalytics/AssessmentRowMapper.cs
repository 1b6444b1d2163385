using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Connectors.Publishing;

namespace NetPolGovernance.Connectors.LogAnalytics;

/// <summary>
/// Maps a <see cref="ClusterAssessment"/> to Log Analytics rows. Pure: the same scan and assessment always give the
/// same rows (and so the same row ids). Findings become rows when they fail, are exempt or are unknown. Lists and texts
/// are capped to the 64 KB field limit of Logs Ingestion (<see cref="FieldLimits"/>), with a count of what was left out.
/// Observed flows, when the scan read them, become <c>NetPolFlows_CL</c> rows (<see cref="FlowRowMapper"/>).
/// </summary>
public static class AssessmentRowMapper
{
    public static AssessmentRows Map(ScanContext scan, ClusterAssessment assessment)
    {
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(assessment);

        var cluster = assessment.Cluster;
        var clusterKey = RowIds.ClusterKey(cluster.ResourceId, cluster.Name);
        var time = scan.StartedAt.ToUniversalTime();
        var profile = ProfileName(scan.Profile);

        var scanRow = new ClusterScanRow
        {
            TimeGenerated = time,
            RowId = RowIds.For(LogAnalyticsSchema.ClusterScansTableName, scan.ScanId, clusterKey),
            ScanId = scan.ScanId,
            ScannerVersion = scan.ScannerVersion,
            AzureTenantId = cluster.AzureTenantId,
            SubscriptionId = cluster.SubscriptionId,
            ResourceGroup = cluster.ResourceGroup,
            ClusterName = cluster.Name,
            ClusterResourceId = cluster.ResourceId,
            Owner = assessment.Owner,
            Location = cluster.Location,
            KubernetesVersion = cluster.KubernetesVersion,
            NetworkPlugin = assessment.NetworkProfile?.NetworkPlugin,
            NetworkPluginMode = assessment.NetworkProfile?.NetworkPluginMode,
            NetworkPolicy = assessment.NetworkProfile?.NetworkPolicy,
            NetworkDataplane = assessment.NetworkProfile?.NetworkDataplane,
            EngineEvidence = assessment.EngineEvidence,
            AccessPath = assessment.AccessPath.ToString(),
            Status = assessment.Status.ToString(),
            Error = FieldLimits.CapText(assessment.StatusReason),
            Profile = profile,
            NamespaceCount = assessment.Namespaces.Count,
            CompliantNamespaceCount = assessment.CompliantNamespaceCount,
            PodCount = assessment.PodCount,
            PolicyCount = assessment.PolicyCount,
            ApiCalls = assessment.Stats.ApiCalls,
            DurationMs = assessment.Stats.DurationMs,
        };

        var namespaces = new List<NamespaceRow>(assessment.Namespaces.Count);
        foreach (var ns in assessment.Namespaces)
        {
            namespaces.Add(new NamespaceRow
            {
                TimeGenerated = time,
                RowId = RowIds.For(LogAnalyticsSchema.NamespacesTableName, scan.ScanId, clusterKey, ns.Name),
                ScanId = scan.ScanId,
                SubscriptionId = cluster.SubscriptionId,
                ResourceGroup = cluster.ResourceGroup,
                ClusterName = cluster.Name,
                ClusterResourceId = cluster.ResourceId,
                Namespace = ns.Name,
                IsSystem = ns.System,
                Owner = ns.Owner,
                OwnerSource = ns.OwnerSource,
                Status = ns.Status.ToString(),
                Profile = profile,
                HasPolicy = ns.HasPolicy,
                HasAnyPolicy = ns.HasAnyPolicy,
                PodCount = ns.PodCount,
                IngressIsolatedPodCount = ns.IngressIsolatedPods.Count,
                EgressIsolatedPodCount = ns.EgressIsolatedPods.Count,
                DefaultDenyIngress = ns.DefaultDenyIngress,
                DefaultDenyEgress = ns.DefaultDenyEgress,
                AllowAllIngress = ns.AllowAllIngress,
                AllowAllEgress = ns.AllowAllEgress,
                DeadPolicyCount = ns.DeadPolicies.Count,
                PolicyNames = FieldLimits.CapColumn(ns.PolicyNames),
                PolicySetHash = string.IsNullOrEmpty(ns.PolicySetHash) ? null : ns.PolicySetHash,
                FailingChecks = ns.Findings
                    .Where(f => f.Result is CheckResult.Fail && f.InProfile)
                    .Select(f => f.CheckId)
                    .Distinct(StringComparer.Ordinal)
                    .ToArray(),
            });
        }

        var owners = assessment.Namespaces.ToDictionary(n => n.Name, n => n.Owner, StringComparer.Ordinal);
        var findings = new List<FindingRow>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var finding in assessment.ClusterFindings.Concat(assessment.Namespaces.SelectMany(n => n.Findings)))
        {
            if (finding.Result is not (CheckResult.Fail or CheckResult.Exempt or CheckResult.Unknown))
            {
                continue;
            }

            // A check that reports twice on one subject keeps a distinct, still deterministic id per occurrence.
            var subject = $"{finding.Namespace}\u001f{finding.CheckId}";
            var occurrence = seen.TryGetValue(subject, out var count) ? count + 1 : 0;
            seen[subject] = occurrence;

            findings.Add(new FindingRow
            {
                TimeGenerated = time,
                RowId = RowIds.For(
                    LogAnalyticsSchema.FindingsTableName,
                    scan.ScanId,
                    clusterKey,
                    finding.Namespace ?? string.Empty,
                    finding.CheckId,
                    occurrence == 0 ? null : occurrence.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ScanId = scan.ScanId,
                SubscriptionId = cluster.SubscriptionId,
                ResourceGroup = cluster.ResourceGroup,
                ClusterName = cluster.Name,
                ClusterResourceId = cluster.ResourceId,
                Namespace = finding.Namespace,
                Owner = finding.Namespace is { } name ? owners.GetValueOrDefault(name) : assessment.Owner,
                CheckId = finding.CheckId,
                CheckTitle = finding.Title,
                Severity = finding.Severity.ToString(),
                Result = finding.Result.ToString(),
                InProfile = finding.InProfile,
                Message = FieldLimits.CapText(finding.Message),
                Benchmark = string.IsNullOrEmpty(finding.Benchmark) ? null : finding.Benchmark,
                Evidence = finding.Evidence.Count == 0 ? null : FieldLimits.CapEvidence(finding.Evidence),
                Remediation = string.IsNullOrEmpty(finding.Remediation) ? null : FieldLimits.CapText(finding.Remediation),
                ExemptionReason = finding.ExemptionReason,
                ExemptionOwner = finding.ExemptionOwner,
                ExemptionExpiresOn = finding.ExemptionExpiresOn?.ToUniversalTime(),
            });
        }

        return new AssessmentRows(scanRow, namespaces, findings) { Flows = FlowRowMapper.Map(scan, assessment) };
    }

    /// <summary>The profile as the CLI and the workbook spell it: <c>cis</c>, <c>baseline</c>, <c>strict</c>.</summary>
    public static string ProfileName(ComplianceProfile profile) => profile switch
    {
        ComplianceProfile.Cis => "cis",
        ComplianceProfile.Baseline => "baseline",
        ComplianceProfile.Strict => "strict",
        _ => profile.ToString(),
    };
}
