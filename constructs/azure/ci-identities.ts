/**
 * The two user-assigned managed identities GitHub Actions uses for one environment (names and the
 * jobs they trust from config/delivery.ts), each with one federated credential per trusted job:
 * Azure matches a credential's subject exactly, so each names the workflow file, run ref and GitHub
 * environment in full. The workflows log in with the identity's client id (GitHub environment
 * variable AZURE_CLIENT_ID, written by the GitHub settings stack from this stack's outputs).
 *
 * - `<env>-ci-plan`: Reader on the subscription (refresh reads every resource group the layers
 *   create, including those not created yet), and Storage Blob Data Reader on the state container,
 *   with an ABAC condition: blobs it may read are this environment's state (`<keyPrefix>/<env>-*`)
 *   and its store's bootstrap state, nothing else (listing names stays allowed: the backend lists
 *   workspaces). Plans run with -lock=false, so they need no blob lease, which is a write.
 * - `<env>-ci-deploy`: Contributor on the subscription (the layers create their resource groups);
 *   Role Based Access Control Administrator with a condition that it may assign or remove only the
 *   role definitions the layer stacks assign (AZURE_ASSIGNABLE_ROLES: built-in ids and the custom
 *   roles this stack defines, constructs/azure/custom-roles.ts), never one it could have written:
 *   it holds no roleDefinitions/write. Storage Blob Data Contributor on the state container, with a
 *   condition that keeps it from writing or deleting `bootstrap/` blobs.
 *
 * What Contributor could still do to the trust - write a federated credential on any CI identity,
 * re-enable shared keys on the state account and list them, change or delete the store - is held
 * by a ReadOnly management lock on the store's resource group (stacks/azure-bootstrap-stack.ts),
 * which Contributor cannot remove (its NotActions exclude every Microsoft.Authorization write and delete) and no
 * allowlisted role can.
 *
 * Key Vault and Kubernetes (Azure RBAC) roles need the cluster and its vault, so the cluster layer
 * grants them (constructs/azure/aks-ci-access.ts).
 */
import { DataAzurermUserAssignedIdentity } from '@cdktf/provider-azurerm/lib/data-azurerm-user-assigned-identity';
import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { ciIdentities, type CiIdentity } from '../../config/delivery';
import type { AzureEnvironment } from '../../config/schema';
import { GITHUB_OIDC } from '../ci/github-oidc';
import { BOOTSTRAP_KEY_PREFIX } from '../bootstrap-state';
import { customRoleGuid, customRoles } from './custom-roles';
import { grantRole } from './role';

/**
 * Built-in roles the layer stacks assign, by their ids (the same in every tenant; Azure's built-in
 * roles reference). __tests__/stacks-access-matrix.test.ts holds this list to the role assignments the
 * synthesized layer stacks make.
 */
export const AZURE_ASSIGNABLE_ROLES: Readonly<Record<string, string>> = {
  'Reader': 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  'Network Contributor': '4d97b98b-1d4f-4787-a291-c67834d212e7',
  'Managed Identity Operator': 'f1a07417-d97a-45cb-824c-7a7467783830',
  'Azure Kubernetes Service RBAC Cluster Admin': 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b',
  'Key Vault Secrets Officer': 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  'Key Vault Secrets User': '4633458b-17de-408a-b874-0445c86b69e6',
  'Key Vault Crypto Service Encryption User': 'e147488a-f6f5-4113-8e2d-b22465e65bf6',
  'AppGw for Containers Configuration Manager': 'fbc52c3f-28ad-4303-a892-8a056630b8f1',
  'DNS Zone Contributor': 'befefa01-2a29-4197-83a8-272ff33ce314',
  'Storage Blob Data Contributor': 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
};

/** Assigned only by an environment with `app.restore`: its deploy identity reads the source's backup container (restore-source.ts). */
export const AZURE_RESTORE_SOURCE_ROLES: Readonly<Record<string, string>> = {
  'Storage Blob Data Reader': '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
};

/** The role definition GUIDs the deploy identity may assign: the built-in list and the environment's custom roles. */
export function assignableRoleGuids(env: AzureEnvironment): string[] {
  const restore = env.app.restore ? Object.values(AZURE_RESTORE_SOURCE_ROLES) : [];
  return [...Object.values(AZURE_ASSIGNABLE_ROLES), ...restore, ...customRoles(env).map((r) => customRoleGuid(env, r.key))];
}

