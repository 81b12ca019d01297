/**
 * `bootstrap-<storage account>`: the storage account and container that hold
 * every other stack's state in one subscription, and the GitHub Actions plan and
 * deploy identities of every environment whose state lives here (why here:
 * stacks/aws-bootstrap-stack.ts; what they may do: constructs/azure/ci-identities.ts).
 * Whoever runs it gets blob data access. Its own state lives in the container
 * after the first apply (constructs/bootstrap-state.ts).
 */
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { ManagementLock } from '@cdktf/provider-azurerm/lib/management-lock';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { RoleDefinition } from '@cdktf/provider-azurerm/lib/role-definition';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { TerraformResource } from 'cdktf';
import type { Construct } from 'constructs';
import type { AzureEnvironment } from '../config/schema';
import { applyDefaultTags } from '../constructs/azure/default-tags';
import { azurermProvider } from '../constructs/azure/provider';
import { AzureCiIdentities } from '../constructs/azure/ci-identities';
import { noCiIdentityOnCompute } from '../constructs/azure/ci-identity-policy';
import { customRoleGuid, customRoles } from '../constructs/azure/custom-roles';
import { PlanSigningVault } from '../constructs/azure/plan-signing-key';
import { SecureStorageAccount } from '../constructs/azure/secure-storage-account';
import { LayerStack } from '../constructs/layer-stack';
import { BOOTSTRAP_KEY_PREFIX, bootstrapStateLocation } from '../constructs/bootstrap-state';

export interface AzureStateStore {
  readonly resourceGroupName: string;
  readonly storageAccountName: string;
  readonly containerName: string;
}

export class AzureBootstrapStack extends LayerStack {
  /** `envs`: every environment whose state this account holds (at least one), sorted by name. */
  constructor(scope: Construct, id: string, envs: readonly AzureEnvironment[], store: AzureStateStore) {
    const env = envs[0]!;
    const { subscriptionId, tenantId, location } = env.azure;
    super(scope, id, bootstrapStateLocation(id, { type: 'azurerm', ...store, key: `${BOOTSTRAP_KEY_PREFIX}/${id}.tfstate`, subscriptionId, tenantId }));
    azurermProvider(this, { subscriptionId, tenantId });
    applyDefaultTags(this, { ...env.tags, project: 'rocketchat', 'managed-by': 'cdktf', purpose: 'terraform-state' });

    const group = new ResourceGroup(this, 'resource-group', {
      name: store.resourceGroupName,
      location,
      lifecycle: { preventDestroy: true },
    });
    const storage = new SecureStorageAccount(this, 'state', {
      name: store.storageAccountName,
      resourceGroupName: group.name,
      location,
      // State is small and losing it is expensive: keep a copy in the paired region.
      replication: 'GZRS',
      softDeleteDays: 30,
    });
    const container = new StorageContainer(this, 'container', {
      name: store.containerName,
      storageAccountId: storage.account.id,
      containerAccessType: 'private',
      lifecycle: { preventDestroy: true },
    });
    const current = new DataAzurermClientConfig(this, 'current', {});
    new RoleAssignment(this, 'deployer-state-access', {
      scope: container.id,
      roleDefinitionName: 'Storage Blob Data Contributor',
      principalId: current.objectId,
      description: 'Lets the identity that bootstrapped state read and write it with Entra ID auth',
    });

    const subscription = `/subscriptions/${subscriptionId}`;
    const ci: AzureCiIdentities[] = [];
    const gated: [string, AzureCiIdentities][] = [];
    for (const ciEnv of envs) {
      if (ciEnv.state.type !== 'azurerm') continue;
      const identities = new AzureCiIdentities(this, `ci-${ciEnv.name}`, {
        env: ciEnv,
        resourceGroupName: group.name,
        location,
        stateContainerId: container.id,
        bootstrapStack: id,
        stateKeyPrefix: ciEnv.state.keyPrefix,
      });
      ci.push(identities);
      if (ciEnv.tier === 'prod') gated.push([ciEnv.name, identities]);
      // The custom roles the layers assign: defined here, where only people write (constructs/azure/custom-roles.ts).
      for (const role of customRoles(ciEnv)) {
        new RoleDefinition(this, `role-${ciEnv.name}-${role.key}`, {
          roleDefinitionId: customRoleGuid(ciEnv, role.key),
          name: role.name,
          scope: subscription,
          description: role.description,
          permissions: [{ actions: [...(role.actions ?? [])], dataActions: [...(role.dataActions ?? [])], notDataActions: [...(role.notDataActions ?? [])] }],
          assignableScopes: [subscription],
        });
      }
    }
    // Gated (prod-tier) environments carry their plans from the plan job to the approved apply: the plan identity signs them.
    if (gated.length > 0) {
      const signing = new PlanSigningVault(this, 'plan-signing', {
        storageAccountName: store.storageAccountName,
        resourceGroupName: group.name,
        location,
        tenantId,
        subscriptionId,
        deployerObjectId: current.objectId,
      });
      for (const [name, identities] of gated) signing.addKey(name, identities.plan.principalId);
    }
    const ciPrincipals = { plan: ci.map((c) => c.plan.principalId), deploy: ci.map((c) => c.deploy.principalId) };
    for (const c of ci) c.allowRoleAssignments(ciPrincipals);
    noCiIdentityOnCompute(this, id, subscription, ci.flatMap((c) => [c.plan.id, c.deploy.id]));

    // The store and the CI identities (their federated credentials included) change only when a
    // person removes this lock: the deploy identities' Contributor cannot write or delete locks, and
    // no role they may assign can. Created last, so the first apply can build everything under it.
    // Data-plane access (Entra ID auth to the state blobs) is not affected by management locks.
    new ManagementLock(this, 'read-only-lock', {
      name: 'terraform-state-and-ci-identities',
      scope: group.id,
      lockLevel: 'ReadOnly',
      notes: 'Holds Terraform state for every stack in this subscription and the GitHub Actions identities: remove only to change the bootstrap stack (docs/delivery.md)',
      dependsOn: this.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource),
    });
  }
}
