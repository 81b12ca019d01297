/**
 * What a workstation may deploy to a prod-tier environment. CI deploys prod only from `main`, after
 * review; a workstation deploy synthesizes whatever is in the working tree, so it is held to the
 * same line: a clean tree at a commit that `origin/main` contains. An incident that cannot wait for
 * a merge passes `--break-glass`: the deploy goes ahead and says loudly what it skipped, so the
 * person records it. Dev tiers are not checked: trying a change on dev is what they are for.
 */
import { spawnSync } from 'node:child_process';

export const BREAK_GLASS_FLAG = '--break-glass';

export interface TreeState {
  /** The commit checked out (short), or undefined outside a git work tree. */
  readonly commit: string | undefined;
  /** `git status --porcelain` lines: modified, staged and untracked files. */
  readonly changes: readonly string[];
  /** HEAD is contained in origin/main; undefined when origin/main is not known here. */
  readonly onMain: boolean | undefined;
}

function git(cwd: string, args: readonly string[]): { status: number; out: string } {
  const run = spawnSync('git', [...args], { cwd, encoding: 'utf8' });
  return { status: run.error ? 128 : (run.status ?? 128), out: (run.stdout ?? '').trimEnd() };
}

/** Reads the tree state with git; `origin/main` as last fetched (a stale ref can only refuse more). */
export function treeState(cwd: string): TreeState {
  const head = git(cwd, ['rev-parse', '--short=12', 'HEAD']);
  if (head.status !== 0) return { commit: undefined, changes: [], onMain: undefined };
  const status = git(cwd, ['status', '--porcelain', '--untracked-files=normal']);
  const changes = status.status === 0 ? status.out.split('\n').filter(Boolean) : ['(git status failed)'];
  const known = git(cwd, ['rev-parse', '--verify', '--quiet', 'refs/remotes/origin/main']).status === 0;
  const onMain = known ? git(cwd, ['merge-base', '--is-ancestor', 'HEAD', 'refs/remotes/origin/main']).status === 0 : undefined;
  return { commit: head.out, changes, onMain };
}

/** Why a prod-tier deploy from this tree is not the reviewed code; empty when it is. */
export function unreviewedReasons(state: TreeState): string[] {
  if (state.commit === undefined) return ['this is not a git work tree, so nothing shows the code was reviewed'];
  const reasons: string[] = [];
  if (state.changes.length > 0) {
    const shown = state.changes.slice(0, 3).map((l) => l.slice(3)).join(', ');
    reasons.push(`the working tree has ${state.changes.length} uncommitted change(s) (${shown}${state.changes.length > 3 ? ', ...' : ''})`);
  }
  if (state.onMain === undefined) reasons.push('origin/main is not known here (run git fetch origin main)');
  else if (!state.onMain) reasons.push(`commit ${state.commit} is not on origin/main (merge it first, or git fetch origin main if it was)`);
  return reasons;
}

export interface GuardResult {
  /** Set when the deploy must not run. */
  readonly refusal?: string;
  /** Set when it runs under break-glass: print it. */
  readonly warning?: string;
}

export function guardDeploy(environment: string, tier: 'dev' | 'prod', state: TreeState, breakGlass: boolean): GuardResult {
  if (tier !== 'prod') return {};
  const reasons = unreviewedReasons(state);
  if (reasons.length === 0) return {};
  const why = reasons.join('; ');
  if (!breakGlass) {
    return {
      refusal: `refusing to deploy ${environment} (tier prod) from this workstation: ${why}. Prod runs only reviewed code from origin/main; in an emergency pass ${BREAK_GLASS_FLAG} and record why`,
    };
  }
  return { warning: `BREAK-GLASS: deploying ${environment} (tier prod) although ${why}. Record who, why and the commit (${state.commit ?? 'none'}) in the incident, and merge the change to main afterwards.` };
}
