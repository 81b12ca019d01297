import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import type { Construct } from 'constructs';

/** A built-in role by name (e.g. "Network Contributor"), or a custom role definition's resource id. */
export type Role = string | { readonly definitionId: string };

export interface RoleGrant {
  readonly role: Role;
  /** The one resource the role applies to. */
  readonly scope: string;
  readonly principalId: string;
  /** Why the principal needs it; shown in the portal next to the assignment. */
  readonly description: string;
}

/**
 * Grants a managed identity one role on one resource. principalType is set so
 * ARM does not look the new identity up in Entra ID, which fails with
 * PrincipalNotFound while the identity is still replicating.
 */
export function grantRole(scope: Construct, id: string, grant: RoleGrant): RoleAssignment {
  return new RoleAssignment(scope, id, {
    scope: grant.scope,
    ...(typeof grant.role === 'string' ? { roleDefinitionName: grant.role } : { roleDefinitionId: grant.role.definitionId }),
    principalId: grant.principalId,
    principalType: 'ServicePrincipal',
    description: grant.description,
  });
}
