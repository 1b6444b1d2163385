namespace NetPolGovernance.Analysis.Checks.Namespace;

/// <summary>NPG-N11: objects of the namespace the API server would reject (docs/semantics.md §14).</summary>
internal sealed class RejectedObjectsCheck : INamespaceCheck
{
    public CheckDefinition Definition => CheckCatalog.N11RejectedObjects;

    public CheckOutcome Evaluate(NamespaceContext context) =>
        RejectedObjectsOutcome.For(context.Rejected, "Every object passes the API server's validation.");
}
