/**
 * The key that signs a gated Azure environment's sealed plan bundle, the Azure side of
 * constructs/aws/plan-signing-key.ts: an EC P-256 key in a Key Vault of the bootstrap stack's locked
 * resource group, that only the environment's plan identity may sign with. The plan job signs the
 * same digest the AWS path signs (repository, run, commit, environment, SHA-256 of the bundle); the
 * approved apply verifies it offline against the key's public key before it opens the bundle.
 *
 * - Sign: a custom role holding `Microsoft.KeyVault/vaults/keys/sign/action` (and `read`, for
 *   refreshes), assigned to the plan identity on this key alone. Custom roles live in the bootstrap
 *   stack, which only people apply; no deploy identity can assign this one, nor any role that signs
 *   or imports key material (Key Vault Crypto Officer is not in AZURE_ASSIGNABLE_ROLES; the disk
 *   key's applier gets a custom role without sign or import: constructs/azure/custom-roles.ts).
 * - Who applies the bootstrap stack creates and reads the keys (a custom role without sign, import
 *   or delete), after the role has had time to take effect (role-propagation.ts).
 * - Verify: offline (scripts/ci/plan-signature.ts) against the public key the GitHub settings stack
 *   copies from this stack's output into the `<env>` environment's PLAN_SIGNING_PUBLIC_KEY, so the
 *   pin lives where no CI identity writes and the deploy identity needs no access to the vault.
 * - The vault sits under the store's ReadOnly lock (no management change while it stands; data-plane
 *   signing is unaffected), with purge protection, and the key is HSM-backed (Premium vault).
 * - No automatic rotation: a new key version has a new public key, which the verify accepts only
 *   once an administrator re-applies the settings stack (docs/delivery.md, "Plan bundles signed").
 */
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { KeyVaultKey } from '@cdktf/provider-azurerm/lib/key-vault-key';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { RoleDefinition } from '@cdktf/provider-azurerm/lib/role-definition';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import type { Sleep } from '@cdktf/provider-time/lib/sleep';
import { grantRole } from './role';
import { afterRolePropagation } from './role-propagation';

/** What the plan identity holds on its key: sign, and read (the drift check and pull-request plans refresh the key; public material only). */
export const PLAN_SIGNER_DATA_ACTIONS = ['Microsoft.KeyVault/vaults/keys/sign/action', 'Microsoft.KeyVault/vaults/keys/read'] as const;

/** What the bootstrap stack's applier holds on the vault: create and read the keys. */
const KEY_MANAGER_DATA_ACTIONS = ['Microsoft.KeyVault/vaults/keys/read', 'Microsoft.KeyVault/vaults/keys/create/action'] as const;

/** `sign-<store account, first 19 characters>`: globally unique like the account, 3-24 characters, starting with a letter. */
export function planSigningVaultName(storageAccountName: string): string {
  return `sign-${storageAccountName.slice(0, 19)}`;
}

/** `<env>_plan_signing_key_id` (versioned key id the plan job signs with) and `<env>_plan_signing_public_key` (PEM the apply verifies with). */
export function planSigningOutputs(environment: string): { keyId: string; publicKey: string } {
  const prefix = environment.replace(/-/g, '_');
  return { keyId: `${prefix}_plan_signing_key_id`, publicKey: `${prefix}_plan_signing_public_key` };
}

export interface PlanSigningVaultProps {
  readonly storageAccountName: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly tenantId: string;
  /** The subscription the sign-only role is defined in. */
  readonly subscriptionId: string;
  /** Whoever applies the bootstrap stack: it creates the keys through the data plane, with the key manager role below. */
  readonly deployerObjectId: string;
}

/** One vault per store, one key per gated environment whose state the store holds. */
export class PlanSigningVault extends Construct {
  readonly vault: KeyVault;
  private readonly deployerAccess: Sleep;
  private readonly subscription: string;

  constructor(scope: Construct, id: string, props: PlanSigningVaultProps) {
    super(scope, id);
    this.vault = new KeyVault(this, 'vault', {
      name: planSigningVaultName(props.storageAccountName),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tenantId: props.tenantId,
      // Premium: the signing keys are HSM-backed (EC-HSM); Standard holds software keys only.
      skuName: 'premium',
      rbacAuthorizationEnabled: true,
      purgeProtectionEnabled: true,
      softDeleteRetentionDays: 90,
      // Reached from the plan runners like the state account is (Entra ID only, no key or SAS exists for a vault).
      publicNetworkAccessEnabled: true,
      lifecycle: { preventDestroy: true },
    });
    this.subscription = `/subscriptions/${props.subscriptionId}`;
    // Not Key Vault Crypto Officer: its applier creates and reads the keys, and holds no sign, import, delete or purge.
    const manager = this.dataRole(
      'key-manager',
      `plan signing key manager (${this.vault.name})`,
      'Creates and reads the plan signing keys of one vault; no cryptographic use, no import, no deletion',
      KEY_MANAGER_DATA_ACTIONS,
    );
    const access = new RoleAssignment(this, 'deployer-keys', {
      scope: this.vault.id,
      roleDefinitionId: manager.roleDefinitionResourceId,
      principalId: props.deployerObjectId,
      description: 'Lets the identity that applies the bootstrap stack create the plan signing keys',
    });
    // The keys are created through the vault's data plane, which refuses the applier until the role takes effect.
    this.deployerAccess = afterRolePropagation(this, 'deployer-keys-propagation', [access]);
  }

  /** The environment's signing key, signable by `planPrincipalId` alone. */
  addKey(environment: string, planPrincipalId: string): KeyVaultKey {
    const key = new KeyVaultKey(this, `${environment}-key`, {
      name: `${environment}-plan-signing`,
      keyVaultId: this.vault.id,
      keyType: 'EC-HSM',
      curve: 'P-256',
      keyOpts: ['sign', 'verify'],
      dependsOn: [this.deployerAccess],
      lifecycle: { preventDestroy: true },
    });
    const role = this.dataRole(
      `${environment}-signer`,
      `${environment} plan signer`,
      `Signs digests with the ${environment} plan signing key and reads its public part, nothing else`,
      PLAN_SIGNER_DATA_ACTIONS,
    );
    grantRole(this, `${environment}-plan-signs`, {
      role: { definitionId: role.roleDefinitionResourceId },
      scope: key.resourceVersionlessId,
      principalId: planPrincipalId,
      description: `The ${environment} plan identity signs its sealed plan bundles`,
    });
    const outputs = planSigningOutputs(environment);
    new TerraformOutput(this, `${environment}-key-id`, { value: key.id, description: `Key the ${environment} plan job signs with` }).overrideLogicalId(outputs.keyId);
    new TerraformOutput(this, `${environment}-public-key`, {
      value: key.publicKeyPem,
      description: `Public key the approved applies of ${environment} verify plan signatures with`,
    }).overrideLogicalId(outputs.publicKey);
    return key;
  }

  /** A custom role of data actions only, defined here where only people apply. */
  private dataRole(id: string, name: string, description: string, dataActions: readonly string[]): RoleDefinition {
    return new RoleDefinition(this, id, {
      name,
      scope: this.subscription,
      description,
      permissions: [{ actions: [], dataActions: [...dataActions], notDataActions: [] }],
      assignableScopes: [this.subscription],
    });
  }
}
