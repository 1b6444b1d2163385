using System.Globalization;
using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Engines;

namespace NetPolGovernance.Analysis.Checks.Cluster;

/// <summary>
/// NPG-C03: the engine or plugin is on a retirement path. Azure NPM on Windows node pools: end of support 2026-09-30;
/// Azure NPM on Linux: 2028-09-30; kubenet: 2028-03-31. Severity rule: Medium while the date is more than
/// <see cref="HighWithinDays"/> days away, High within that window and after the date has passed.
/// </summary>
internal sealed class RetirementPathCheck : IClusterCheck
{
    public const int HighWithinDays = 180;

    public static readonly DateTimeOffset AzureNpmWindowsEndOfSupport = new(2026, 9, 30, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset AzureNpmLinuxEndOfSupport = new(2028, 9, 30, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset KubenetRetirement = new(2028, 3, 31, 0, 0, 0, TimeSpan.Zero);

    public CheckDefinition Definition => CheckCatalog.C03RetirementPath;

    public CheckOutcome Evaluate(ClusterContext context)
    {
        var profile = context.Profile;
        if (profile is null)
        {
            return CheckOutcome.NotApplicable("No network profile: the engine and plugin are unknown.");
        }

        var osTypes = profile.NodePoolOsTypes;
        var hasWindows = osTypes.Any(o => string.Equals(o, "Windows", StringComparison.OrdinalIgnoreCase));
        var paths = new List<(string What, DateTimeOffset Date)>();
        if (EngineState.FromArmValue(profile.NetworkPolicy) == PolicyEngine.AzureNpm)
        {
            if (hasWindows)
            {
                paths.Add(("Azure NPM on Windows node pools", AzureNpmWindowsEndOfSupport));
            }

            paths.Add(("Azure NPM on Linux node pools", AzureNpmLinuxEndOfSupport));
        }

        if (EngineState.Normalize(profile.NetworkPlugin) == "kubenet")
        {
            paths.Add(("kubenet network plugin", KubenetRetirement));
        }

        var evidence = EvidenceMap.Of([.. ProfileEvidence.Of(profile, null)]);
        if (paths.Count == 0)
        {
            return CheckOutcome.Pass("Neither the policy engine nor the network plugin is on a published retirement path.") with { Evidence = evidence };
        }

        var severity = paths.Any(p => (p.Date - context.Now).TotalDays <= HighWithinDays) ? Severity.High : Severity.Medium;
        var parts = paths.OrderBy(p => p.Date).Select(p => Describe(p.What, p.Date, context.Now)).ToList();
        var map = EvidenceMap.Of([.. ProfileEvidence.Of(profile, null), ("retirements", parts)]);
        var unknownPools = osTypes.Count == 0 && paths.Any(p => p.Date == AzureNpmLinuxEndOfSupport)
            ? " Node pool OS types are unknown: Windows pools would be out of support from 2026-09-30."
            : string.Empty;
        return CheckOutcome.Fail(string.Join("; ", parts) + "." + unknownPools) with { Evidence = map, Severity = severity };
    }

    private static string Describe(string what, DateTimeOffset date, DateTimeOffset now)
    {
        var days = (date.UtcDateTime.Date - now.UtcDateTime.Date).Days;
        var when = days >= 0
            ? string.Create(CultureInfo.InvariantCulture, $"in {days} days")
            : string.Create(CultureInfo.InvariantCulture, $"passed {-days} days ago");
        return string.Create(CultureInfo.InvariantCulture, $"{what}: end of support {date:yyyy-MM-dd} ({when})");
    }
}
