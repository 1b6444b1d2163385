namespace NetPolGovernance.Analysis.Assessment;

/// <summary>Finding severity. Values are stable: they go into Log Analytics by name.</summary>
public enum Severity
{
    Info = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

/// <summary>The result of one check on one subject.</summary>
public enum CheckResult
{
    Pass = 0,
    Fail = 1,
    /// <summary>Failing, but covered by a valid exemption.</summary>
    Exempt = 2,
    /// <summary>Could not be decided (data unreadable).</summary>
    Unknown = 3,
    /// <summary>The snapshot lacks the data the check needs (e.g. no network profile from manifests).</summary>
    NotApplicable = 4,
}

/// <summary>Namespace status, decided in this order of precedence.</summary>
public enum NamespaceStatus
{
    Unknown = 0,
    Exempt = 1,
    Unenforced = 2,
    NonCompliant = 3,
    Compliant = 4,
}

/// <summary>Whether a cluster was scanned.</summary>
public enum ClusterScanStatus
{
    Scanned = 0,
    /// <summary>Could not be read; never counted as compliant.</summary>
    Unknown = 1,
    /// <summary>Deliberately not read (stopped, failed provisioning); reported with the reason.</summary>
    Skipped = 2,
}

/// <summary>How the cluster's API was reached.</summary>
public enum AccessPath
{
    None = 0,
    Manifests = 1,
    Kubeconfig = 2,
    AksEntraToken = 3,
    AksLocalAccount = 4,
    RunCommand = 5,
}

/// <summary>Compliance profiles: which checks make a namespace NonCompliant.</summary>
public enum ComplianceProfile
{
    /// <summary>C01 and N01: the CIS literal.</summary>
    Cis = 1,
    /// <summary>cis + N02, N06, N09, N11, N13, C06. The default.</summary>
    Baseline = 2,
    /// <summary>Every check.</summary>
    Strict = 3,
}
