/**
 * The CI matrix, from the config registry and the synthesized manifest (no workflow lists an
 * environment or a stack):
 *
 *   tsx scripts/ci/matrix.ts targets [--tier dev|prod] [--pull-request] [--changed changed.json] [--bootstrap]
 *                                                                                -> JSON list, one entry per environment
 *     (--pull-request: only environments a pull request may plan, config/delivery.ts pullRequestPlans;
 *      --bootstrap: each bootstrap stack planned in the target of the first environment its store holds)
 *   tsx scripts/ci/matrix.ts hashes                                              -> {"<stack>": "<sha256>"} of cdktf.out
 *   tsx scripts/ci/matrix.ts changed <base-hashes.json> <head-hashes.json>      -> JSON list of changed stacks
 *   tsx scripts/ci/matrix.ts order <environment>                                -> its stacks, one a line, deploy order
 *
 * Reads cdktf.out (or CDKTF_OUT) and selects environments like synth does (ENVIRONMENTS).
 * A missing or empty base hashes file means "plan everything". `--bootstrap` adds the bootstrap
 * stacks (PR plans and drift only: CI never applies them).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENTS } from '../../config/environments';
import { pullRequestPlans } from '../../config/delivery';
import { ConfigError, loadEnvironments } from '../../config/load';
import { changedStacks, stackHashes } from './changes';
import { deployOrder, targets, type Manifest } from './targets';

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function readJson<T>(file: string | undefined): T | undefined {
  if (!file || !existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8').trim();
  return text ? (JSON.parse(text) as T) : undefined;
}

export function main(argv: readonly string[], registry: Readonly<Record<string, unknown>> = ENVIRONMENTS): string {
  const [command, ...args] = argv;
  const outdir = process.env.CDKTF_OUT ?? 'cdktf.out';
  const manifest = () => JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as Manifest;
  switch (command) {
    case 'targets': {
      const tier = option(args, 'tier');
      if (tier !== undefined && tier !== 'dev' && tier !== 'prod') throw new ConfigError([`--tier: "${tier}" is not a tier (allowed: dev, prod)`]);
      const changed = option(args, 'changed');
      const stacks = changed === undefined ? undefined : (readJson<string[]>(changed) ?? []);
      // Pull requests plan only where a plan identity trusts them (config/delivery.ts pullRequestPlans).
      const envs = loadEnvironments(registry, process.env.ENVIRONMENTS).filter((env) => !args.includes('--pull-request') || pullRequestPlans(env));
      return JSON.stringify(targets(envs, manifest(), { stacks, tier, bootstrap: args.includes('--bootstrap') }));
    }
    case 'hashes':
      return JSON.stringify(stackHashes(outdir));
    case 'changed': {
      const head = readJson<Record<string, string>>(args[1]);
      if (!head) throw new Error(`no head hashes at ${args[1]}`);
      return JSON.stringify(changedStacks(readJson<Record<string, string>>(args[0]), head));
    }
    case 'order':
      if (!args[0]) break;
      return deployOrder(manifest(), args[0]).join('\n');
  }
  throw new Error('usage: matrix.ts targets [--tier dev|prod] [--pull-request] [--changed file] [--bootstrap] | hashes | changed <base> <head> | order <environment>');
}

if (require.main === module) {
  try {
    console.log(main(process.argv.slice(2)));
  } catch (error) {
    console.error(error instanceof ConfigError ? error.problems.join('\n') : (error as Error).message);
    process.exit(1);
  }
}
