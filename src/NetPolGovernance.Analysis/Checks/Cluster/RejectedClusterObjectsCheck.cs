namespace NetPolGovernance.Analysis.Checks.Cluster;

/// <summary>NPG-C06: cluster-scoped policies (ANP, BANP) the API server would reject (docs/semantics.md §14).</summary>
internal sealed class RejectedClusterObjectsCheck : IClusterCheck
{
    public CheckDefinition Definition => CheckCatalog.C06RejectedObjects;

    public CheckOutcome Evaluate(ClusterContext context) =>
        context.Readable
            ? RejectedObjectsOutcome.For(context.Rejected, "Every cluster-scoped policy passes the API server's validation.")
            : CheckOutcome.Unknown($"The cluster could not be read: {context.UnreadableReason}");
}
