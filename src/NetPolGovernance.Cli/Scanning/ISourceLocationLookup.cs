using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Cli.Scanning;

/// <summary>Where a cluster's namespaces were written, for findings that carry no location of their own.</summary>
internal interface ISourceLocationLookup
{
    /// <summary>The Namespace object, or the first object written in that namespace; null when unknown.</summary>
    SourceLocation? ForNamespace(string cluster, string ns);

    /// <summary>The first object of the cluster (for cluster-level findings); null when unknown.</summary>
    SourceLocation? ForCluster(string cluster);
}
