// The Flex Consumption Function App (dotnet-isolated 10.0) and its storage account. Storage has no shared
// keys: the host, the deployment package and the app's own clients all use the user-assigned identity.
@description('Required. Azure region.')
param location string

@description('Required. Tags for every resource; the app also gets azd-service-name.')
param tags object

@description('Required. Function App name.')
param functionAppName string

@description('Required. Flex Consumption plan name.')
param planName string

@description('Required. Storage account name (3-24 lowercase letters and digits).')
param storageAccountName string

@description('Required. Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Required. Client id of that identity.')
param identityClientId string

@description('Required. Application Insights connection string (Entra authentication is enforced).')
param applicationInsightsConnectionString string

@description('Required. The data collection rule Logs Ingestion endpoint.')
param logsIngestionEndpoint string

@description('Required. The data collection rule immutable id.')
param dataCollectionRuleImmutableId string

@description('Required. NCRONTAB schedule (six fields, UTC) of the fleet scan.')
param scanSchedule string

@description('Required. Subscription ids to scan (empty with no management groups: every readable subscription).')
param subscriptionIds array

@description('Required. Management group ids to scan.')
param managementGroupIds array

@description('Required. Compliance profile: cis, baseline or strict.')
param profile string

@description('Optional. Maximum instances the app scales out to.')
param maximumInstanceCount int = 40

@description('Optional. Memory per instance (MB).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

var deploymentContainerName = 'app-package-${take(uniqueString(functionAppName), 7)}'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
}

// Rows the Logs Ingestion API did not accept after retries (BlobDeadLetterStore.DefaultContainerName).
resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'netpolgov-deadletter'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource scanQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: 'netpolgov-cluster-scans'
}

resource scanPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: 'netpolgov-cluster-scans-poison'
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // Setting names are the ones the app reads (src/NetPolGovernance.Service/FunctionSettings.cs).
      appSettings: [
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        { name: 'AzureWebJobsStorage__blobServiceUri', value: storage.properties.primaryEndpoints.blob }
        { name: 'AzureWebJobsStorage__queueServiceUri', value: storage.properties.primaryEndpoints.queue }
        { name: 'NetPolGovernanceStorage__credential', value: 'managedidentity' }
        { name: 'NetPolGovernanceStorage__clientId', value: identityClientId }
        { name: 'NetPolGovernanceStorage__blobServiceUri', value: storage.properties.primaryEndpoints.blob }
        { name: 'NetPolGovernanceStorage__queueServiceUri', value: storage.properties.primaryEndpoints.queue }
        { name: 'AZURE_CLIENT_ID', value: identityClientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
        { name: 'NETPOLGOV_SCAN_SCHEDULE', value: scanSchedule }
        { name: 'NETPOLGOV_SUBSCRIPTION_IDS', value: join(subscriptionIds, ',') }
        { name: 'NETPOLGOV_MANAGEMENT_GROUP_IDS', value: join(managementGroupIds, ',') }
        { name: 'NETPOLGOV_LOGS_INGESTION_ENDPOINT', value: logsIngestionEndpoint }
        { name: 'NETPOLGOV_DCR_IMMUTABLE_ID', value: dataCollectionRuleImmutableId }
        { name: 'NETPOLGOV_PROFILE', value: profile }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

output functionAppName string = functionApp.name
output functionAppId string = functionApp.id
output storageAccountId string = storage.id
output storageAccountName string = storage.name
output blobServiceUri string = storage.properties.primaryEndpoints.blob
output queueServiceUri string = storage.properties.primaryEndpoints.queue
output deadLetterContainerName string = deadLetterContainer.name
