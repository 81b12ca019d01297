/**
 * The custom Azure roles the layer stacks assign, defined once per environment by the bootstrap
 * stack (people apply it) instead of by the layers: an identity that may write role definitions
 * can rewrite one it is allowed to assign into `Microsoft.Authorization/*` and hand it to itself,
 * so the deploy identity writes none. Each definition's GUID is derived from the subscription,
 * environment and role key, so the layers name it (and the deploy identity's assignment allowlist
 * lists it) before anything is applied.
 *
 * Assignable at the subscription: Azure takes management groups, subscriptions or resource groups
 * as assignable scopes, and the roles are assigned on single resources (the cluster, its
 * namespaces, the DNS zone) that live in groups the bootstrap stack does not know.
 */
import { createHash } from 'node:crypto';
import type { AzureEnvironment } from '../../config/schema';

const KUBERNETES_DATA = 'Microsoft.ContainerService/managedClusters';

export interface CustomRole {
  readonly key: 'plan-kubernetes-reader' | 'plan-release-secrets-reader' | 'acme-dns01' | 'mongodb-backup-reader' | 'disk-key-manager';
  readonly name: string;
  readonly description: string;
  readonly actions?: readonly string[];
  readonly dataActions?: readonly string[];
  readonly notDataActions?: readonly string[];
}

export function customRoles(env: AzureEnvironment): CustomRole[] {
  return [
    {
      key: 'plan-kubernetes-reader',
      name: `${env.name} CI plan Kubernetes reader`,
      description: 'Reads every Kubernetes object except Secrets',
      dataActions: [`${KUBERNETES_DATA}/*/read`],
      notDataActions: [`${KUBERNETES_DATA}/secrets/read`],
    },
    {
      key: 'plan-release-secrets-reader',
      name: `${env.name} CI plan release secrets reader`,
      description: 'Reads Secrets (Helm release records) in the namespace it is assigned on',
      dataActions: [`${KUBERNETES_DATA}/secrets/read`],
    },
    {
      key: 'acme-dns01',
      name: `${env.name} ACME DNS01 TXT records`,
      description: `Read the ${env.platform.dnsZone} zone and manage its TXT records (cert-manager DNS01)`,
      actions: ['Microsoft.Network/dnsZones/read', 'Microsoft.Network/dnsZones/TXT/read', 'Microsoft.Network/dnsZones/TXT/write', 'Microsoft.Network/dnsZones/TXT/delete'],
    },
    // Whoever applies the cluster stack creates and rotates the disk encryption key (constructs/azure/disk-encryption.ts): Key Vault
    // Crypto Officer's key management without sign, import, delete or purge, so no deploy identity can make itself or another a
    // signer of any key (the plan signing keys: constructs/azure/plan-signing-key.ts) or replace a key with material it holds.
    ...(env.kubernetes.diskEncryption === 'customer-managed-key'
      ? [
          {
            key: 'disk-key-manager' as const,
            name: `${env.name} disk key manager`,
            description: 'Creates, reads and rotates keys and their rotation policies in the vault it is assigned on; no cryptographic use',
            dataActions: [
              'Microsoft.KeyVault/vaults/keys/read',
              'Microsoft.KeyVault/vaults/keys/create/action',
              'Microsoft.KeyVault/vaults/keys/update/action',
              'Microsoft.KeyVault/vaults/keys/rotate/action',
              'Microsoft.KeyVault/vaults/keyrotationpolicies/read',
              'Microsoft.KeyVault/vaults/keyrotationpolicies/write',
            ],
          },
        ]
      : []),
    // The weekly restore check reads the environment's own backups (app-cloud.ts restoreCheck): Storage Blob Data
    // Reader's read rights without its user delegation key, under this environment's name, so the deploy identity's
    // allowlist keeps the built-in reader for a restoring environment's grant on another environment's backups.
    ...(env.app.backups.restoreCheck.enabled
      ? [
          {
            key: 'mongodb-backup-reader' as const,
            name: `${env.name} MongoDB backup reader`,
            description: 'Lists and reads the blobs of the container it is assigned on (the weekly restore check)',
            actions: ['Microsoft.Storage/storageAccounts/blobServices/containers/read'],
            dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'],
          },
        ]
      : []),
  ];
}

/** The role definition's GUID: a name-based UUID (version 5 layout) of subscription, environment and key. */
export function customRoleGuid(env: AzureEnvironment, key: CustomRole['key']): string {
  const hex = createHash('sha256').update(`${env.azure.subscriptionId}/${env.name}/${key}`).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The scoped id a role assignment names. */
export function customRoleDefinitionId(env: AzureEnvironment, key: CustomRole['key']): string {
  return `/subscriptions/${env.azure.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${customRoleGuid(env, key)}`;
}
