/**
 * Azure `app.backups.dr`: a Key Vault in the DR region (the pair) holding a copy of every secret
 * the app layer keeps (the users, the encryption key, Rocket.Chat's admin, the backup account
 * key), written by the same apply. A restore in the DR region reads only from there.
 *
 * Why not the environment's own vault read in the pair: Key Vault fails over to the paired region
 * only when Microsoft decides so, read-only, and that can take hours (Key Vault availability and
 * redundancy); a region-lost restore would wait for it. Secrets Manager replicas are the AWS
 * counterpart (secret-store.ts there), already in the DR region.
 *
 * Its own resource group in the DR region, so managing it never needs the lost region; RBAC,
 * purge protection and the network rules of the environment's own vault (config
 * `azure.keyVault`). The CI deploy identity writes it (Key Vault Secrets Officer), the plan
 * identity reads it to refresh state (Key Vault Secrets User); both after the propagation wait.
 */
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { azureEscrowVaultName, azureResourceGroupName } from '../../config/names';
import type { AzureEnvironment } from '../../config/schema';
import type { SecretStore } from '../platform/platform-cloud';
import { ciPrincipalIds } from './ci-identities';
import { grantRole } from './role';
import { afterRolePropagation } from './role-propagation';
import { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';

/** The escrow vault's id, from names alone: a restoring environment in the same subscription builds it without the source's state. */
export function escrowVaultIds(envName: string, subscriptionId: string): { vaultId: string; vaultName: string } {
  const vaultName = azureEscrowVaultName(envName, subscriptionId);
  return { vaultName, vaultId: `/subscriptions/${subscriptionId}/resourceGroups/${azureResourceGroupName(envName, 'escrow')}/providers/Microsoft.KeyVault/vaults/${vaultName}` };
}

export interface EscrowVaultProps {
  readonly env: AzureEnvironment;
  /** `app.backups.dr.region`: the pair, never the environment's own location (rules-dr.ts). */
  readonly location: string;
  /** Where the bootstrap stack made this environment's CI identities; undefined with local state (no CI). */
  readonly ciIdentityResourceGroupName: string | undefined;
}

export class EscrowVault extends Construct {
  readonly vault: KeyVault;
  private readonly ready: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: EscrowVaultProps) {
    super(scope, id);
    const { env, location } = props;
    const group = new ResourceGroup(this, 'resource-group', { name: azureResourceGroupName(env.name, 'escrow'), location });
    const { keyVault } = env;
    this.vault = new KeyVault(this, 'vault', {
      name: azureEscrowVaultName(env.name, env.azure.subscriptionId),
      resourceGroupName: group.name,
      location,
      tenantId: env.azure.tenantId,
      skuName: 'standard',
      rbacAuthorizationEnabled: true,
      purgeProtectionEnabled: true,
      softDeleteRetentionDays: keyVault.softDeleteRetentionDays,
      publicNetworkAccessEnabled: keyVault.publicNetworkAccess,
      networkAcls: { bypass: 'AzureServices', defaultAction: 'Deny', ipRules: keyVault.publicNetworkAccess ? [...keyVault.allowedIpRanges] : [] },
      lifecycle: { preventDestroy: true },
    });
    if (props.ciIdentityResourceGroupName === undefined) return;
    const principals = ciPrincipalIds(this, env, props.ciIdentityResourceGroupName, 'ci-');
    const grants = [
      grantRole(this, 'ci-deploy-writes', { role: 'Key Vault Secrets Officer', scope: this.vault.id, principalId: principals.deploy, description: `Applies of ${env.name} write its secrets' escrow copy in ${location} (GitHub Actions)` }),
      grantRole(this, 'ci-plan-reads', { role: 'Key Vault Secrets User', scope: this.vault.id, principalId: principals.plan, description: `Plans of ${env.name} refresh its secrets' escrow copy in ${location} (GitHub Actions)` }),
    ];
    this.ready.push(afterRolePropagation(this, 'propagation', grants));
  }

  /** `store`, with every secret it keeps also written here under the same name. */
  tee(store: SecretStore): SecretStore {
    return {
      read: store.read,
      keep: (sid, name, value, description) => {
        store.keep(sid, name, value, description);
        new KeyVaultSecret(this, `${sid}-escrow`, {
          name,
          value,
          keyVaultId: this.vault.id,
          contentType: 'password',
          tags: { description: `Escrow copy: ${description}`.slice(0, 256) },
          dependsOn: this.ready,
        });
      },
    };
  }
}
