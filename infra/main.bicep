// NetPolGovernance: everything `azd up` deploys. A resource group holding the user-assigned identity, storage
// without shared keys, the Flex Consumption Function App, Log Analytics with the three NetPol tables, the Direct
// data collection rule, Application Insights (Entra auth), the workbook, the alert rules and their action group;
// role assignments for all of it are in app/rbac.bicep.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Required. azd environment name; names and tags every resource.')
param environmentName string

@minLength(1)
@description('Required. Primary region for all resources: one that offers Flex Consumption (docs/azure.md lists the source; re-check with az functionapp list-flexconsumption-locations).')
@metadata({ azd: { type: 'location' } })
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'japanwest'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'switzerlandnorth'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
param location string

@description('Optional. Object id of the deploying user (azd sets AZURE_PRINCIPAL_ID); gets publish rights on the DCR for CLI use.')
param principalId string = ''

@description('Optional. Kind of the deploying principal (azd sets AZURE_PRINCIPAL_TYPE: User, or ServicePrincipal when azd runs in a pipeline).')
@allowed(['User', 'ServicePrincipal', 'Group'])
param principalType string = 'User'

@description('Optional. NCRONTAB schedule (six fields, UTC) of the fleet scan.')
param scanSchedule string = '0 0 */6 * * *'

@description('Optional. Hours between scans; must match scanSchedule. The heartbeat alert fires after twice this.')
@minValue(1)
@maxValue(24)
param scanIntervalHours int = 6

@description('Optional. Comma-separated subscription ids to scan. Empty together with scanManagementGroupIds: every subscription the identity can read (Reader is granted on this one).')
param scanSubscriptionIds string = ''

@description('Optional. Comma-separated management group ids to scan (role assignments there need a deployer allowed to deploy at tenant scope).')
param scanManagementGroupIds string = ''

@description('Optional. Compliance profile: cis, baseline or strict.')
@allowed(['cis', 'baseline', 'strict'])
param profile string = 'baseline'

@description('Optional. E-mail address alert notifications go to; empty for none.')
param alertEmail string = ''

@description('Optional. Unknown clusters tolerated before the scan-errors alert fires.')
@minValue(0)
param scanErrorThreshold int = 0

@description('Optional. Owner routing for the owner-dimensioned alerts: "owner=actionGroupResourceId" pairs separated by ";" (for example "team-a=/subscriptions/.../actionGroups/ag-team-a"). A mapped owner\'s alerts notify its action group; the others notify the shared one.')
param ownerActionGroups string = ''

@description('Optional. Create and assign the least-privilege custom role for runCommand (private clusters): managedClusters/runcommand/action and commandResults/read. Off by default; docs/rbac.md.')
param enableRunCommandRole bool = false

@description('Optional. Interactive retention of the NetPol tables, in days.')
@minValue(4)
@maxValue(730)
param retentionInDays int = 90

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var subscriptionIdList = empty(trim(scanSubscriptionIds)) ? [] : split(replace(scanSubscriptionIds, ' ', ''), ',')
var managementGroupIdList = empty(trim(scanManagementGroupIds)) ? [] : split(replace(scanManagementGroupIds, ' ', ''), ',')

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourceGroup}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    name: '${abbrs.managedIdentity}netpolgov-${resourceToken}'
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    workspaceName: '${abbrs.logAnalyticsWorkspace}netpolgov-${resourceToken}'
    applicationInsightsName: '${abbrs.applicationInsights}netpolgov-${resourceToken}'
    dataCollectionRuleName: '${abbrs.dataCollectionRule}netpolgov-${resourceToken}'
    retentionInDays: retentionInDays
  }
}

module function 'app/function.bicep' = {
  name: 'function'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    functionAppName: '${abbrs.functionApp}netpolgov-${resourceToken}'
    planName: '${abbrs.appServicePlan}netpolgov-${resourceToken}'
    storageAccountName: '${abbrs.storageAccount}${resourceToken}'
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    logsIngestionEndpoint: monitoring.outputs.logsIngestionEndpoint
    dataCollectionRuleImmutableId: monitoring.outputs.dataCollectionRuleImmutableId
    scanSchedule: scanSchedule
    subscriptionIds: subscriptionIdList
    managementGroupIds: managementGroupIdList
    profile: profile
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: resourceGroup
  params: {
    principalId: identity.outputs.principalId
    dataCollectionRuleName: monitoring.outputs.dataCollectionRuleName
    storageAccountName: function.outputs.storageAccountName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    scanSubscriptionIds: subscriptionIdList
    scanManagementGroupIds: managementGroupIdList
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
    enableRunCommandRole: enableRunCommandRole
  }
}

module workbook 'app/workbook.bicep' = {
  name: 'workbook'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
  }
}

var ownerActionGroupPairs = filter(map(split(ownerActionGroups, ';'), pair => trim(pair)), pair => !empty(pair))
// A pair without an owner or an action group fails the deployment, naming the pair (a silent drop would misroute alerts).
var malformedOwnerPairs = filter(ownerActionGroupPairs, pair => indexOf(pair, '=') < 1 || empty(trim(substring(pair, indexOf(pair, '=') + 1))))
var ownerActionGroupMap = empty(malformedOwnerPairs)
  ? toObject(ownerActionGroupPairs, pair => trim(split(pair, '=')[0]), pair => trim(substring(pair, indexOf(pair, '=') + 1)))
  : fail('ownerActionGroups: "${malformedOwnerPairs[0]}" is not owner=actionGroupResourceId (pairs are separated by ";")')

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: resourceGroup
  params: {
    location: location
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
    scanIntervalHours: scanIntervalHours
    alertEmail: alertEmail
    scanErrorThreshold: scanErrorThreshold
    ownerActionGroups: ownerActionGroupMap
    actionGroupName: '${abbrs.actionGroup}netpolgov-${resourceToken}'
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_FUNCTION_NAME string = function.outputs.functionAppName
output SERVICE_API_NAME string = function.outputs.functionAppName
output AZURE_CLIENT_ID string = identity.outputs.clientId
output NETPOLGOV_DCR_ENDPOINT string = monitoring.outputs.logsIngestionEndpoint
output NETPOLGOV_DCR_IMMUTABLE_ID string = monitoring.outputs.dataCollectionRuleImmutableId
output LOG_ANALYTICS_WORKSPACE_ID string = monitoring.outputs.workspaceId
output WORKBOOK_ID string = workbook.outputs.workbookId
