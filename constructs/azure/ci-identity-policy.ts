/**
 * An Azure Policy that refuses any resource attaching a CI identity as a user-assigned identity.
 *
 * The deploy identity's Contributor on the subscription includes
 * `Microsoft.ManagedIdentity/userAssignedIdentities/assign/action` on every identity, the CI
 * identities in the store's resource group included; the ReadOnly lock there does not help,
 * because attaching an identity is a write on the VM, container group or deployment script that
 * uses it, not on the identity. Such a resource would hold a CI identity's tokens without GitHub.
 * Alternatives rejected: a custom role "Contributor without assign/action" breaks the cluster layer
 * (AKS needs assign/action on its own control-plane and kubelet identities, which live in layer
 * resource groups that do not exist when the bootstrap stack is applied); a separate subscription
 * for the identities costs a subscription per store (docs/delivery.md).
 *
 * Azure Policy evaluates the request body of every create and update at the subscription, before
 * RBAC lets it through; `identity.userAssignedIdentities` is the dictionary of attached identities
 * keyed by resource id (the field built-in policies read with containsKey), on every resource type
 * (mode All). The deploy identity cannot remove the assignment or exempt a resource:
 * Contributor's NotActions exclude every `Microsoft.Authorization/…/write` and `/delete`
 * (policyAssignments and policyExemptions included), and no allowlisted role grants them.
 */
import { PolicyDefinition } from '@cdktf/provider-azurerm/lib/policy-definition';
import { SubscriptionPolicyAssignment } from '@cdktf/provider-azurerm/lib/subscription-policy-assignment';
import type { Construct } from 'constructs';

/** The policy rule: deny when any of `identityIds` is attached. */
export function noCiIdentityRule(identityIds: readonly string[]): object {
  return {
    if: { anyOf: identityIds.map((id) => ({ field: 'identity.userAssignedIdentities', containsKey: id })) },
    then: { effect: 'deny' },
  };
}

export function noCiIdentityOnCompute(scope: Construct, storeStack: string, subscription: string, identityIds: readonly string[]): void {
  const definition = new PolicyDefinition(scope, 'ci-identities-not-attachable', {
    name: `${storeStack}-ci-identities-not-attachable`,
    displayName: `GitHub Actions identities of ${storeStack} are attached to no resource`,
    description: 'A VM, container or script holding a CI identity would use its rights without GitHub (constructs/azure/ci-identity-policy.ts)',
    policyType: 'Custom',
    mode: 'All',
    policyRule: JSON.stringify(noCiIdentityRule(identityIds)),
  });
  new SubscriptionPolicyAssignment(scope, 'ci-identities-not-attachable-assignment', {
    name: `${storeStack}-ci-identities`.slice(0, 64),
    subscriptionId: subscription,
    policyDefinitionId: definition.id,
    displayName: `GitHub Actions identities of ${storeStack} are attached to no resource`,
    enforce: true,
  });
}
