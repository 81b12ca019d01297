/**
 * Where a bootstrap stack keeps its own state. It cannot start in the store it creates, so the
 * first apply runs with local state (BOOTSTRAP_LOCAL_STATE=<stack>, what `npm run bootstrap`
 * sets), and `npm run bootstrap:migrate` then moves that state into the store, under
 * `bootstrap/<stack>.tfstate`. From then on the synthesized stack names the store as its backend,
 * like every other stack: its state is versioned, encrypted and locked, and no laptop holds it.
 */
import { localState, type StateLocation } from './state-backend';

/** Where the one-time local state of a first bootstrap apply is written (git-ignored). */
export const BOOTSTRAP_STATE_DIRECTORY = 'terraform-state';
/** Key prefix of bootstrap stacks' own state in their store; CI identities get no access to it. */
export const BOOTSTRAP_KEY_PREFIX = 'bootstrap';

/** Stacks named in BOOTSTRAP_LOCAL_STATE (comma separated) synthesize with local state. */
export function bootstrapsOnLocalState(value = process.env.BOOTSTRAP_LOCAL_STATE): Set<string> {
  return new Set((value ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}

export function bootstrapStateLocation(stackId: string, inStore: StateLocation): StateLocation {
  return bootstrapsOnLocalState().has(stackId) ? localState(BOOTSTRAP_STATE_DIRECTORY, stackId) : inStore;
}
