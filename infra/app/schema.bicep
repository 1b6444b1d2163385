// Mirrors the C# row types (src/NetPolGovernance.Connectors/LogAnalytics/*Row.cs). Infra.Tests regenerates this text from them
// and fails on any difference (it writes the expected text to its output folder, ready to copy over).
// Table schemas spell the datetime type 'dateTime', DCR stream declarations 'datetime'.

@export()
@description('Columns of the clusterScans table (workspace table schema).')
var clusterScansTableColumns = [
  { name: 'TimeGenerated', type: 'dateTime' }
  { name: 'RowId', type: 'string' }
  { name: 'ScanId', type: 'string' }
  { name: 'ScannerVersion', type: 'string' }
  { name: 'AzureTenantId', type: 'string' }
  { name: 'SubscriptionId', type: 'string' }
  { name: 'ResourceGroup', type: 'string' }
  { name: 'ClusterName', type: 'string' }
  { name: 'ClusterResourceId', type: 'string' }
  { name: 'Owner', type: 'string' }
  { name: 'Location', type: 'string' }
  { name: 'KubernetesVersion', type: 'string' }
  { name: 'NetworkPlugin', type: 'string' }
  { name: 'NetworkPluginMode', type: 'string' }
  { name: 'NetworkPolicy', type: 'string' }
  { name: 'NetworkDataplane', type: 'string' }
  { name: 'EngineEvidence', type: 'dynamic' }
  { name: 'AccessPath', type: 'string' }
  { name: 'Status', type: 'string' }
  { name: 'Error', type: 'string' }
  { name: 'Profile', type: 'string' }
  { name: 'NamespaceCount', type: 'int' }
  { name: 'CompliantNamespaceCount', type: 'int' }
  { name: 'PodCount', type: 'int' }
  { name: 'PolicyCount', type: 'int' }
  { name: 'ApiCalls', type: 'int' }
  { name: 'DurationMs', type: 'long' }
]

@export()
@description('Columns of the clusterScans stream (DCR stream declaration).')
var clusterScansStreamColumns = [
  { name: 'TimeGenerated', type: 'datetime' }
  { name: 'RowId', type: 'string' }
  { name: 'ScanId', type: 'string' }
  { name: 'ScannerVersion', type: 'string' }
  { name: 'AzureTenantId', type: 'string' }
  { name: 'SubscriptionId', type: 'string' }
  { name: 'ResourceGroup', type: 'string' }
  { name: 'ClusterName', type: 'string' }
  { name: 'ClusterResourceId', type: 'string' }
  { name: 'Owner', type: 'string' }
  { name: 'Location', type: 'string' }
  { name: 'KubernetesVersion', type: 'string' }
  { name: 'NetworkPlugin', type: 'string' }
  { name: 'NetworkPluginMode', type: 'string' }
  { name: 'NetworkPolicy', type: 'string' }
  { name: 'NetworkDataplane', type: 'string' }
  { name: 'EngineEvidence', type: 'dynamic' }
  { name: 'AccessPath', type: 'string' }
  { name: 'Status', type: 'string' }
  { name: 'Error', type: 'string' }
  { name: 'Profile', type: 'string' }
  { name: 'NamespaceCount', type: 'int' }
  { name: 'CompliantNamespaceCount', type: 'int' }
  { name: 'PodCount', type: 'int' }
  { name: 'PolicyCount', type: 'int' }
  { name: 'ApiCalls', type: 'int' }
  { name: 'DurationMs', type: 'long' }
]

@export()
@description('Columns of the namespaces table (workspace table schema).')
var namespacesTableColumns = [
  { name: 'TimeGenerated', type: 'dateTime' }
  { name: 'RowId', type: 'string' }
  { name: 'ScanId', type: 'string' }
  { name: 'SubscriptionId', type: 'string' }
  { name: 'ResourceGroup', type: 'string' }
  { name: 'ClusterName', type: 'string' }
  { name: 'ClusterResourceId', type: 'string' }
  { name: 'Namespace', type: 'string' }
  { name: 'IsSystem', type: 'boolean' }
  { name: 'Owner', type: 'string' }
  { name: 'OwnerSource', type: 'string' }
  { name: 'Status', type: 'string' }
  { name: 'Profile', type: 'string' }
  { name: 'HasPolicy', type: 'boolean' }
  { name: 'HasAnyPolicy', type: 'boolean' }
  { name: 'PodCount', type: 'int' }
  { name: 'IngressIsolatedPodCount', type: 'int' }
  { name: 'EgressIsolatedPodCount', type: 'int' }
  { name: 'DefaultDenyIngress', type: 'boolean' }
  { name: 'DefaultDenyEgress', type: 'boolean' }
  { name: 'AllowAllIngress', type: 'boolean' }
  { name: 'AllowAllEgress', type: 'boolean' }
  { name: 'DeadPolicyCount', type: 'int' }
  { name: 'PolicyNames', type: 'dynamic' }
  { name: 'PolicySetHash', type: 'string' }
  { name: 'FailingChecks', type: 'dynamic' }
]

