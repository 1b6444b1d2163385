using NetPolGovernance.Analysis.Assessment;

namespace NetPolGovernance.Cli.Reports;

/// <summary>How the table and HTML reports name a cluster's policy engine.</summary>
internal static class EngineText
{
    /// <summary>The engine's name, marked when it was declared rather than detected, or when it enforces nothing.</summary>
    public static string Label(EngineSummary engine) =>
        engine.Name
        + (engine.Declared ? " (declared, not detected)" : string.Empty)
        + (engine.EnforcementDisabled ? " (enforcement off)" : string.Empty);
}
