/**
 * The two user-assigned managed identities GitHub Actions uses for one environment (names and
 * OIDC subjects from config/delivery.ts), each with one federated credential that trusts only its
 * own GitHub environment of the configured repository. The workflows log in with the identity's
 * client id (GitHub environment variable AZURE_CLIENT_ID, printed by this stack's outputs).
 *
 * - `<env>-ci-plan`: Reader on the subscription (refresh reads every resource group the layers
 *   create, including those not created yet), and Storage Blob Data Contributor on the state
 *   container: the azurerm backend locks state with a blob lease, a write.
 * - `<env>-ci-deploy`: Contributor on the subscription (the layers create their resource groups);
 *   Role Based Access Control Administrator, with Azure's condition that it may assign any role
 *   except Owner, User Access Administrator and Role Based Access Control Administrator (the layers
 *   grant cluster, workload and Key Vault roles); a custom role to write role definitions (the
 *   layers define the DNS01 TXT role and the plan identity's Kubernetes readers); and Storage Blob
 *   Data Contributor on the state container.
 *
 * Key Vault and Kubernetes (Azure RBAC) roles need the cluster and its vault, so the cluster layer
 * grants them (constructs/azure/aks-ci-access.ts).
 */
import { DataAzurermUserAssignedIdentity } from '@cdktf/provider-azurerm/lib/data-azurerm-user-assigned-identity';
import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { RoleDefinition } from '@cdktf/provider-azurerm/lib/role-definition';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { ciIdentities, type CiIdentity } from '../../config/delivery';
import type { AzureEnvironment } from '../../config/schema';
import { GITHUB_OIDC } from '../ci/github-oidc';
import { grantRole } from './role';

/** Built-in role ids (the same in every tenant) the deploy identity may never hand out. */
export const PRIVILEGED_ROLE_IDS = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  roleBasedAccessControlAdministrator: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
} as const;

/** Azure's documented "assign all roles except privileged administrator roles" condition. */
export function notPrivilegedRolesCondition(): string {
  const ids = Object.values(PRIVILEGED_ROLE_IDS).join(', ');
  return [
    `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {${ids}}))`,
    `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {${ids}}))`,
  ].join(' AND ');
}

/**
 * The principal ids of the environment's CI identities, looked up by their fixed names in the
 * resource group the bootstrap stack made them in (layers grant them access; they never create them).
 */
export function ciPrincipalIds(scope: Construct, env: AzureEnvironment, resourceGroupName: string, idPrefix = ''): { plan: string; deploy: string } {
  const ci = ciIdentities(env);
  const lookup = (which: 'plan' | 'deploy') => new DataAzurermUserAssignedIdentity(scope, `${idPrefix}${which}`, { name: ci[which].name, resourceGroupName }).principalId;
  return { plan: lookup('plan'), deploy: lookup('deploy') };
}

export interface CiIdentitiesProps {
  readonly env: AzureEnvironment;
  /** Where the identities live: the state store's resource group. */
  readonly resourceGroupName: string;
  readonly location: string;
  /** Resource id of the state container. */
  readonly stateContainerId: string;
}

export class AzureCiIdentities extends Construct {
  readonly plan: UserAssignedIdentity;
  readonly deploy: UserAssignedIdentity;

  constructor(scope: Construct, id: string, props: CiIdentitiesProps) {
    super(scope, id);
    const { env } = props;
    const subscription = `/subscriptions/${env.azure.subscriptionId}`;
    const identities = ciIdentities(env);

    const identity = (which: 'plan' | 'deploy', ci: CiIdentity): UserAssignedIdentity => {
      const uami = new UserAssignedIdentity(this, which, { name: ci.name, resourceGroupName: props.resourceGroupName, location: props.location });
      new FederatedIdentityCredential(this, `${which}-github`, {
        name: `github-${ci.githubEnvironment}`,
        resourceGroupName: props.resourceGroupName,
        parentId: uami.id,
        issuer: GITHUB_OIDC.issuer,
        subject: ci.subject,
        audience: [GITHUB_OIDC.azureAudience],
      });
      new TerraformOutput(this, `${which}-client-id`, {
        value: uami.clientId,
        description: `AZURE_CLIENT_ID of GitHub environment ${ci.githubEnvironment}`,
      }).overrideLogicalId(`${env.name.replace(/-/g, '_')}_ci_${which}_client_id`);
      return uami;
    };
    this.plan = identity('plan', identities.plan);
    this.deploy = identity('deploy', identities.deploy);

    const grant = (name: string, uami: UserAssignedIdentity, role: string | { definitionId: string }, scopeId: string, why: string) =>
      grantRole(this, name, { role, scope: scopeId, principalId: uami.principalId, description: `${why} (GitHub Actions, ${env.name})` });

    grant('plan-reader', this.plan, 'Reader', subscription, 'Plans refresh every resource of the environment');
    grant('plan-state', this.plan, 'Storage Blob Data Contributor', props.stateContainerId, 'Reads state and takes its blob lease lock');

    grant('deploy-contributor', this.deploy, 'Contributor', subscription, 'Applies create and change the environment\'s resources');
    grant('deploy-state', this.deploy, 'Storage Blob Data Contributor', props.stateContainerId, 'Reads and writes state and takes its blob lease lock');
    new RoleAssignment(this, 'deploy-role-assignments', {
      scope: subscription,
      roleDefinitionName: 'Role Based Access Control Administrator',
      principalId: this.deploy.principalId,
      principalType: 'ServicePrincipal',
      description: `Applies grant cluster, workload and Key Vault roles, never Owner or access administration (GitHub Actions, ${env.name})`,
      conditionVersion: '2.0',
      condition: notPrivilegedRolesCondition(),
    });
    const definitions = new RoleDefinition(this, 'role-definitions-writer', {
      name: `${env.name} CI role definitions writer`,
      scope: subscription,
      description: 'Writes the custom roles the stacks define (DNS01 TXT records, Kubernetes readers)',
      permissions: [{ actions: ['Microsoft.Authorization/roleDefinitions/read', 'Microsoft.Authorization/roleDefinitions/write', 'Microsoft.Authorization/roleDefinitions/delete'] }],
      assignableScopes: [subscription],
    });
    grant('deploy-role-definitions', this.deploy, { definitionId: definitions.roleDefinitionResourceId }, subscription, 'Applies define custom roles');
  }
}
