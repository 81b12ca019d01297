/**
 * Customer-managed encryption for node OS and data disks: an RSA key in the
 * environment's Key Vault that rotates itself, and a disk encryption set that
 * follows the key's latest version. The set's identity may only wrap and
 * unwrap with that one key.
 */
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { DiskEncryptionSet } from '@cdktf/provider-azurerm/lib/disk-encryption-set';
import type { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { KeyVaultKey } from '@cdktf/provider-azurerm/lib/key-vault-key';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Construct } from 'constructs';
import { grantRole } from './role';
import { afterRolePropagation } from './role-propagation';

export interface DiskEncryptionProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly vault: KeyVault;
  /** The bootstrap stack's `<env> disk key manager` role (constructs/azure/custom-roles.ts), given to whoever applies this stack. */
  readonly keyManagerRoleDefinitionId: string;
}

export class DiskEncryption extends Construct {
  readonly set: DiskEncryptionSet;
  readonly key: KeyVaultKey;
  /** AKS must not use the set before its identity may use the key: wait for its propagation. */
  readonly keyAccess: RoleAssignment;

  constructor(scope: Construct, id: string, props: DiskEncryptionProps) {
    super(scope, id);
    const { name, resourceGroupName, location, vault } = props;

    // The vault uses Azure RBAC, so whoever applies this stack needs a data-plane role to create the key.
    const deployer = new DataAzurermClientConfig(this, 'deployer', {});
    const officer = new RoleAssignment(this, 'deployer-crypto-officer', {
      scope: vault.id,
      roleDefinitionId: props.keyManagerRoleDefinitionId,
      principalId: deployer.objectId,
      description: 'Lets the identity that applies the cluster stack create and rotate the disk encryption key',
    });
    // The key is created through the vault's data plane, which refuses the deployer until the role takes effect.
    const officerActive = afterRolePropagation(this, 'deployer-crypto-officer-propagation', [officer]);

    this.key = new KeyVaultKey(this, 'key', {
      name: `${name}-disks`,
      keyVaultId: vault.id,
      keyType: 'RSA',
      keySize: 3072,
      keyOpts: ['wrapKey', 'unwrapKey'],
      rotationPolicy: {
        automatic: { timeAfterCreation: 'P90D' },
        expireAfter: 'P1Y',
        notifyBeforeExpiry: 'P30D',
      },
      dependsOn: [officerActive],
      lifecycle: { preventDestroy: true },
    });

    this.set = new DiskEncryptionSet(this, 'set', {
      name: `des-${name}`,
      resourceGroupName,
      location,
      encryptionType: 'EncryptionAtRestWithCustomerKey',
      // Versionless: the set picks up each new key version within an hour of rotation.
      keyVaultKeyId: this.key.versionlessId,
      autoKeyRotationEnabled: true,
      identity: { type: 'SystemAssigned' },
    });
    this.keyAccess = grantRole(this, 'set-key-access', {
      role: 'Key Vault Crypto Service Encryption User',
      scope: this.key.resourceVersionlessId,
      principalId: this.set.identity.principalId,
      description: 'Disk encryption set: wrap and unwrap disk keys with this key only',
    });
  }
}
