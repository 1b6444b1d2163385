// The compliance workbook. Its JSON lives in workbook.json (every query in it is checked by Infra.Tests).
@description('Required. Azure region.')
param location string

@description('Required. Tags for every resource.')
param tags object

@description('Required. Resource id of the Log Analytics workspace the workbook queries.')
param workspaceId string

@description('Optional. Display name of the workbook.')
param displayName string = 'NetPolGovernance compliance'

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, workspaceId, 'netpolgov-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    version: 'Notebook/1.0'
    sourceId: workspaceId
    serializedData: loadTextContent('workbook.json')
  }
}

output workbookId string = workbook.id
