// Scan roles at one subscription (the role list comes from rbac.bicep).
targetScope = 'subscription'

@description('Required. Principal (object) id of the scanner identity.')
param principalId string

@description('Required. Role definition ids (GUIDs) to assign.')
param roleDefinitionIds array

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in roleDefinitionIds: {
    name: guid(subscription().id, principalId, roleId)
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]
