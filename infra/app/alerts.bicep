// Alert rules (scheduled log queries) and the action group they notify. Each query reads the latest scan of
// each cluster, so a cluster that was fixed stops alerting at its next scan.
@description('Required. Azure region.')
param location string

@description('Required. Tags for every resource.')
param tags object

@description('Required. Resource id of the Log Analytics workspace.')
param workspaceId string

@description('Required. Hours between scheduled scans (the scan schedule\'s period); the heartbeat alert fires after twice this.')
@minValue(1)
@maxValue(24)
param scanIntervalHours int

@description('Optional. E-mail address the action group notifies; empty for no e-mail receiver.')
param alertEmail string = ''

@description('Optional. Unknown (unreadable) clusters tolerated before the scan-errors alert fires.')
@minValue(0)
param scanErrorThreshold int = 0

@description('Optional. Hours a new namespace may run without any policy before the new-namespace alert fires.')
@minValue(1)
@maxValue(36)
param newNamespaceGraceHours int = 24

@description('Optional. Action group name.')
param actionGroupName string = 'ag-netpolgov'

@description('Optional. Owner routing: namespace owner (the Owner column) to the resource id of the action group that owner\'s alerts notify. Each owner-dimensioned rule gets one copy per mapped owner (its Owner dimension set to that owner, notifying that owner\'s group); the shared rule excludes the mapped owners. Empty: every alert notifies the shared action group.')
param ownerActionGroups object = {}

var window = 'PT${2 * scanIntervalHours}H'
var heartbeatLookback = 'P2D'
// Twice the interval, but below the two-day lookback so a silence is still seen (24-hour scans alert after 36 hours).
var heartbeatThresholdHours = min(2 * scanIntervalHours, 36)

