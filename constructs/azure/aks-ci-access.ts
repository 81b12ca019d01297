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
import { Construct } from 'constructs';
import type { AzureEnvironment } from '../../config/schema';
import { ciPlanSecretNamespaces } from '../ci/kubernetes-scope';
import { ciPrincipalIds } from './ci-identities';
import { customRoleDefinitionId } from './custom-roles';
import { grantRole } from './role';

export interface AksCiAccessProps {
  readonly env: AzureEnvironment;
  /** The state store's resource group, where the bootstrap stack created the identities. */
  readonly identityResourceGroupName: string;
  readonly clusterId: string;
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

    // Both roles are defined by the bootstrap stack (constructs/azure/custom-roles.ts): the deploy identity writes no role definition.
    grantRole(this, 'plan-kubernetes-reader', { role: { definitionId: customRoleDefinitionId(env, 'plan-kubernetes-reader') }, scope: clusterId, principalId: plan, description: why('Plans refresh Kubernetes objects') });
    const readSecrets = customRoleDefinitionId(env, 'plan-release-secrets-reader');
    for (const namespace of ciPlanSecretNamespaces(env)) {
      grantRole(this, `plan-secrets-${namespace}`, {
        role: { definitionId: readSecrets },
        scope: `${clusterId}/namespaces/${namespace}`,
        principalId: plan,
        description: why(`Plans read Helm release records in ${namespace}`),
      });
    }
  }
}
