/**
 * Kubernetes (Azure RBAC) and Key Vault access of the environment's CI identities, which the
 * bootstrap stack created in the state store's resource group and this layer looks up by name:
 * - deploy: Azure Kubernetes Service RBAC Cluster Admin on the cluster (applies install CRDs,
 *   cluster roles and webhooks), Key Vault Secrets Officer on the environment's vault (the
 *   layers write generated passwords there).
 * - plan: a custom role reading every Kubernetes object except Secrets on the cluster (Azure RBAC's
 *   notDataActions), a custom role reading Secrets assigned only on the namespaces whose Secrets
 *   plans must read (Helm release records, managed Secrets: constructs/ci/kubernetes-scope.ts), and
 *   Key Vault Secrets User on the vault (refresh reads the secrets the stacks manage or read).
 *   The built-in "Azure Kubernetes Service RBAC Reader" has no Secrets at all, so Helm could not
 *   refresh a single release with it.
 */
import { RoleDefinition } from '@cdktf/provider-azurerm/lib/role-definition';
import { Construct } from 'constructs';
import type { AzureEnvironment } from '../../config/schema';
import { CI_PLAN_SECRET_NAMESPACES } from '../ci/kubernetes-scope';
import { ciPrincipalIds } from './ci-identities';
import { grantRole } from './role';

const KUBERNETES_DATA = 'Microsoft.ContainerService/managedClusters';

export interface AksCiAccessProps {
  readonly env: AzureEnvironment;
  /** The state store's resource group, where the bootstrap stack created the identities. */
  readonly identityResourceGroupName: string;
  readonly clusterId: string;
  /** The cluster's resource group id: custom roles are defined and assignable there (Azure takes resource groups, not single resources, as assignable scopes). */
  readonly roleDefinitionScope: string;
  readonly keyVaultId: string;
}

export class AksCiAccess extends Construct {
  constructor(scope: Construct, id: string, props: AksCiAccessProps) {
    super(scope, id);
    const { env, clusterId } = props;
    const { plan, deploy } = ciPrincipalIds(this, env, props.identityResourceGroupName);
    const why = (text: string) => `${text} (GitHub Actions, ${env.name})`;

    grantRole(this, 'deploy-cluster-admin', { role: 'Azure Kubernetes Service RBAC Cluster Admin', scope: clusterId, principalId: deploy, description: why('Applies install charts, CRDs and cluster roles') });
    grantRole(this, 'deploy-key-vault', { role: 'Key Vault Secrets Officer', scope: props.keyVaultId, principalId: deploy, description: why('Applies write generated secrets') });
    grantRole(this, 'plan-key-vault', { role: 'Key Vault Secrets User', scope: props.keyVaultId, principalId: plan, description: why('Plans refresh the secrets the stacks manage and read') });

    const readAllButSecrets = new RoleDefinition(this, 'plan-kubernetes-reader-role', {
      name: `${env.name} CI plan Kubernetes reader`,
      scope: props.roleDefinitionScope,
      description: 'Reads every Kubernetes object except Secrets',
      permissions: [{ dataActions: [`${KUBERNETES_DATA}/*/read`], notDataActions: [`${KUBERNETES_DATA}/secrets/read`] }],
      assignableScopes: [props.roleDefinitionScope],
    });
    grantRole(this, 'plan-kubernetes-reader', { role: { definitionId: readAllButSecrets.roleDefinitionResourceId }, scope: clusterId, principalId: plan, description: why('Plans refresh Kubernetes objects') });

    const readSecrets = new RoleDefinition(this, 'plan-release-secrets-role', {
      name: `${env.name} CI plan release secrets reader`,
      scope: props.roleDefinitionScope,
      description: 'Reads Secrets (Helm release records) in the namespace it is assigned on',
      permissions: [{ dataActions: [`${KUBERNETES_DATA}/secrets/read`] }],
      assignableScopes: [props.roleDefinitionScope],
    });
    for (const namespace of CI_PLAN_SECRET_NAMESPACES.azure) {
      grantRole(this, `plan-secrets-${namespace}`, {
        role: { definitionId: readSecrets.roleDefinitionResourceId },
        scope: `${clusterId}/namespaces/${namespace}`,
        principalId: plan,
        description: why(`Plans read Helm release records in ${namespace}`),
      });
    }
  }
}
