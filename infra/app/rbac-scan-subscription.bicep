// Scan roles at one subscription (the role list comes from rbac.bicep).
targetScope = 'subscription'

@description('Required. Principal (object) id of the scanner identity.')
param principalId string

@description('Required. Role definition ids (GUIDs) to assign.')
param roleDefinitionIds array

@description('Optional. Create and assign the runCommand custom role here (least privilege for private clusters).')
param enableRunCommandRole bool = false

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

// Opt-in least privilege for runCommand (private clusters): the two actions it needs and nothing else. The only
// built-in role with runcommand/action (Azure Kubernetes Service Cluster Admin Role) also hands out admin
// credentials. Role names are unique per tenant, so the scope is part of the name.
resource runCommandRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (enableRunCommandRole) {
  name: guid(subscription().id, 'netpolgov-aks-runcommand')
  properties: {
    roleName: 'NetPolGovernance AKS runCommand reader (${subscription().subscriptionId})'
    description: 'Runs the read-only NetPolGovernance script on private AKS clusters through the runCommand API and reads its result.'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          'Microsoft.ContainerService/managedClusters/runcommand/action'
          'Microsoft.ContainerService/managedClusters/commandResults/read'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      subscription().id
    ]
  }
}

resource runCommandAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (enableRunCommandRole) {
  name: guid(subscription().id, principalId, 'netpolgov-aks-runcommand')
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: runCommandRole.id
  }
}