/** Which roles the cluster layer gives each kind of CI identity (constructs/azure/aks-ci-access.ts): the only ones a deploy identity may assign to one. */
export function ciAccessRoleGuids(env: AzureEnvironment): { plan: string[]; deploy: string[] } {
  return {
    plan: [AZURE_ASSIGNABLE_ROLES['Key Vault Secrets User']!, customRoleGuid(env, 'plan-kubernetes-reader'), customRoleGuid(env, 'plan-release-secrets-reader')],
    deploy: [
      AZURE_ASSIGNABLE_ROLES['Azure Kubernetes Service RBAC Cluster Admin']!,
      AZURE_ASSIGNABLE_ROLES['Key Vault Secrets Officer']!,
      // The cluster stack's applier creates the disk encryption key (disk-encryption.ts).
      ...(env.kubernetes.diskEncryption === 'customer-managed-key' ? [customRoleGuid(env, 'disk-key-manager')] : []),
      // A restoring environment's layers let its deploy identity read the source's backups and vault and copy the backup into
      // its own container (restore-source.ts, app-cloud.ts restoreSource). ABAC cannot limit the scope of those assignments:
      // docs/delivery.md lists what this leaves open while app.restore is set.
      ...(env.app.restore
        ? [AZURE_ASSIGNABLE_ROLES['Storage Blob Data Contributor']!, AZURE_RESTORE_SOURCE_ROLES['Storage Blob Data Reader']!, AZURE_ASSIGNABLE_ROLES['Key Vault Secrets User']!]
        : []),
    ],
  };
}

/** The CI identities of a store, and the roles each kind may receive from a deploy identity. */
export interface CiPrincipals {
  readonly plan: { readonly principals: readonly string[]; readonly roles: readonly string[] };
  readonly deploy: { readonly principals: readonly string[]; readonly roles: readonly string[] };
}

/**
 * Azure's "constrain roles and principals" condition (ABAC, version 2.0): every role assignment it
 * writes or deletes names one of `guids`, and one for a CI identity of the store (`ci`) names only
 * a role the cluster layer gives that kind of identity: a deploy identity would otherwise give
 * itself, or another CI identity, Storage Blob Data Contributor or Managed Identity Operator on the
 * subscription and undo the `bootstrap/` condition or the attach policy.
 */
export function onlyTheseRolesCondition(guids: readonly string[], ci?: CiPrincipals): string {
  const ids = guids.join(', ');
  const principals = (source: 'Request' | 'Resource'): string => {
    if (!ci) return '';
    const attr = (name: string) => `@${source}[Microsoft.Authorization/roleAssignments:${name}]`;
    const notCi = [...ci.plan.principals, ...ci.deploy.principals].map((p) => `${attr('PrincipalId')} GuidNotEquals ${p}`).join(' AND ');
    const kind = (k: CiPrincipals['plan']) => `(${attr('PrincipalId')} ForAnyOfAnyValues:GuidEquals {${k.principals.join(', ')}} AND ${attr('RoleDefinitionId')} ForAnyOfAnyValues:GuidEquals {${k.roles.join(', ')}})`;
    return ` AND ((${notCi}) OR ${kind(ci.plan)} OR ${kind(ci.deploy)})`;
  };
  return [
    `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ids}}${principals('Request')}))`,
    `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${ids}}${principals('Resource')}))`,
  ].join(' AND ');
}

const BLOBS = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs';

/** Blob reads (listing aside) only of the given paths (`*` wildcards): Azure's "read blobs with a path" condition. */
export function readOnlyBlobsCondition(paths: readonly string[]): string {
  const match = paths.map((p) => `@Resource[${BLOBS}:path] StringLike '${p}'`).join(' OR ');
  return `((!(ActionMatches{'${BLOBS}/read'} AND NOT SubOperationMatches{'Blob.List'})) OR (${match}))`;
}