var rules = [
  {
    name: 'netpolgov-noncompliant-namespaces'
    displayName: 'NetPolGovernance: noncompliant namespaces'
    description: 'Namespaces judged NonCompliant in the latest scan of a cluster (one alert per cluster and owner).'
    severity: 2
    windowSize: window
    query: '''let latestScans = NetPolClusterScans_CL
    | summarize TimeGenerated = max(TimeGenerated) by ClusterName, ClusterResourceId;
NetPolNamespaces_CL
| join kind=inner latestScans on ClusterName, ClusterResourceId, TimeGenerated
| where Status == "NonCompliant"
| extend Owner = coalesce(Owner, "(no owner)")
| summarize NonCompliantNamespaces = dcount(Namespace) by ClusterName, ClusterResourceId, Owner
'''
    metric: 'NonCompliantNamespaces'
    dimensions: ['ClusterName', 'ClusterResourceId', 'Owner']
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    name: 'netpolgov-cluster-without-engine'
    displayName: 'NetPolGovernance: cluster without an enforcing policy engine'
    description: 'NPG-C01 (no network policy engine configured) or NPG-C02 (configured engine not running) failed in the latest scan.'
    severity: 1
    windowSize: window
    query: '''let latestScans = NetPolClusterScans_CL
    | summarize TimeGenerated = max(TimeGenerated) by ClusterName, ClusterResourceId;
NetPolFindings_CL
| where CheckId in ("NPG-C01", "NPG-C02") and Result == "Fail"
| join kind=inner latestScans on ClusterName, ClusterResourceId, TimeGenerated
| summarize FailingChecks = dcount(CheckId) by ClusterName, ClusterResourceId
'''
    metric: 'FailingChecks'
    dimensions: ['ClusterName', 'ClusterResourceId']
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    name: 'netpolgov-scan-heartbeat-missing'
    displayName: 'NetPolGovernance: no scan results'
    description: 'No cluster scan rows arrived for twice the scan interval: the scanner stopped, or publishing fails. Quiet until the first scan row (a new deployment does not alert before its first scan).'
    severity: 1
    // Looks back two days (the longest window a log alert takes) for the newest row; with no row at all the query
    // returns nothing, so the rule stays quiet from deployment until the first scan is published.
    windowSize: heartbeatLookback
    query: '''NetPolClusterScans_CL
| summarize LastScan = max(TimeGenerated)
| where isnotnull(LastScan)
| project HoursSinceLastScan = datetime_diff("hour", now(), LastScan)
'''
    metric: 'HoursSinceLastScan'
    dimensions: []
    operator: 'GreaterThan'
    threshold: heartbeatThresholdHours
  }
  {
    name: 'netpolgov-scan-errors'
    displayName: 'NetPolGovernance: clusters that could not be scanned'
    description: 'Clusters reported Unknown (unreadable) in the window exceed the threshold.'
    severity: 2
    windowSize: window
    query: '''NetPolClusterScans_CL
| where Status == "Unknown"
| summarize UnknownClusters = dcount(strcat(ClusterName, "|", ClusterResourceId))
'''
    metric: 'UnknownClusters'
    dimensions: []
    operator: 'GreaterThan'
    threshold: scanErrorThreshold
  }
  {
    name: 'netpolgov-exemptions-expiring'
    displayName: 'NetPolGovernance: exemptions expiring within 14 days'
    description: 'Exemptions applied in the latest scan that expire within 14 days (one alert per cluster).'
    severity: 3
    windowSize: window
    query: '''let latestScans = NetPolClusterScans_CL
    | summarize TimeGenerated = max(TimeGenerated) by ClusterName, ClusterResourceId;
NetPolFindings_CL
| where Result == "Exempt" and isnotnull(ExemptionExpiresOn)
| join kind=inner latestScans on ClusterName, ClusterResourceId, TimeGenerated
| where ExemptionExpiresOn between (now() .. now() + 14d)
| summarize ExpiringExemptions = dcount(strcat(Namespace, "|", CheckId)) by ClusterName, ClusterResourceId
'''
    metric: 'ExpiringExemptions'
    dimensions: ['ClusterName', 'ClusterResourceId']
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    name: 'netpolgov-namespace-regressed'
    displayName: 'NetPolGovernance: namespaces that regressed'
    description: 'Namespaces Compliant in the previous scan of their cluster and NonCompliant or Unenforced in the latest (one alert per cluster and owner). Unknown is not a regression: the scan-errors alert covers it.'
    severity: 2
    windowSize: heartbeatLookback
    query: '''let latestScans = NetPolClusterScans_CL
    | summarize TimeGenerated = max(TimeGenerated) by ClusterName, ClusterResourceId;
NetPolNamespaces_CL
| summarize arg_max(TimeGenerated, Status, Owner) by ClusterName, ClusterResourceId, Namespace, ScanId
| sort by ClusterName asc, ClusterResourceId asc, Namespace asc, TimeGenerated asc
| extend PreviousStatus = iff(prev(ClusterName) == ClusterName and prev(ClusterResourceId) == ClusterResourceId and prev(Namespace) == Namespace, prev(Status), "")
| join kind=inner latestScans on ClusterName, ClusterResourceId, TimeGenerated
| where PreviousStatus == "Compliant" and Status in ("NonCompliant", "Unenforced")
| extend Owner = coalesce(Owner, "(no owner)")
| summarize RegressedNamespaces = dcount(Namespace) by ClusterName, ClusterResourceId, Owner
'''
    metric: 'RegressedNamespaces'
    dimensions: ['ClusterName', 'ClusterResourceId', 'Owner']
    operator: 'GreaterThan'
    threshold: 0
  }
  {
    name: 'netpolgov-new-namespace-without-policy'
    displayName: 'NetPolGovernance: new namespace still without a policy'
    description: 'A namespace that appeared after its cluster\'s first scan in the window, is older than the grace period, and still has no policy of any kind in the latest scan (system and exempt namespaces excluded).'
    severity: 3
    windowSize: heartbeatLookback
    // The grace period is the threshold on the namespace's age (a query string cannot take a parameter and stay checkable).
    query: '''let latestScans = NetPolClusterScans_CL
    | summarize TimeGenerated = max(TimeGenerated) by ClusterName, ClusterResourceId;
let firstClusterScans = NetPolClusterScans_CL
    | summarize ClusterFirstSeen = min(TimeGenerated) by ClusterName, ClusterResourceId;
let namespaceFirstSeen = NetPolNamespaces_CL
    | summarize NamespaceFirstSeen = min(TimeGenerated) by ClusterName, ClusterResourceId, Namespace;
NetPolNamespaces_CL
| join kind=inner latestScans on ClusterName, ClusterResourceId, TimeGenerated
| where not(IsSystem) and Status != "Exempt" and not(HasAnyPolicy)
| join kind=inner namespaceFirstSeen on ClusterName, ClusterResourceId, Namespace
| join kind=inner firstClusterScans on ClusterName, ClusterResourceId
| where NamespaceFirstSeen > ClusterFirstSeen
| extend Owner = coalesce(Owner, "(no owner)")
| summarize HoursWithoutPolicy = max(datetime_diff("hour", now(), NamespaceFirstSeen)) by ClusterName, ClusterResourceId, Namespace, Owner
'''
    metric: 'HoursWithoutPolicy'
    dimensions: ['ClusterName', 'ClusterResourceId', 'Namespace', 'Owner']
    operator: 'GreaterThan'
    threshold: newNamespaceGraceHours
  }
  {
    name: 'netpolgov-runtime-contradicts-static'
    displayName: 'NetPolGovernance: traffic reaches pods the policies isolate'
    description: 'Static/runtime disagreement in the latest scan (NetPolFlows_CL): observed flows were forwarded into pods whose ingress policies deny them, so the engine does not enforce there (not running, Windows node, engine fault). One alert per cluster: the engine is the cluster\'s. Exempt namespaces (an NPG-N13 exemption) are left out. Needs flows (NETPOLGOV_FLOWS_WINDOW or scan --flows).'
    severity: 1
    windowSize: window
    query: '''let latestScans = NetPolClusterScans_CL
    | summarize TimeGenerated = max(TimeGenerated) by ClusterName, ClusterResourceId;
NetPolFlows_CL
| where Kind == "Namespace" and StaticRuntimeDisagreement > 0 and RuntimeCheckResult != "Exempt"
| join kind=inner latestScans on ClusterName, ClusterResourceId, TimeGenerated
| summarize ContradictedNamespaces = dcount(Namespace) by ClusterName, ClusterResourceId
'''
    metric: 'ContradictedNamespaces'
    dimensions: ['ClusterName', 'ClusterResourceId']
    operator: 'GreaterThan'
    threshold: 0
  }
]

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'Global'
  tags: tags
  properties: {
    groupShortName: 'netpolgov'
    enabled: true
    emailReceivers: empty(alertEmail)
      ? []
      : [
          {
            name: 'netpolgov-email'
            emailAddress: alertEmail
            useCommonAlertSchema: true
          }
        ]
  }
}

