/**
 * A wait between role assignments and the first resource that uses them.
 * Azure answers a role assignment's creation before the assignment takes
 * effect: Azure Resource Manager and the data planes cache assignments, and
 * Microsoft documents "up to 10 minutes" for a new one to take effect
 * (learn.microsoft.com/azure/role-based-access-control/troubleshooting, "Role
 * assignment changes are not being detected"; the Key Vault RBAC guide gives
 * the same latency). Without the wait the first apply fails with 403s (a Key
 * Vault key, AKS on a subnet or disk encryption set) and passes on a retry.
 */
import { TimeProvider } from '@cdktf/provider-time/lib/provider';
import { Sleep } from '@cdktf/provider-time/lib/sleep';
import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Fn, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';

/**
 * Microsoft's documented upper bound, so the first apply succeeds without a retry. time_sleep
 * waits only when it is created (or replaced because an assignment was), never on later applies.
 */
export const ROLE_PROPAGATION_WAIT = '10m';

/** Resolves once the assignments exist and Azure has had time to honour them: make their users depend on it. */
export function afterRolePropagation(scope: Construct, id: string, assignments: readonly RoleAssignment[]): Sleep {
  const stack = TerraformStack.of(scope);
  if (!stack.node.tryFindChild('time')) new TimeProvider(stack, 'time', {});
  return new Sleep(scope, id, {
    createDuration: ROLE_PROPAGATION_WAIT,
    // A replaced assignment (new principal or scope) starts a new wait.
    triggers: { role_assignment_ids: Fn.join(',', assignments.map((a) => a.id)) },
    dependsOn: [...assignments],
  });
}
