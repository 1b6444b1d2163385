namespace NetPolGovernance.Analysis.Checks;

/// <summary>A cluster-level check.</summary>
internal interface IClusterCheck
{
    CheckDefinition Definition { get; }

    CheckOutcome Evaluate(ClusterContext context);
}

/// <summary>A namespace-level check.</summary>
internal interface INamespaceCheck
{
    CheckDefinition Definition { get; }

    CheckOutcome Evaluate(NamespaceContext context);
}