var mappedOwners = objectKeys(ownerActionGroups)

// One copy of each owner-dimensioned rule per mapped owner: the Owner dimension is that owner only.
var ownerRoutes = flatten(map(
  items(ownerActionGroups),
  route => map(filter(rules, rule => contains(rule.dimensions, 'Owner')), rule => {
    rule: rule
    owner: route.key
    actionGroupId: route.value
  })
))

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules: {
    name: rule.name
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [workspaceId]
      evaluationFrequency: 'PT1H'
      windowSize: rule.windowSize
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Total'
            metricMeasureColumn: rule.metric
            dimensions: [
              for dimension in rule.dimensions: {
                name: dimension
                // The shared rule leaves the mapped owners to their own copies.
                operator: dimension == 'Owner' && !empty(mappedOwners) ? 'Exclude' : 'Include'
                values: dimension == 'Owner' && !empty(mappedOwners) ? mappedOwners : ['*']
              }
            ]
            operator: rule.operator
            threshold: rule.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: [actionGroup.id]
      }
    }
  }
]

resource ownerAlertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for (route, i) in ownerRoutes: {
    // The owner is free text: the copy is named by its position and the owner's hash, and the display name names it.
    name: '${route.rule.name}-owner-${take(uniqueString(route.owner), 8)}'
    location: location
    tags: union(tags, { 'netpolgov-owner': route.owner })
    kind: 'LogAlert'
    properties: {
      displayName: '${route.rule.displayName} (owner ${route.owner})'
      description: route.rule.description
      severity: route.rule.severity
      enabled: true
      scopes: [workspaceId]
      evaluationFrequency: 'PT1H'
      windowSize: route.rule.windowSize
      criteria: {
        allOf: [
          {
            query: route.rule.query
            timeAggregation: 'Total'
            metricMeasureColumn: route.rule.metric
            dimensions: [
              for dimension in route.rule.dimensions: {
                name: dimension
                operator: 'Include'
                values: dimension == 'Owner' ? [route.owner] : ['*']
              }
            ]
            operator: route.rule.operator
            threshold: route.rule.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: [route.actionGroupId]
      }
    }
  }
]

output actionGroupId string = actionGroup.id
output alertRuleNames array = [for (rule, i) in rules: alertRules[i].name]
output ownerAlertRuleNames array = [for (route, i) in ownerRoutes: ownerAlertRules[i].name]
