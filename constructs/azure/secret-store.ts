/** Key Vault as the SecretStore (the environment's vault from the cluster layer, Azure RBAC, purge protection). */
import { DataAzurermKeyVaultSecret } from '@cdktf/provider-azurerm/lib/data-azurerm-key-vault-secret';
import { DataAzurermKeyVaultSecrets } from '@cdktf/provider-azurerm/lib/data-azurerm-key-vault-secrets';
import { Fn } from 'cdktf';
import { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import type { Construct } from 'constructs';
import type { SecretStore } from '../platform/platform-cloud';
import { preflight } from '../preflight';

export function keyVaultStore(scope: Construct, keyVaultId: string, keyVaultName: string): SecretStore {
  let names: DataAzurermKeyVaultSecrets | undefined;
  return {
    read: (sid, name) => {
      // One listing of the vault serves every secret this stack reads.
      names ??= new DataAzurermKeyVaultSecrets(scope, 'secrets-preflight', { keyVaultId });
      return new DataAzurermKeyVaultSecret(scope, `${sid}-value`, {
        name,
        keyVaultId,
        lifecycle: {
          precondition: [
            preflight(
              Fn.contains(names.names, name),
              `Key Vault ${keyVaultName} has no secret named "${name}". Create it before planning this stack: az keyvault secret set --vault-name ${keyVaultName} --name ${name} --value '<value>' (README.md, "Deploying", lists the secrets an environment needs).`,
            ),
          ],
        },
      }).value;
    },
    keep: (sid, name, value, description) => {
      new KeyVaultSecret(scope, sid, { name, value, keyVaultId, contentType: 'password', tags: { description } });
    },
  };
}
