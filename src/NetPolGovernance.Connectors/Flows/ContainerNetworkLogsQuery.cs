namespace NetPolGovernance.Connectors.Flows;

/// <summary>
/// The KQL that reads observed connections from the <c>ContainerNetworkLogs</c> table (or its former name
/// <c>RetinaNetworkFlowLogs</c>), summarized in the workspace to one row per connection and verdict, so what travels
/// and what is held grows with distinct connections, not with flow lines. Replies are left out. Dynamic columns may
/// arrive as JSON text or as objects, so each is read through <c>todynamic(tostring(...))</c>. The query window is the
/// request's <c>timespan</c>, not part of the text. Checked by the Kusto language service against the documented
/// schema (tests/NetPolGovernance.Infra.Tests).
/// </summary>
public static class ContainerNetworkLogsQuery
{
    /// <summary>The most rows one answer may hold; more is refused rather than cut silently.</summary>
    public const int MaxRows = 100_000;

    public const string Text = """
        union isfuzzy=true ContainerNetworkLogs, RetinaNetworkFlowLogs
        | where tostring(Reply) != "true"
        | extend L4 = todynamic(tostring(Layer4)), Addr = todynamic(tostring(IP)), Pol = todynamic(tostring(Policies)), Extra = todynamic(tostring(AdditionalFlowData))
        | extend SrcW = todynamic(tostring(SourceWorkloads)), DstW = todynamic(tostring(DestinationWorkloads))
        | extend Protocol = case(isnotempty(L4.TCP), "TCP", isnotempty(L4.UDP), "UDP", isnotempty(L4.SCTP), "SCTP", "")
        | extend DestinationPort = toint(case(Protocol == "TCP", L4.TCP.destination_port, Protocol == "UDP", L4.UDP.destination_port, L4.SCTP.destination_port))
        | where isnotempty(Protocol) and isnotnull(DestinationPort)
        | extend SourceWorkload = iif(isnotempty(tostring(SrcW[0].name)), strcat(tostring(SrcW[0].kind), "/", tostring(SrcW[0].name)), "")
        | extend DestinationWorkload = iif(isnotempty(tostring(DstW[0].name)), strcat(tostring(DstW[0].kind), "/", tostring(DstW[0].name)), "")
        | extend SourcePod = iif(isempty(SourceWorkload), SourcePodName, ""), DestinationPod = iif(isempty(DestinationWorkload), DestinationPodName, "")
        | extend SourceIP = iif(isempty(SourceNamespace), tostring(Addr.source), ""), DestinationIP = iif(isempty(DestinationNamespace), tostring(Addr.destination), "")
        | summarize Count = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated),
            SampleSourcePod = take_any(SourcePodName), SampleDestinationPod = take_any(DestinationPodName),
            SourceLabels = take_any(tostring(Extra.SourceLabels)), DestinationLabels = take_any(tostring(Extra.DestinationLabels)),
            EgressAllowedBy = make_set(tostring(Pol.egress_allowed_by), 4), IngressAllowedBy = make_set(tostring(Pol.ingress_allowed_by), 4)
            by Verdict, TrafficDirection, SourceNamespace, SourceWorkload, SourcePod, SourceIP, DestinationNamespace, DestinationWorkload, DestinationPod, DestinationIP, Protocol, DestinationPort
        | take 100001
        """;
}
