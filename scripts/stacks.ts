/**
 * What CI plans and deploys, read from cdktf.out/manifest.json:
 *   tsx scripts/stacks.ts plan-matrix cdktf.out/manifest.json   -> JSON list for a job matrix
 *   tsx scripts/stacks.ts deploy-order cdktf.out/manifest.json <env> -> stack names, one per line
 * Bootstrap stacks keep local state and are applied by hand, once per store.
 */
import { readFileSync } from 'node:fs';
import { layerOf } from '../constructs/naming';

export interface Manifest {
  readonly stacks: Record<string, { readonly dependencies?: readonly string[] }>;
}

export interface PlanTarget {
  readonly stack: string;
  readonly environment: string;
  readonly cloud: 'aws' | 'azure';
}

/** `aws-prod-cluster` -> `aws-prod`. */
const environmentOf = (stack: string) => stack.slice(0, -(layerOf(stack)!.length + 1));

export function planMatrix(manifest: Manifest): PlanTarget[] {
  return Object.keys(manifest.stacks)
    .filter((stack) => layerOf(stack))
    .sort()
    .map((stack) => ({ stack, environment: environmentOf(stack), cloud: stack.startsWith('aws-') ? 'aws' : 'azure' }));
}

/** The environment's stacks, each after every stack it reads from. */
export function deployOrder(manifest: Manifest, environment: string): string[] {
  const own = Object.keys(manifest.stacks).filter((s) => layerOf(s) && environmentOf(s) === environment).sort();
  if (own.length === 0) throw new Error(`no stacks for environment "${environment}" in the manifest`);
  const ordered: string[] = [];
  const visit = (stack: string, path: string[]): void => {
    if (ordered.includes(stack)) return;
    if (path.includes(stack)) throw new Error(`dependency cycle: ${[...path, stack].join(' -> ')}`);
    for (const dep of manifest.stacks[stack]?.dependencies ?? []) if (own.includes(dep)) visit(dep, [...path, stack]);
    ordered.push(stack);
  };
  own.forEach((s) => visit(s, []));
  return ordered;
}

if (require.main === module) {
  const [command, manifestPath, environment] = process.argv.slice(2);
  const manifest = JSON.parse(readFileSync(manifestPath ?? 'cdktf.out/manifest.json', 'utf8')) as Manifest;
  if (command === 'plan-matrix') console.log(JSON.stringify(planMatrix(manifest)));
  else if (command === 'deploy-order' && environment) console.log(deployOrder(manifest, environment).join('\n'));
  else {
    console.error('usage: stacks.ts plan-matrix <manifest> | deploy-order <manifest> <environment>');
    process.exitCode = 2;
  }
}
