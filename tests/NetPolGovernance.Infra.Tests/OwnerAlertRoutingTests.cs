using System.Text.Json.Nodes;

namespace NetPolGovernance.Infra.Tests;

/// <summary>
/// The <c>ownerActionGroups</c> parameter routes each owner's alerts to its own action group, evaluated by
/// <c>bicep snapshot</c>: the owner-dimensioned rules get one copy per mapped owner, and the shared rules exclude them.
/// </summary>
public sealed class OwnerAlertRoutingTests
{
    private const string RulesType = "Microsoft.Insights/scheduledQueryRules";
    private const string TeamAGroup = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg-a/providers/Microsoft.Insights/actionGroups/ag-team-a";
    private const string PaymentsGroup = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg-p/providers/Microsoft.Insights/actionGroups/ag-payments";

    private static readonly string[] s_ownerRules = ["netpolgov-noncompliant-namespaces", "netpolgov-namespace-regressed", "netpolgov-new-namespace-without-policy"];

    [Fact]
    public async Task NoMapping_EveryRuleNotifiesTheSharedGroup_AndTakesEveryOwner()
    {
        var snapshot = await SnapshotAsync(new Dictionary<string, string>());

        var rules = snapshot.OfType(RulesType).ToList();
        Assert.Equal(8, rules.Count);
        var shared = Assert.Single(snapshot.OfType("Microsoft.Insights/actionGroups"));
        Assert.All(rules, r => Assert.EndsWith("/" + shared["name"]!.GetValue<string>(), Assert.Single(ActionGroups(r)), StringComparison.Ordinal));
        Assert.Equal(s_ownerRules.Order(), rules.Where(r => OwnerDimension(r) is not null).Select(Name).Order());
        Assert.All(rules.Select(OwnerDimension).OfType<JsonObject>(), d =>
        {
            Assert.Equal("Include", d["operator"]!.GetValue<string>());
            Assert.Equal(["*"], Values(d));
        });
    }

    [Fact]
    public async Task TwoOwnersMapped_EachGetsACopyOfEveryOwnerRule_AndTheSharedRulesExcludeThem()
    {
        var snapshot = await SnapshotAsync(new Dictionary<string, string>
        {
            ["ownerActionGroups"] = $"' team-a = {TeamAGroup} ;payments={PaymentsGroup};'",
        });

        var rules = snapshot.OfType(RulesType).ToList();
        Assert.Equal(8 + (2 * s_ownerRules.Length), rules.Count);
        foreach (var (owner, group) in new[] { ("team-a", TeamAGroup), ("payments", PaymentsGroup) })
        {
            var copies = rules.Where(r => DisplayName(r).EndsWith($"(owner {owner})", StringComparison.Ordinal)).ToList();
            Assert.Equal(s_ownerRules.Length, copies.Count);
            Assert.All(copies, c =>
            {
                Assert.Equal(group, Assert.Single(ActionGroups(c)));
                var dimension = OwnerDimension(c)!;
                Assert.Equal("Include", dimension["operator"]!.GetValue<string>());
                Assert.Equal([owner], Values(dimension));
                Assert.Contains(s_ownerRules, n => Name(c).StartsWith(n + "-owner-", StringComparison.Ordinal));
            });
        }

        foreach (var name in s_ownerRules)
        {
            var shared = Assert.Single(rules, r => Name(r) == name);
            var dimension = OwnerDimension(shared)!;
            Assert.Equal("Exclude", dimension["operator"]!.GetValue<string>());
            Assert.Equal(["payments", "team-a"], Values(dimension).Order());
            Assert.DoesNotContain(ActionGroups(shared), g => g is TeamAGroup or PaymentsGroup);
        }

        // The copies keep the shared rule's query: the KQL the language-service test checks is what each owner runs.
        var sharedQuery = Query(Assert.Single(rules, r => Name(r) == "netpolgov-namespace-regressed"));
        Assert.All(rules.Where(r => Name(r).StartsWith("netpolgov-namespace-regressed-owner-", StringComparison.Ordinal)), c => Assert.Equal(sharedQuery, Query(c)));
    }

    [Theory]
    [InlineData("team-a")]
    [InlineData("=" + TeamAGroup)]
    [InlineData("team-a= ")]
    public async Task MalformedPair_FailsTheDeployment_NamingThePair(string pair)
    {
        var result = await DeploymentSnapshot.OfMainAsync(
            new Dictionary<string, string> { ["ownerActionGroups"] = $"'payments={PaymentsGroup};{pair}'" },
            TestContext.Current.CancellationToken);

        Assert.Null(result.Snapshot);
        Assert.Contains($"ownerActionGroups: \"{pair.Trim()}\" is not owner=actionGroupResourceId", result.Output, StringComparison.Ordinal);
    }

    private static async Task<DeploymentSnapshot> SnapshotAsync(IReadOnlyDictionary<string, string> parameters)
    {
        var result = await DeploymentSnapshot.OfMainAsync(parameters, TestContext.Current.CancellationToken);
        Assert.True(result.Snapshot is not null, result.Output);
        return result.Snapshot!;
    }

    private static string Name(JsonObject rule) => rule["name"]!.GetValue<string>();

    private static string DisplayName(JsonObject rule) => rule["properties"]!["displayName"]!.GetValue<string>();

    private static JsonObject Criterion(JsonObject rule) => (JsonObject)((JsonArray)rule["properties"]!["criteria"]!["allOf"]!)[0]!;

    private static string Query(JsonObject rule) => Criterion(rule)["query"]!.GetValue<string>();

    private static JsonObject? OwnerDimension(JsonObject rule) =>
        ((JsonArray)Criterion(rule)["dimensions"]!).OfType<JsonObject>().SingleOrDefault(d => d["name"]!.GetValue<string>() == "Owner");

    private static string[] Values(JsonObject dimension) => [.. ((JsonArray)dimension["values"]!).Select(v => v!.GetValue<string>())];

    private static string[] ActionGroups(JsonObject rule) => [.. ((JsonArray)rule["properties"]!["actions"]!["actionGroups"]!).Select(v => v!.GetValue<string>())];
}
