/** Key Vault as the SecretStore (the environment's vault from the cluster layer, Azure RBAC, purge protection). */
import { DataAzurermKeyVaultSecret } from '@cdktf/provider-azurerm/lib/data-azurerm-key-vault-secret';
import { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import type { Construct } from 'constructs';
import type { SecretStore } from '../platform/platform-cloud';

export function keyVaultStore(scope: Construct, keyVaultId: string): SecretStore {
  return {
    read: (sid, name) => new DataAzurermKeyVaultSecret(scope, `${sid}-value`, { name, keyVaultId }).value,
    keep: (sid, name, value, description) => {
      new KeyVaultSecret(scope, sid, { name, value, keyVaultId, contentType: 'password', tags: { description } });
    },
  };
}
