using NetPolGovernance.Analysis.Model;
using NetPolGovernance.Analysis.Semantics;

namespace NetPolGovernance.Analysis.Tests.Semantics;

public sealed class Ipv4CoverageTests
{
    [Theory]
    [InlineData(true, "0.0.0.0/0")]
    [InlineData(true, "0.0.0.0/1", "128.0.0.0/1")]
    [InlineData(false, "0.0.0.0/1")]
    [InlineData(false, "0.0.0.0/1", "128.0.0.0/2")]
    [InlineData(true, "128.0.0.0/1", "0.0.0.0/2", "64.0.0.0/2")]
    [InlineData(true, "10.1.2.3/0")]
    [InlineData(false, "::/0")]
    [InlineData(false, "not-a-cidr")]
    [InlineData(false, "0.0.0.0/33")]
    public void CoversAll_Blocks_ComputesUnion(bool expected, params string[] cidrs)
    {
        Assert.Equal(expected, Ipv4Coverage.CoversAll(cidrs.Select(c => new IpBlock(c, null))));
    }

    [Fact]
    public void CoversAll_ExceptOnLastAddress_IsNotAll()
    {
        Assert.False(Ipv4Coverage.CoversAll([new IpBlock("0.0.0.0/0", ["255.255.255.255/32"])]));
    }

    [Fact]
    public void CoversAll_ExceptRefilledBySmallerBlocks_IsAll()
    {
        IpBlock[] blocks =
        [
            new("0.0.0.0/0", ["10.0.0.0/8", "192.168.0.0/16"]),
            new("10.0.0.0/9", null),
            new("10.128.0.0/9", null),
            new("192.168.0.0/16", ["192.168.1.0/24"]),
            new("192.168.1.0/24", null),
        ];

        Assert.True(Ipv4Coverage.CoversAll(blocks));
    }
}
