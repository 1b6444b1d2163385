using NetPolGovernance.Analysis.Reachability;

namespace NetPolGovernance.Analysis.Tests.Reachability;

public sealed class PortSetTests
{
    [Fact]
    public void Union_AdjacentRanges_Merge()
    {
        var set = PortSet.Range(TransportProtocol.Tcp, 1, 5).Union(PortSet.Range(TransportProtocol.Tcp, 6, 10));

        Assert.Equal("TCP 1-10", set.ToString());
    }

    [Fact]
    public void Except_HoleInRange_SplitsRange()
    {
        var set = PortSet.AllOf(TransportProtocol.Udp).Except(PortSet.Range(TransportProtocol.Udp, 53, 53));

        Assert.Equal("UDP 1-52, 54-65535", set.ToString());
        Assert.False(set.Contains(TransportProtocol.Udp, 53));
        Assert.True(set.Contains(TransportProtocol.Udp, 65535));
    }

    [Fact]
    public void Intersect_DifferentProtocols_IsEmpty()
    {
        var set = PortSet.Range(TransportProtocol.Tcp, 53, 53).Intersect(PortSet.Range(TransportProtocol.Udp, 53, 53));

        Assert.True(set.IsEmpty);
        Assert.Equal("nothing", set.ToString());
    }

    [Fact]
    public void Union_EveryProtocolFully_IsAll()
    {
        var set = PortSet.AllOf(TransportProtocol.Tcp).Union(PortSet.AllOf(TransportProtocol.Udp)).Union(PortSet.AllOf(TransportProtocol.Sctp));

        Assert.True(set.IsAll);
        Assert.Equal("any port", set.ToString());
    }
}
