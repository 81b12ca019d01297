/**
 * Stack names derived from config, kept short enough to copy: `cdktf list` prints names in a column
 * 40% of an 80-character terminal wide and wraps anything longer than 31 characters mid-name.
 */
import type { Environment } from './schema';

export const STACK_NAME_MAX = 31;
/** The longest layer suffix: `-platform`. */
const LONGEST_LAYER = '-platform';

/** Compass words in AWS region names, as AWS's own short region codes write them (eu-west-1 -> euw1). */
const DIRECTIONS: Readonly<Record<string, string>> = {
  north: 'n', south: 's', east: 'e', west: 'w', central: 'c',
  northeast: 'ne', northwest: 'nw', southeast: 'se', southwest: 'sw',
};

/** `eu-west-1` -> `euw1`, `ap-southeast-5` -> `apse5`, `us-gov-west-1` -> `usgovw1`. */
export function shortRegion(region: string): string {
  return region
    .split('-')
    .map((part, i) => (i === 0 || /^\d+$/.test(part) ? part : (DIRECTIONS[part] ?? part)))
    .join('');
}

/**
 * The bootstrap stack of the environment's remote state store, if it has one. AWS: named after the
 * store's region and account (`bootstrap-euw1-222222222222`, config allows one store per account and
 * region), since bucket names run to 63 characters. Azure: named after the storage account (at most
 * 24 characters).
 */
export function stateStoreStackId(env: Environment): string | undefined {
  const state = env.state;
  if (state.type === 's3' && env.cloud === 'aws') return `bootstrap-${shortRegion(state.region)}-${env.aws.accountId}`;
  if (state.type === 'azurerm') return `bootstrap-${state.storageAccountName}`;
  return undefined;
}

/** One line per stack name of this environment that `cdktf list` would wrap. */
export function stackNameProblems(env: Environment): string[] {
  const problems: string[] = [];
  const longest = `${env.name}${LONGEST_LAYER}`;
  if (longest.length > STACK_NAME_MAX) {
    problems.push(
      `config/${env.name}: name: "${env.name}" makes stack names such as ${longest} longer than ${STACK_NAME_MAX} characters, which cdktf list wraps (allowed: at most ${STACK_NAME_MAX - LONGEST_LAYER.length} characters)`,
    );
  }
  const store = stateStoreStackId(env);
  if (store && store.length > STACK_NAME_MAX && env.state.type === 'azurerm') {
    problems.push(
      `config/${env.name}: state.storageAccountName: "${env.state.storageAccountName}" makes the stack name ${store} longer than ${STACK_NAME_MAX} characters, which cdktf list wraps (allowed: at most ${STACK_NAME_MAX - 'bootstrap-'.length} characters)`,
    );
  }
  return problems;
}
