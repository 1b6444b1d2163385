// Hop to management-group scope (a resource-group deployment can reach management groups only through the
// tenant scope). Needs a deployer allowed to deploy at the tenant root; otherwise pass subscription ids.
targetScope = 'tenant'

@description('Required. Principal (object) id of the scanner identity.')
param principalId string

@description('Required. Management group ids to assign at.')
param managementGroupIds array

@description('Required. Role definition ids (GUIDs) to assign.')
param roleDefinitionIds array

@description('Optional. Also create and assign the runCommand custom role at each management group.')
param enableRunCommandRole bool = false

module managementGroupRoles 'rbac-scan-management-group.bicep' = [
  for managementGroupId in managementGroupIds: {
    name: 'netpolgov-scan-roles-${uniqueString(managementGroupId, principalId)}'
    scope: managementGroup(managementGroupId)
    params: {
      principalId: principalId
      roleDefinitionIds: roleDefinitionIds
      enableRunCommandRole: enableRunCommandRole
    }
  }
]
