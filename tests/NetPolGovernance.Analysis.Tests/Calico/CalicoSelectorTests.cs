using NetPolGovernance.Analysis.Calico;
using static NetPolGovernance.Analysis.Tests.Builders.Snap;

namespace NetPolGovernance.Analysis.Tests.Calico;

public sealed class CalicoSelectorTests
{
    [Theory]
    [InlineData("app == 'web'", true)]
    [InlineData("app == \"web\"", true)]
    [InlineData("app == 'db'", false)]
    [InlineData("app != 'db'", true)]
    [InlineData("missing != 'x'", true)]
    [InlineData("app in {'db', 'web'}", true)]
    [InlineData("app in {}", false)]
    [InlineData("app not in {'web'}", false)]
    [InlineData("missing not in {'web'}", true)]
    [InlineData("has(tier)", true)]
    [InlineData("has(missing)", false)]
    [InlineData("!has(missing)", true)]
    [InlineData("app == 'web' && tier == 'front'", true)]
    [InlineData("app == 'db' || tier == 'front'", true)]
    [InlineData("app == 'db' || tier == 'back'", false)]
    [InlineData("!(app == 'db' || tier == 'back')", true)]
    [InlineData("app == 'db' && tier == 'back' || has(tier)", true)]
    [InlineData("app == 'db' && (tier == 'back' || has(tier))", false)]
    [InlineData("all()", true)]
    [InlineData("global()", false)]
    [InlineData("", true)]
    [InlineData("   ", true)]
    [InlineData("app contains 'e'", true)]
    [InlineData("app starts with 'we'", true)]
    [InlineData("app ends with 'x'", false)]
    [InlineData("k8s.io/part-of == 'shop'", true)]
    public void Matches_Expression_EvaluatesAgainstLabels(string text, bool expected)
    {
        var labels = Labels("app=web", "tier=front", "k8s.io/part-of=shop");

        Assert.True(CalicoSelector.TryParse(text, out var selector, out var error), error);
        Assert.Equal(expected, selector.Matches(labels));
    }

    [Theory]
    [InlineData("app ==")]
    [InlineData("app == web")]
    [InlineData("(app == 'web'")]
    [InlineData("app = 'web'")]
    [InlineData("has(")]
    [InlineData("app in {'a'")]
    [InlineData("app == 'web' &&")]
    [InlineData("app not {'a'}")]
    [InlineData("app == 'unterminated")]
    public void TryParse_Malformed_FailsWithPosition(string text)
    {
        Assert.False(CalicoSelector.TryParse(text, out _, out var error));
        Assert.Contains("position", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_DeeplyNested_FailsInsteadOfOverflowing()
    {
        var text = new string('(', 10_000) + "all()" + new string(')', 10_000);

        Assert.False(CalicoSelector.TryParse(text, out _, out var error));
        Assert.Contains("nested", error, StringComparison.Ordinal);
    }
}
