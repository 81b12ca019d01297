/**
 * Reading another Azure environment's backups (config `app.restore.from`): the source's backup
 * account through its read-only geo-secondary, and the secrets a restore needs from the source's
 * escrow vault in this region (escrow-vault.ts), never the source's own vault, whose failover to
 * the pair Microsoft decides and can take hours (docs/restore.md, "Region lost").
 *
 * Both answer only private endpoints, so the restoring environment's platform layer creates its
 * own endpoints to them (RestoreSourceAccess) before its app layer plans: the app layer reads the
 * source's secrets while it plans, and the backup names are listed through the same endpoint.
 * The source is in this environment's subscription (config/rules-dr.ts says so in the field's
 * help), which is what lets these ids be built from names instead of another state.
 */
import { DataAzurermKeyVaultSecret } from '@cdktf/provider-azurerm/lib/data-azurerm-key-vault-secret';
import { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';
import { Construct } from 'constructs';
import { azureResourceGroupName } from '../../config/names';
import { escrowVaultIds } from './escrow-vault';
import type { AzureEnvironment } from '../../config/schema';
import type { RestoreFrom } from '../app/app-cloud';
import { mongoSecretNames } from '../app/mongodb-secrets';
import type { SecretStore } from '../platform/platform-cloud';
import { ciPrincipalIds } from './ci-identities';
import { grantRole } from './role';

/** The container every environment's backup account keeps PBM's files in (app-cloud.ts). */
export const BACKUP_CONTAINER = 'mongodb-backups';

/** Where an environment keeps its backup account's key: a restore elsewhere signs in with it. */
export const backupAccountKeySecretName = (envName: string) => `${envName}-mongodb-backup-account-key`;

/** The source's secrets a restore reads: the replica set's users and key, Rocket.Chat's admin (no account key: restore-copy.ts). */
export function restoreSecretNames(source: string): string[] {
  return Object.values(mongoSecretNames(source));
}

/** The read-only geo-secondary of an RA-GZRS account (Azure Storage redundancy docs, "Read access to data in the secondary region"). */
export const secondaryBlobEndpoint = (account: string) => `https://${account}-secondary.blob.core.windows.net`;

/** The source's escrow vault in this region (escrow-vault.ts: never its own vault, which fails over only when Microsoft decides) and its backup account. */
export function restoreSourceIds(env: AzureEnvironment, from: RestoreFrom): { vaultId: string; vaultName: string; accountId: string } {
  const subscription = `/subscriptions/${env.azure.subscriptionId}`;
  return {
    ...escrowVaultIds(from.environment, env.azure.subscriptionId),
    accountId: `${subscription}/resourceGroups/${azureResourceGroupName(from.environment, 'app')}/providers/Microsoft.Storage/storageAccounts/${from.store}`,
  };
}

/**
 * Reads named secrets of the source's vault. No listing preflight as for the environment's own
 * vault (secret-store.ts): this environment may read only the secrets granted to it, one by one,
 * and listing needs the whole vault. Nothing is ever written there.
 */
export function sourceVaultReader(scope: Construct, vaultId: string, vaultName: string): SecretStore {
  return {
    read: (sid, name) => new DataAzurermKeyVaultSecret(scope, `${sid}-value`, { name, keyVaultId: vaultId }).value,
    keep: () => {
      throw new Error(`the restore source's vault ${vaultName} is read-only here`);
    },
  };
}

export interface RestoreSourceAccessProps {
  readonly env: AzureEnvironment;
  readonly from: RestoreFrom;
  readonly resourceGroupName: string;
  readonly privateEndpointSubnetId: string;
  readonly blobPrivateDnsZoneId: string;
  readonly vaultPrivateDnsZoneId: string;
  /** Where the bootstrap stack made this environment's CI identities; undefined with local state (no CI). */
  readonly ciIdentityResourceGroupName: string | undefined;
}

/**
 * This environment's way in to the source: a private endpoint to the account's `blob_secondary`
 * (read-only by Azure's design, so the source's key opens nothing writable from here) and one to
 * the source's vault, each registered in this VNet's privatelink zone; and, for this
 * environment's CI identities, Key Vault Secrets User on exactly the secrets a restore reads.
 * The deploy identity approves both endpoints with its Contributor role on the subscription.
 */
export class RestoreSourceAccess extends Construct {
  constructor(scope: Construct, id: string, props: RestoreSourceAccessProps) {
    super(scope, id);
    const { env, from } = props;
    const { vaultId, vaultName, accountId } = restoreSourceIds(env, from);
    const endpoint = (name: string, target: string, subresource: string, zoneId: string) =>
      new PrivateEndpoint(this, name, {
        name: `pe-${env.name}-${name}`,
        resourceGroupName: props.resourceGroupName,
        location: env.azure.location,
        subnetId: props.privateEndpointSubnetId,
        privateServiceConnection: { name: subresource, privateConnectionResourceId: target, subresourceNames: [subresource], isManualConnection: false },
        privateDnsZoneGroup: { name: subresource, privateDnsZoneIds: [zoneId] },
      });
    endpoint('restore-source-blob', accountId, 'blob_secondary', props.blobPrivateDnsZoneId);
    endpoint('restore-source-vault', vaultId, 'vault', props.vaultPrivateDnsZoneId);

    const identityGroup = props.ciIdentityResourceGroupName;
    if (identityGroup === undefined) return;
    const principals = ciPrincipalIds(this, env, identityGroup, 'ci-');
    // The restore copy (restore-copy.ts) reads the source's backups with Entra ID, at the secondary: read-only, one container.
    grantRole(this, 'ci-deploy-source-backups', {
      role: 'Storage Blob Data Reader',
      scope: `${accountId}/blobServices/default/containers/${BACKUP_CONTAINER}`,
      principalId: principals.deploy,
      description: `Applies of ${env.name} copy ${from.environment}'s backups from ${from.store}'s secondary for app.restore (GitHub Actions)`,
    });
    for (const which of ['plan', 'deploy'] as const) {
      const principalId = principals[which];
      for (const secret of restoreSecretNames(from.environment)) {
        grantRole(this, `ci-${which}-${secret}`, {
          role: 'Key Vault Secrets User',
          scope: `${vaultId}/secrets/${secret}`,
          principalId,
          description: `${which === 'plan' ? 'Plans' : 'Applies'} of ${env.name} read ${from.environment}'s ${secret} from ${vaultName} for app.restore (GitHub Actions)`,
        });
      }
    }
  }
}
