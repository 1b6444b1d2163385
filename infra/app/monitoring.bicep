// Log Analytics workspace, Application Insights (Entra auth only), the four custom tables and the
// kind 'Direct' data collection rule whose streams feed them.
import { clusterScansTableColumns, clusterScansStreamColumns, namespacesTableColumns, namespacesStreamColumns, findingsTableColumns, findingsStreamColumns, flowsTableColumns, flowsStreamColumns } from 'schema.bicep'

@description('Required. Azure region.')
param location string

@description('Required. Tags for every resource.')
param tags object

@description('Required. Log Analytics workspace name.')
param workspaceName string

@description('Required. Application Insights name.')
param applicationInsightsName string

@description('Required. Data collection rule name.')
param dataCollectionRuleName string

@description('Optional. Interactive retention of the NetPol tables, in days.')
@minValue(4)
@maxValue(730)
param retentionInDays int = 90

var tables = [
  { name: 'NetPolClusterScans_CL', columns: clusterScansTableColumns }
  { name: 'NetPolNamespaces_CL', columns: namespacesTableColumns }
  { name: 'NetPolFindings_CL', columns: findingsTableColumns }
  { name: 'NetPolFlows_CL', columns: flowsTableColumns }
]

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
    features: { disableLocalAuth: true }
  }
}

resource netPolTables 'Microsoft.OperationalInsights/workspaces/tables@2022-10-01' = [
  for table in tables: {
    parent: workspace
    name: table.name
    properties: {
      plan: 'Analytics'
      retentionInDays: retentionInDays
      totalRetentionInDays: retentionInDays
      schema: {
        name: table.name
        columns: table.columns
      }
    }
  }
]

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

resource dataCollectionRule 'Microsoft.Insights/dataCollectionRules@2023-03-11' = {
  name: dataCollectionRuleName
  location: location
  tags: tags
  kind: 'Direct'
  dependsOn: [netPolTables]
  properties: {
    description: 'NetPolGovernance scan results (Logs Ingestion API).'
    streamDeclarations: {
      'Custom-NetPolClusterScans_CL': { columns: clusterScansStreamColumns }
      'Custom-NetPolNamespaces_CL': { columns: namespacesStreamColumns }
      'Custom-NetPolFindings_CL': { columns: findingsStreamColumns }
      'Custom-NetPolFlows_CL': { columns: flowsStreamColumns }
    }
    destinations: {
      logAnalytics: [
        {
          name: 'netpolWorkspace'
          workspaceResourceId: workspace.id
        }
      ]
    }
    dataFlows: [
      {
        streams: ['Custom-NetPolClusterScans_CL']
        destinations: ['netpolWorkspace']
        transformKql: 'source'
        outputStream: 'Custom-NetPolClusterScans_CL'
      }
      {
        streams: ['Custom-NetPolNamespaces_CL']
        destinations: ['netpolWorkspace']
        transformKql: 'source'
        outputStream: 'Custom-NetPolNamespaces_CL'
      }
      {
        streams: ['Custom-NetPolFindings_CL']
        destinations: ['netpolWorkspace']
        transformKql: 'source'
        outputStream: 'Custom-NetPolFindings_CL'
      }
      {
        streams: ['Custom-NetPolFlows_CL']
        destinations: ['netpolWorkspace']
        transformKql: 'source'
        outputStream: 'Custom-NetPolFlows_CL'
      }
    ]
  }
}

output workspaceId string = workspace.id
output workspaceName string = workspace.name
output applicationInsightsId string = applicationInsights.id
output applicationInsightsName string = applicationInsights.name
output applicationInsightsConnectionString string = applicationInsights.properties.ConnectionString
output dataCollectionRuleId string = dataCollectionRule.id
output dataCollectionRuleName string = dataCollectionRule.name
output logsIngestionEndpoint string = dataCollectionRule.properties.endpoints.logsIngestion
output dataCollectionRuleImmutableId string = dataCollectionRule.properties.immutableId