/** No blob writes or deletes under `prefix`. */
export function noBlobWritesUnderCondition(prefix: string): string {
  const writes = ['write', 'delete', 'add/action', 'move/action'].map((a) => `!(ActionMatches{'${BLOBS}/${a}'})`).join(' AND ');
  return `((${writes}) OR (NOT @Resource[${BLOBS}:path] StringStartsWith '${prefix}'))`;
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
  /** The bootstrap stack: plan identities read its state, deploy identities may not write it. */
  readonly bootstrapStack: string;
  /** The environment's state keys are `<stateKeyPrefix>/<env>-<layer>.tfstate`. */
  readonly stateKeyPrefix: string;
}

export class AzureCiIdentities extends Construct {
  readonly plan: UserAssignedIdentity;
  readonly deploy: UserAssignedIdentity;

  constructor(scope: Construct, id: string, private readonly props: CiIdentitiesProps) {
    super(scope, id);
    const { env } = props;
    const subscription = `/subscriptions/${env.azure.subscriptionId}`;
    const identities = ciIdentities(env);

    const identity = (which: 'plan' | 'deploy', ci: CiIdentity): UserAssignedIdentity => {
      const uami = new UserAssignedIdentity(this, which, { name: ci.name, resourceGroupName: props.resourceGroupName, location: props.location });
      for (const job of ci.jobs) {
        if (job.subject.includes('*')) throw new Error(`${ci.name}: Azure federated credentials match subjects exactly; ${job.subject} has a wildcard`);
        new FederatedIdentityCredential(this, `${which}-github-${job.workflow.replace(/\.ya?ml$/, '')}`, {
          name: `github-${job.workflow.replace(/\.ya?ml$/, '')}-${ci.githubEnvironment}`,
          resourceGroupName: props.resourceGroupName,
          parentId: uami.id,
          issuer: GITHUB_OIDC.issuer,
          subject: job.subject,
          audience: [GITHUB_OIDC.azureAudience],
        });
      }
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
    const bootstrapState = `${BOOTSTRAP_KEY_PREFIX}/${props.bootstrapStack}.tfstate`;
    new RoleAssignment(this, 'plan-state', {
      scope: props.stateContainerId,
      roleDefinitionName: 'Storage Blob Data Reader',
      principalId: this.plan.principalId,
      principalType: 'ServicePrincipal',
      description: `Plans read this environment's state and the store's bootstrap state, nothing else (GitHub Actions, ${env.name})`,
      conditionVersion: '2.0',
      condition: readOnlyBlobsCondition([`${props.stateKeyPrefix}/${env.name}-*`, bootstrapState]),
    });

    grant('deploy-contributor', this.deploy, 'Contributor', subscription, 'Applies create and change the environment\'s resources');
    new RoleAssignment(this, 'deploy-state', {
      scope: props.stateContainerId,
      roleDefinitionName: 'Storage Blob Data Contributor',
      principalId: this.deploy.principalId,
      principalType: 'ServicePrincipal',
      description: `Applies read and write layer state and take its blob lease; bootstrap state is written by people (GitHub Actions, ${env.name})`,
      conditionVersion: '2.0',
      condition: noBlobWritesUnderCondition(`${BOOTSTRAP_KEY_PREFIX}/`),
    });
  }

  /**
   * The deploy identity's Role Based Access Control Administrator: only the allowlisted roles, and to
   * a CI identity of the store only its cluster access (`ciPrincipals`, known once every
   * environment's identities exist).
   */
  allowRoleAssignments(ciPrincipals: { plan: readonly string[]; deploy: readonly string[] }): void {
    const { env } = this.props;
    new RoleAssignment(this, 'deploy-role-assignments', {
      scope: `/subscriptions/${env.azure.subscriptionId}`,
      roleDefinitionName: 'Role Based Access Control Administrator',
      principalId: this.deploy.principalId,
      principalType: 'ServicePrincipal',
      description: `Applies assign only the roles the layer stacks assign, to CI identities only their cluster access (GitHub Actions, ${env.name})`,
      conditionVersion: '2.0',
      condition: onlyTheseRolesCondition(assignableRoleGuids(env), {
        plan: { principals: ciPrincipals.plan, roles: ciAccessRoleGuids(env).plan },
        deploy: { principals: ciPrincipals.deploy, roles: ciAccessRoleGuids(env).deploy },
      }),
    });
  }
}
