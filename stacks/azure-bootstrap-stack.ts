/**
 * `bootstrap-<storage account>`: the storage account and container that hold
 * every other stack's state in one subscription, and the GitHub Actions plan and
 * deploy identities of every environment whose state lives here (why here:
 * stacks/aws-bootstrap-stack.ts; what they may do: constructs/azure/ci-identities.ts).
 * Whoever runs it gets blob data access. Its own state lives in the container
 * after the first apply (stacks/bootstrap-state.ts).
 */
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { ManagementLock } from '@cdktf/provider-azurerm/lib/management-lock';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import type { Construct } from 'constructs';
import type { AzureEnvironment } from '../config/schema';
import { applyDefaultTags } from '../constructs/azure/default-tags';
import { azurermProvider } from '../constructs/azure/provider';
import { AzureCiIdentities } from '../constructs/azure/ci-identities';
import { SecureStorageAccount } from '../constructs/azure/secure-storage-account';
import { LayerStack } from '../constructs/layer-stack';
import { BOOTSTRAP_KEY_PREFIX, bootstrapStateLocation } from './bootstrap-state';

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
    // Azure-side guard on top of prevent_destroy: deleting the account needs the lock removed first.
    new ManagementLock(this, 'delete-lock', {
      name: 'terraform-state',
      scope: storage.account.id,
      lockLevel: 'CanNotDelete',
      notes: 'Holds Terraform state for every stack in this subscription',
    });
    const current = new DataAzurermClientConfig(this, 'current', {});
    new RoleAssignment(this, 'deployer-state-access', {
      scope: container.id,
      roleDefinitionName: 'Storage Blob Data Contributor',
      principalId: current.objectId,
      description: 'Lets the identity that bootstrapped state read and write it with Entra ID auth',
    });

    for (const ciEnv of envs) {
      new AzureCiIdentities(this, `ci-${ciEnv.name}`, {
        env: ciEnv,
        resourceGroupName: group.name,
        location,
        stateContainerId: container.id,
      });
    }
  }
}
