using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Tests.Semantics;

public sealed class LabelSelectorsTests
{
    private static readonly Dictionary<string, string> s_webTier = new() { ["app"] = "web", ["tier"] = "" };

    [Fact]
    public void Matches_NotInWithKeyAbsent_Matches()
    {
        var selector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement("env", "NotIn", ["prod"])] };

        Assert.True(LabelSelectors.Matches(selector, s_webTier));
    }

    [Fact]
    public void Matches_ExistsWithEmptyValue_Matches()
    {
        var selector = new LabelSelector { MatchExpressions = [new LabelSelectorRequirement("tier", "Exists", null)] };

        Assert.True(LabelSelectors.Matches(selector, s_webTier));
    }

    [Fact]
    public void Matches_PrefixedKeyDiffersFromBareKey_DoesNotMatch()
    {
        var selector = new LabelSelector { MatchLabels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "web" } };

        Assert.False(LabelSelectors.Matches(selector, s_webTier));
    }

    [Fact]
    public void IsSelectAll_EmptyMatchExpressions_IsTrue()
    {
        Assert.True(LabelSelectors.IsSelectAll(new LabelSelector { MatchExpressions = [] }));
        Assert.False(LabelSelectors.IsSelectAll(new LabelSelector { MatchLabels = new Dictionary<string, string> { ["a"] = "b" } }));
    }
}
