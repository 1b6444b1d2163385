using NetPolGovernance.Analysis.Assessment;
using NetPolGovernance.Analysis.Checks;
using NetPolGovernance.Analysis.Engines;
using NetPolGovernance.Analysis.Exemptions;
using NetPolGovernance.Analysis.Flows;
using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Pipeline;
using NetPolGovernance.Analysis.Validation;

namespace NetPolGovernance.Analysis;

/// <summary>
/// The analysis entry point: snapshot in, assessment out. Pure and deterministic: no I/O, no clock
/// (time comes in through <see cref="AnalysisOptions.Now"/>), the same input gives the same output.
/// </summary>
public static class SnapshotAnalyzer
{
    /// <summary>Assesses a cluster that was read: every namespace, every check.</summary>
    public static ClusterAssessment Analyze(
        ClusterSnapshot snapshot,
        AnalysisOptions options,
        AccessPath accessPath = AccessPath.Manifests,
        CollectionStats? stats = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(options);

        var notes = new List<string>(snapshot.Notes);
        var engine = EngineState.Resolve(snapshot.NetworkProfile, snapshot.EngineEvidence, Declared(options));
        var validation = ObjectValidator.Validate(snapshot);
        var accepted = Accepted(snapshot, validation);
        var index = new SnapshotIndex(accepted);
        var subjects = CoverageSubjects.Build(accepted, notes);
        var judged = index.NamespacesIncluding(subjects.Namespaces);
        if (snapshot.Source == SnapshotSource.Manifests && snapshot.Namespaces.Count == 0 && judged.Count > 0)
        {
            notes.Add("the manifests hold no Namespace objects: judged over the namespaces their objects name ("
                + string.Join(", ", judged.Select(n => n.Name)) + ")");
        }

        if (!options.Namespaces.IsAll)
        {
            var selected = judged.Where(n => options.Namespaces.Selects(n.Name)).ToList();
            notes.Add($"namespace filter ({options.Namespaces}): {selected.Count} of {judged.Count} namespaces judged; the others are left out of this report");
            judged = selected;
        }

        if (snapshot.NetworkProfile is null && snapshot.EngineEvidence is null && !engine.Declared)
        {
            notes.Add("policy engine unknown: the input holds no engine evidence, so enforcement is not judged (NPG-C01, C02, C05 and N09 are NotApplicable and CRD kinds count as written); declare the engine with --engine NAME");
        }
        notes.AddRange(engine.UnenforcedCiliumFeatureNotes(accepted.CiliumPolicies));
        var exemptions = new ExemptionMatcher(options, snapshot.Cluster, notes);
        var clusterFindings = RunClusterChecks(
            new ClusterContext
            {
                Profile = snapshot.NetworkProfile,
                Evidence = snapshot.EngineEvidence,
                Engine = engine,
                CrdPolicies = subjects.CrdPolicies,
                Readable = true,
                UnreadableReason = null,
                Now = options.Now,
                Rejected = validation.ClusterScoped,
            },
            options,
            exemptions);

        var invisible = snapshot.InvisibleKinds
            .Select(k => PolicyKinds.FromApi(k.ApiGroup, k.Kind))
            .OfType<PolicyKind>()
            .ToHashSet();
        foreach (var kind in snapshot.InvisibleKinds)
        {
            notes.Add($"{kind.Kind} ({kind.ApiGroup}) could not be read: {kind.Reason}");
        }

        var runtime = snapshot.Flows?.Traffic is { } traffic ? RuntimeProof.Compute(accepted, traffic) : null;
        if (snapshot.Flows is { } flows)
        {
            notes.Add(flows.Traffic is { } read
                ? $"flows: {read.Flows} events, {read.Edges.Count} connections from {flows.Origin}{(flows.Note is { } note ? $" ({note})" : string.Empty)}"
                : $"flows: not read from {flows.Origin}: {flows.UnavailableReason}");
        }

        var assessor = new NamespaceAssessor(index, subjects, engine, invisible, exemptions, clusterFindings, options, validation, snapshot.Flows, runtime);
        var namespaces = judged.Select(assessor.Assess).ToList();

        return new ClusterAssessment
        {
            Cluster = snapshot.Cluster,
            Owner = NamespaceOwner.OfCluster(snapshot.Cluster, options.OwnerKeys),
            Status = ClusterScanStatus.Scanned,
            AccessPath = accessPath,
            Source = snapshot.Source,
            NetworkProfile = snapshot.NetworkProfile,
            EngineEvidence = snapshot.EngineEvidence,
            Engine = Summary(engine),
            ClusterFindings = clusterFindings,
            Namespaces = namespaces,
            InvisibleKinds = snapshot.InvisibleKinds,
            Notes = notes,
            PodCount = namespaces.Sum(n => n.PodCount),
            PolicyCount = snapshot.NetworkPolicies.Count + snapshot.CiliumPolicies.Count + snapshot.CalicoPolicies.Count + snapshot.AdminPolicies.Count,
            Stats = stats ?? CollectionStats.None,
        };
    }

