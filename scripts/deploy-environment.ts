/**
 * `npm run deploy:env -- <env> [layer ...] [--dry-run] [--break-glass] [-- <cdktf deploy options>]`: deploys one
 * environment's layers (all four by default) in order from the workstation, one stack at a time,
 * each after the one before it applied. It runs
 *   ENVIRONMENTS=<env> cdktf deploy <env>-network <env>-cluster ... --ignore-missing-stack-dependencies --parallelism 1
 * Why the flag: every layer depends on its state store's bootstrap stack, which people apply
 * separately (npm run bootstrap); without the flag cdktf 0.21 refuses a selection that leaves out a
 * dependency ("The following dependencies are not included in the stacks to run"). With it, cdktf
 * runs the named stacks in the order given, and --parallelism 1 makes each wait for the previous.
 * Synthesizing only <env> keeps the run short and its output about that environment.
 * A prod-tier environment is deployed only from a clean tree at a commit on origin/main, unless
 * --break-glass is given (scripts/deploy-guard.ts).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { LAYERS } from '../config/names';
import { BREAK_GLASS_FLAG, guardDeploy, treeState } from './deploy-guard';

export interface Command {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

const CDKTF = join(__dirname, '..', 'node_modules', '.bin', 'cdktf');

export function deployCommand(environment: string, layers: readonly string[], extra: readonly string[] = []): Command {
  const known = Object.keys(ENVIRONMENTS).sort();
  if (!known.includes(environment)) throw new Error(`"${environment}" is not an environment (allowed: ${known.join(', ')})`);
  const unknown = layers.filter((l) => !(LAYERS as readonly string[]).includes(l));
  if (unknown.length > 0) throw new Error(`"${unknown.join('", "')}" is not a layer (allowed: ${LAYERS.join(', ')})`);
  // Deploy order is the layers' order, whatever order they were given in.
  const selected = LAYERS.filter((l) => layers.length === 0 || layers.includes(l));
  return {
    command: CDKTF,
    args: ['deploy', ...selected.map((l) => `${environment}-${l}`), '--ignore-missing-stack-dependencies', '--parallelism', '1', ...extra],
    env: { ENVIRONMENTS: environment, CHECKPOINT_DISABLE: '1' },
  };
}

export function show(c: Command): string {
  return `${Object.entries(c.env).map(([k, v]) => `${k}=${v}`).join(' ')} ${c.command.replace(`${join(__dirname, '..')}/`, '')} ${c.args.join(' ')}`;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const extra = dash < 0 ? [] : argv.slice(dash + 1);
  const dryRun = own.includes('--dry-run');
  const breakGlass = own.includes(BREAK_GLASS_FLAG);
  const [environment, ...layers] = own.filter((a) => a !== '--dry-run' && a !== BREAK_GLASS_FLAG);
  try {
    if (!environment) throw new Error(`usage: npm run deploy:env -- <env> [layer ...] [--dry-run] [${BREAK_GLASS_FLAG}] [-- <cdktf deploy options>]`);
    const c = deployCommand(environment, layers, extra);
    const [env] = loadEnvironments(ENVIRONMENTS, environment);
    const guard = guardDeploy(environment, env!.tier, treeState(join(__dirname, '..')), breakGlass);
    if (guard.refusal) throw new Error(guard.refusal);
    if (guard.warning) process.stderr.write(`${guard.warning}\n`);
    process.stdout.write(`${show(c)}\n`);
    if (!dryRun) process.exitCode = spawnSync(c.command, [...c.args], { stdio: 'inherit', env: { ...process.env, ...c.env } }).status ?? 1;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
