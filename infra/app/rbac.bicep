// Every role assignment of the service, in one place. Names are guid(scope, principal, role) so a
// redeploy is idempotent. Least privilege: Monitoring Metrics Publisher on the DCR only; blob and queue
// data roles on the service's own storage account; read-only roles where clusters are scanned.

@description('Required. Principal (object) id of the app\'s user-assigned identity.')
param principalId string

@description('Required. Name of the data collection rule.')
param dataCollectionRuleName string

@description('Required. Name of the storage account.')
param storageAccountName string

@description('Required. Name of the Application Insights component.')
param applicationInsightsName string

@description('Required. Subscriptions the scanner reads (empty with no management groups: this subscription).')
param scanSubscriptionIds array

@description('Required. Management groups the scanner reads (assigned through a tenant-scope deployment).')
param scanManagementGroupIds array

@description('Optional. Object id of the deploying user; gets Monitoring Metrics Publisher on the DCR so the CLI can publish.')
param deployerPrincipalId string = ''

@description('Optional. Kind of the deploying principal: User, or ServicePrincipal when azd runs in a pipeline.')
@allowed(['User', 'ServicePrincipal', 'Group'])
param deployerPrincipalType string = 'User'

var roles = {
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // Monitoring Metrics Publisher: Logs Ingestion (DCR) and Entra-auth telemetry
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner: host leases, deployment package, scan ledger, dead letters
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor: per-cluster scan queue
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7' // Reader: list clusters (ARM, Resource Graph)
  aksClusterUser: '4abbcc35-e782-43d8-92c5-2d3f1bd2253f' // Azure Kubernetes Service Cluster User Role: listClusterUserCredential
  aksRbacReader: '7f6c6a51-bcf8-42ba-9220-52d62157d7db' // Azure Kubernetes Service RBAC Reader: read namespaces, pods, policies (Azure RBAC clusters)
}

var scanRoles = [roles.reader, roles.aksClusterUser, roles.aksRbacReader]

@description('Optional. Create and assign the runCommand custom role (rbac-runcommand-role.bicep) where clusters are scanned.')
param enableRunCommandRole bool = false

// With no scope given, the scanner reads every subscription it can see: grant this one.
var effectiveScanSubscriptionIds = empty(scanSubscriptionIds) && empty(scanManagementGroupIds)
  ? [subscription().subscriptionId]
  : scanSubscriptionIds

resource dataCollectionRule 'Microsoft.Insights/dataCollectionRules@2023-03-11' existing = {
  name: dataCollectionRuleName
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource dcrPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(dataCollectionRule.id, principalId, roles.monitoringMetricsPublisher)
  scope: dataCollectionRule
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

resource dcrPublisherDeployer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  name: guid(dataCollectionRule.id, deployerPrincipalId, roles.monitoringMetricsPublisher)
  scope: dataCollectionRule
  properties: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, principalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

resource storageBlob 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
  }
}

resource storageQueue 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, roles.storageQueueDataContributor)
  scope: storage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
  }
}

module scanSubscriptionRoles 'rbac-scan-subscription.bicep' = [
  for subscriptionId in effectiveScanSubscriptionIds: {
    name: 'netpolgov-scan-roles-${uniqueString(subscriptionId, principalId)}'
    scope: subscription(subscriptionId)
    params: {
      principalId: principalId
      roleDefinitionIds: scanRoles
      enableRunCommandRole: enableRunCommandRole
    }
  }
]

module scanManagementGroupRoles 'rbac-scan-tenant.bicep' = if (!empty(scanManagementGroupIds)) {
  name: 'netpolgov-scan-roles-mg-${uniqueString(principalId)}'
  scope: tenant()
  params: {
    principalId: principalId
    managementGroupIds: scanManagementGroupIds
    roleDefinitionIds: scanRoles
    enableRunCommandRole: enableRunCommandRole
  }
}
