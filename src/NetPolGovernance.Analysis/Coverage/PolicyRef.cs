using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Model;

namespace NetPolGovernance.Analysis.Coverage;

/// <summary>A policy object of any kind, as reports name it.</summary>
internal sealed record PolicyRef(PolicyKind Kind, string Name, SourceLocation? Source)
{
    /// <summary>NetworkPolicies by name; other kinds as <c>Kind/name</c> (e.g. <c>CiliumNetworkPolicy/allow-dns</c>).</summary>
    public string DisplayName => Kind == PolicyKind.NetworkPolicy ? Name : $"{PolicyKinds.DisplayName(Kind)}/{Name}";
}
