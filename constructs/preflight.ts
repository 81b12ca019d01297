/**
 * Plan-time preflight: a prerequisite that lives outside the code (a DNS zone, a named secret, a
 * service-linked role, Network Watcher) is looked up with a data source that lists instead of
 * failing, and a lifecycle condition turns "not there" into one message that says what to create
 * and how. Terraform evaluates data sources and their conditions during `plan`, so a missing
 * prerequisite stops the plan before anything is changed, instead of a resource failing mid-apply.
 *
 * Precondition on the lookup that needs the prerequisite: Terraform checks it before the read, so
 * the provider's own "not found" error never shows. Postcondition where nothing else reads it.
 * cdktf 0.21 has no `check` block construct, and a check block only warns: it would not stop the
 * apply, which is the point here.
 */
export interface Condition {
  readonly condition: string;
  readonly errorMessage: string;
}

/** Every preflight message starts the same way, so a failed plan says at once what kind of failure it is. */
export function preflight(condition: string, message: string): Condition {
  return { condition, errorMessage: `Preflight: ${message}` };
}