@export()
@description('Columns of the namespaces stream (DCR stream declaration).')
var namespacesStreamColumns = [
  { name: 'TimeGenerated', type: 'datetime' }
  { name: 'RowId', type: 'string' }
  { name: 'ScanId', type: 'string' }
  { name: 'SubscriptionId', type: 'string' }
  { name: 'ResourceGroup', type: 'string' }
  { name: 'ClusterName', type: 'string' }
  { name: 'ClusterResourceId', type: 'string' }
  { name: 'Namespace', type: 'string' }
  { name: 'IsSystem', type: 'boolean' }
  { name: 'Owner', type: 'string' }
  { name: 'OwnerSource', type: 'string' }
  { name: 'Status', type: 'string' }
  { name: 'Profile', type: 'string' }
  { name: 'HasPolicy', type: 'boolean' }
  { name: 'HasAnyPolicy', type: 'boolean' }
  { name: 'PodCount', type: 'int' }
  { name: 'IngressIsolatedPodCount', type: 'int' }
  { name: 'EgressIsolatedPodCount', type: 'int' }
  { name: 'DefaultDenyIngress', type: 'boolean' }
  { name: 'DefaultDenyEgress', type: 'boolean' }
  { name: 'AllowAllIngress', type: 'boolean' }
  { name: 'AllowAllEgress', type: 'boolean' }
  { name: 'DeadPolicyCount', type: 'int' }
  { name: 'PolicyNames', type: 'dynamic' }
  { name: 'PolicySetHash', type: 'string' }
  { name: 'FailingChecks', type: 'dynamic' }
]

@export()
@description('Columns of the findings table (workspace table schema).')
var findingsTableColumns = [
  { name: 'TimeGenerated', type: 'dateTime' }
  { name: 'RowId', type: 'string' }
  { name: 'ScanId', type: 'string' }
  { name: 'SubscriptionId', type: 'string' }
  { name: 'ResourceGroup', type: 'string' }
  { name: 'ClusterName', type: 'string' }
  { name: 'ClusterResourceId', type: 'string' }
  { name: 'Namespace', type: 'string' }
  { name: 'Owner', type: 'string' }
  { name: 'CheckId', type: 'string' }
  { name: 'CheckTitle', type: 'string' }
  { name: 'Severity', type: 'string' }
  { name: 'Result', type: 'string' }
  { name: 'InProfile', type: 'boolean' }
  { name: 'Message', type: 'string' }
  { name: 'Benchmark', type: 'string' }
  { name: 'Evidence', type: 'dynamic' }
  { name: 'Remediation', type: 'string' }
  { name: 'ExemptionReason', type: 'string' }
  { name: 'ExemptionOwner', type: 'string' }
  { name: 'ExemptionExpiresOn', type: 'dateTime' }
]

@export()
@description('Columns of the findings stream (DCR stream declaration).')
var findingsStreamColumns = [
  { name: 'TimeGenerated', type: 'datetime' }
  { name: 'RowId', type: 'string' }
  { name: 'ScanId', type: 'string' }
  { name: 'SubscriptionId', type: 'string' }
  { name: 'ResourceGroup', type: 'string' }
  { name: 'ClusterName', type: 'string' }
  { name: 'ClusterResourceId', type: 'string' }
  { name: 'Namespace', type: 'string' }
  { name: 'Owner', type: 'string' }
  { name: 'CheckId', type: 'string' }
  { name: 'CheckTitle', type: 'string' }
  { name: 'Severity', type: 'string' }
  { name: 'Result', type: 'string' }
  { name: 'InProfile', type: 'boolean' }
  { name: 'Message', type: 'string' }
  { name: 'Benchmark', type: 'string' }
  { name: 'Evidence', type: 'dynamic' }
  { name: 'Remediation', type: 'string' }
  { name: 'ExemptionReason', type: 'string' }
  { name: 'ExemptionOwner', type: 'string' }
  { name: 'ExemptionExpiresOn', type: 'datetime' }
]