    /// <summary>
    /// Assesses a cluster that could not be read (Unknown) or was not read on purpose (Skipped).
    /// Checks that need only the ARM profile still run; everything else is Unknown, never compliant.
    /// </summary>
    public static ClusterAssessment Unreadable(
        ClusterIdentity cluster,
        ClusterScanStatus status,
        string reason,
        AnalysisOptions options,
        ClusterNetworkProfile? networkProfile = null,
        AccessPath accessPath = AccessPath.None,
        CollectionStats? stats = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(options);

        var effectiveStatus = status == ClusterScanStatus.Scanned ? ClusterScanStatus.Unknown : status;
        var notes = new List<string>();
        var exemptions = new ExemptionMatcher(options, cluster, notes);
        var engine = EngineState.Resolve(
            networkProfile,
            new EngineEvidence { Unavailable = true, UnavailableReason = $"the cluster was not read ({reason})" },
            Declared(options));
        var clusterFindings = RunClusterChecks(
            new ClusterContext
            {
                Profile = networkProfile,
                Evidence = null,
                Engine = engine,
                CrdPolicies = [],
                Readable = false,
                UnreadableReason = reason,
                Now = options.Now,
            },
            options,
            exemptions);

        return new ClusterAssessment
        {
            Cluster = cluster,
            Owner = NamespaceOwner.OfCluster(cluster, options.OwnerKeys),
            Status = effectiveStatus,
            StatusReason = reason,
            AccessPath = accessPath,
            Source = null,
            NetworkProfile = networkProfile,
            Engine = Summary(engine),
            ClusterFindings = clusterFindings,
            Namespaces = [],
            Notes = notes,
            Stats = stats ?? CollectionStats.None,
        };
    }

    /// <summary>The declared engine of <paramref name="options"/>; an unrecognised name is refused.</summary>
    private static PolicyEngine? Declared(AnalysisOptions options)
    {
        if (options.DeclaredEngine is null)
        {
            return null;
        }

        return EngineState.FromName(options.DeclaredEngine)
               ?? throw new ArgumentException(
                   $"unknown policy engine '{options.DeclaredEngine}'; expected one of {string.Join(", ", PolicyEngines.DeclarableNames)}",
                   nameof(options));
    }

    private static EngineSummary Summary(EngineState engine) =>
        new(engine.Name, engine.Basis, engine.Declared, engine.EnforcementDisabled);

    /// <summary>
    /// The snapshot the checks judge: rejected policies left out (they protect nothing), and every namespace that holds a
    /// rejected object kept, so its NPG-N11 finding has a row.
    /// </summary>
    private static ClusterSnapshot Accepted(ClusterSnapshot snapshot, ValidationReport validation)
    {
        if (validation.IsValid)
        {
            return snapshot;
        }

        var accepted = validation.WithoutRejectedPolicies(snapshot);
        var listed = snapshot.Namespaces.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var implied = validation.Rejected
            .Select(r => r.Namespace)
            .OfType<string>()
            .Where(listed.Add)
            .Select(ns => new NamespaceInfo { Name = ns, Implied = true });
        return accepted with { Namespaces = [.. snapshot.Namespaces, .. implied] };
    }

    private static List<Finding> RunClusterChecks(ClusterContext context, AnalysisOptions options, ExemptionMatcher exemptions) =>
        [.. CheckSuite.ClusterChecks.Select(check => FindingFactory.Create(
            check.Definition,
            check.Evaluate(context),
            null,
            options.Profile,
            exemptions.ForClusterCheck(check.Definition.Id)))];
}
