using System.Globalization;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Reachability;

namespace NetPolGovernance.Analysis.Checks.Namespace;

/// <summary>
/// NPG-N13: traffic observed forwarded at a pod's ingress that the pod's ingress policies deny (static analysis, the
/// reachability engine). The engine then does not enforce what the policies say: not running there, a Windows node, an
/// engine fault. NotApplicable without flows, and when the flows hold nothing forwarded into the namespace (said so:
/// nothing is proven about data not read); Unknown when the flows could not be read, or when a connection forwarded
/// into the namespace has an unknown static answer and none contradicts.
/// </summary>
internal sealed class RuntimeEnforcementCheck : INamespaceCheck
{
    public CheckDefinition Definition => CheckCatalog.N13RuntimeContradictsStatic;

    public CheckOutcome Evaluate(NamespaceContext context)
    {
        if (context.Flows is not { } flows)
        {
            return CheckOutcome.NotApplicable("No flows were given (scan --flows, NETPOLGOV_FLOWS_WINDOW): whether the engine enforces the policies at runtime is not judged.");
        }

        if (flows.Traffic is null || context.Runtime is not { } runtime)
        {
            return CheckOutcome.Unknown($"The flows of the cluster could not be read ({flows.Origin}: {flows.UnavailableReason ?? "no reason given"}): runtime enforcement is not judged.");
        }

        var window = Window(runtime.Window);
        if (runtime.ContradictionCount > 0)
        {
            var shown = runtime.Contradictions.Select(Describe).ToList();
            var first = runtime.Contradictions[0];
            return CheckOutcome.Fail(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{runtime.ContradictionCount} connections were forwarded into pods of this namespace although their ingress policies deny them ({flows.Origin}, {window}); first: {Describe(first)}. The engine is not enforcing these policies there."))
                with
                {
                    Evidence = EvidenceMap.Of(
                        ("contradictions", shown),
                        ("moreContradictions", EvidenceMap.One(runtime.ContradictionCount > shown.Count ? (runtime.ContradictionCount - shown.Count).ToString(CultureInfo.InvariantCulture) : null)),
                        ("flows", EvidenceMap.One(flows.Origin)),
                        ("window", EvidenceMap.One(window))),
                    Location = PolicyLocation(context, first.Decision) ?? context.NamespaceLocation,
                };
        }

        if (runtime.IngressForwarded == 0)
        {
            return CheckOutcome.NotApplicable(
                $"Flows were read ({flows.Origin}, {window}) but none was seen forwarded into this namespace's pods: runtime enforcement is not shown here, and not assumed.")
                with { Evidence = EvidenceMap.Of(("flows", EvidenceMap.One(flows.Origin)), ("note", EvidenceMap.One(flows.Note))) };
        }

        var evidence = EvidenceMap.Of(
            ("unverified", runtime.Unverified),
            ("flows", EvidenceMap.One(flows.Origin)),
            ("window", EvidenceMap.One(window)),
            ("note", EvidenceMap.One(flows.Note)));
        var unmatched = runtime.Unmatched > 0
            ? string.Create(CultureInfo.InvariantCulture, $"; {runtime.Unmatched} connections into pods no longer in the snapshot (or hostNetwork) were not judged")
            : string.Empty;
        if (runtime.UnverifiedCount > 0)
        {
            return CheckOutcome.Unknown(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{runtime.UnverifiedCount} connections forwarded into this namespace's pods have an unknown static answer, so whether the engine enforces the policies cannot be told ({flows.Origin}, {window}){unmatched}."))
                with { Evidence = evidence };
        }

        return CheckOutcome.Pass(string.Create(
                CultureInfo.InvariantCulture,
                $"All traffic forwarded into this namespace's pods ({runtime.IngressForwarded} events, {flows.Origin}, {window}) is allowed by their ingress policies{unmatched}."))
            with { Evidence = evidence };
    }

    internal static string Describe(RuntimeContradiction c) => string.Create(
        CultureInfo.InvariantCulture,
        $"{c.From} -> {c.To} {c.Port}/{c.Protocol.ToKubernetes()}: {c.Forwarded} forwarded at ingress, last {c.LastSeen:yyyy-MM-ddTHH:mm:ssZ}; {c.Decision}");

    private static string Window(FlowWindow? window) => window is { } w
        ? string.Create(CultureInfo.InvariantCulture, $"{w.From:yyyy-MM-ddTHH:mm:ssZ} to {w.To:yyyy-MM-ddTHH:mm:ssZ}")
        : "no flow times";

    /// <summary>The first isolating policy the decision names (<c>isolated by ns/name</c>), when the namespace holds it.</summary>
    private static Model.SourceLocation? PolicyLocation(NamespaceContext context, string decision)
    {
        const string Marker = "isolated by ";
        var at = decision.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var rest = decision[(at + Marker.Length)..];
        var end = rest.IndexOfAny([',', ';']);
        var key = (end < 0 ? rest : rest[..end]).Trim();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? context.PolicyLocation(key[(slash + 1)..]) : null;
    }
}