@export()
@description('Columns of the flows table (workspace table schema).')
var flowsTableColumns = [
  { name: 'TimeGenerated', type: 'dateTime' }
  { name: 'RowId', type: 'string' }
  { name: 'ScanId', type: 'string' }
  { name: 'SubscriptionId', type: 'string' }
  { name: 'ResourceGroup', type: 'string' }
  { name: 'ClusterName', type: 'string' }
  { name: 'ClusterResourceId', type: 'string' }
  { name: 'Namespace', type: 'string' }
  { name: 'Owner', type: 'string' }
  { name: 'Kind', type: 'string' }
  { name: 'WindowStart', type: 'dateTime' }
  { name: 'WindowEnd', type: 'dateTime' }
  { name: 'Policy', type: 'string' }
  { name: 'Rule', type: 'string' }
  { name: 'Workload', type: 'string' }
  { name: 'Peer', type: 'string' }
  { name: 'Protocol', type: 'string' }
  { name: 'Port', type: 'int' }
  { name: 'Connections', type: 'int' }
  { name: 'ForwardedIngress', type: 'long' }
  { name: 'ForwardedEgress', type: 'long' }
  { name: 'DroppedIngress', type: 'long' }
  { name: 'DroppedEgress', type: 'long' }
  { name: 'MatchedHits', type: 'long' }
  { name: 'ReportedHits', type: 'long' }
  { name: 'AllowAll', type: 'boolean' }
  { name: 'StaticRuntimeDisagreement', type: 'int' }
  { name: 'RuntimeCheckResult', type: 'string' }
  { name: 'UnverifiedCount', type: 'int' }
  { name: 'UnmatchedCount', type: 'int' }
  { name: 'UnusedRuleCount', type: 'int' }
  { name: 'RowsOmitted', type: 'int' }
  { name: 'FirstSeen', type: 'dateTime' }
  { name: 'LastSeen', type: 'dateTime' }
  { name: 'Decision', type: 'string' }
]

@export()
@description('Columns of the flows stream (DCR stream declaration).')
var flowsStreamColumns = [
  { name: 'TimeGenerated', type: 'datetime' }
  { name: 'RowId', type: 'string' }
  { name: 'ScanId', type: 'string' }
  { name: 'SubscriptionId', type: 'string' }
  { name: 'ResourceGroup', type: 'string' }
  { name: 'ClusterName', type: 'string' }
  { name: 'ClusterResourceId', type: 'string' }
  { name: 'Namespace', type: 'string' }
  { name: 'Owner', type: 'string' }
  { name: 'Kind', type: 'string' }
  { name: 'WindowStart', type: 'datetime' }
  { name: 'WindowEnd', type: 'datetime' }
  { name: 'Policy', type: 'string' }
  { name: 'Rule', type: 'string' }
  { name: 'Workload', type: 'string' }
  { name: 'Peer', type: 'string' }
  { name: 'Protocol', type: 'string' }
  { name: 'Port', type: 'int' }
  { name: 'Connections', type: 'int' }
  { name: 'ForwardedIngress', type: 'long' }
  { name: 'ForwardedEgress', type: 'long' }
  { name: 'DroppedIngress', type: 'long' }
  { name: 'DroppedEgress', type: 'long' }
  { name: 'MatchedHits', type: 'long' }
  { name: 'ReportedHits', type: 'long' }
  { name: 'AllowAll', type: 'boolean' }
  { name: 'StaticRuntimeDisagreement', type: 'int' }
  { name: 'RuntimeCheckResult', type: 'string' }
  { name: 'UnverifiedCount', type: 'int' }
  { name: 'UnmatchedCount', type: 'int' }
  { name: 'UnusedRuleCount', type: 'int' }
  { name: 'RowsOmitted', type: 'int' }
  { name: 'FirstSeen', type: 'datetime' }
  { name: 'LastSeen', type: 'datetime' }
  { name: 'Decision', type: 'string' }
]
