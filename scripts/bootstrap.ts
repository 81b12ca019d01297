/**
 * A state store's bootstrap stack, from nothing to state kept in the store it created:
 *
 *   npm run bootstrap -- <bootstrap-stack> [--dry-run]          first apply, then the migration
 *   npm run bootstrap:migrate -- <bootstrap-stack> [--dry-run]  the migration alone (a store
 *                                                               bootstrapped with local state before)
 *
 * The synthesized bootstrap stack names its own store as backend (constructs/bootstrap-state.ts), which
 * cannot work before the store exists. So the first apply synthesizes it with local state
 * (BOOTSTRAP_LOCAL_STATE=<stack>: terraform-state/<stack>.tfstate, git-ignored), then:
 *  1. `terraform init` on that local-state synthesis records the local backend in the stack's
 *     working directory (a no-op when the apply just did it);
 *  2. a normal synthesis switches the stack's backend to the store;
 *  3. `terraform init -migrate-state -force-copy` copies the state into the store
 *     (bootstrap/<stack>.tfstate), where it is versioned, KMS/Entra-protected and locked;
 *  4. `terraform state list` proves the store now answers with the resources;
 *  5. the local file is renamed <stack>.tfstate.migrated, so nobody applies from it again
 *     (delete it once the store's copy is confirmed).
 * From then on `npx cdktf deploy <bootstrap-stack>` works like any other stack.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { BOOTSTRAP_STATE_DIRECTORY } from '../constructs/bootstrap-state';

const ROOT = join(__dirname, '..');
const bin = (name: string) => join('node_modules', '.bin', name);

export interface Step {
  readonly what: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

export function localStateFile(stack: string): string {
  return join(BOOTSTRAP_STATE_DIRECTORY, `${stack}.tfstate`);
}

export function bootstrapSteps(stack: string, options: { migrateOnly: boolean; outdir?: string }): Step[] {
  if (!/^bootstrap-[a-z0-9-]+$/.test(stack)) throw new Error(`"${stack}" is not a bootstrap stack (see npx cdktf list: bootstrap-<store>)`);
  const outdir = options.outdir ?? 'cdktf.out';
  const dir = join(outdir, 'stacks', stack);
  const local = { BOOTSTRAP_LOCAL_STATE: stack, CHECKPOINT_DISABLE: '1' };
  const terraform = (what: string, ...args: string[]): Step => ({ what, command: 'terraform', args: [`-chdir=${dir}`, ...args] });
  return [
    ...(options.migrateOnly
      ? []
      : [{ what: 'first apply, with local state', command: bin('cdktf'), args: ['deploy', stack], env: { ...local, CDKTF_OUTDIR: outdir } }]),
    { what: 'synthesize with local state', command: bin('tsx'), args: ['main.ts'], env: { ...local, CDKTF_OUTDIR: outdir } },
    terraform('record the local backend', 'init', '-input=false'),
    { what: 'synthesize with the store as backend', command: bin('tsx'), args: ['main.ts'], env: { CDKTF_OUTDIR: outdir } },
    terraform('copy the state into the store', 'init', '-input=false', '-migrate-state', '-force-copy'),
    terraform('read the state back from the store', 'state', 'list'),
  ];
}

function run(step: Step): void {
  process.stdout.write(`\n# ${step.what}\n${Object.entries(step.env ?? {}).map(([k, v]) => `${k}=${v} `).join('')}${step.command} ${step.args.join(' ')}\n`);
  const result = spawnSync(step.command, [...step.args], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...step.env } });
  if (result.status !== 0) throw new Error(`${step.what} failed (exit ${result.status ?? result.signal}); nothing after it ran`);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const migrateOnly = args.includes('--migrate-only');
  const dryRun = args.includes('--dry-run');
  const [stack] = args.filter((a) => !a.startsWith('--'));
  try {
    if (!stack) throw new Error('usage: npm run bootstrap[:migrate] -- <bootstrap-stack> [--dry-run]');
    const file = join(ROOT, localStateFile(stack));
    if (!dryRun && existsSync(`${file}.migrated`)) throw new Error(`${stack} was already moved into its store (${localStateFile(stack)}.migrated exists): deploy it with npx cdktf deploy ${stack}`);
    if (!dryRun && migrateOnly && !existsSync(file)) throw new Error(`no local state to migrate at ${localStateFile(stack)}`);
    const steps = bootstrapSteps(stack, { migrateOnly });
    if (dryRun) {
      for (const s of steps) process.stdout.write(`# ${s.what}\n${Object.entries(s.env ?? {}).map(([k, v]) => `${k}=${v} `).join('')}${s.command} ${s.args.join(' ')}\n`);
    } else {
      steps.forEach(run);
      renameSync(file, `${file}.migrated`);
      process.stdout.write(`\n${stack}'s state is in its store now; the local copy is ${localStateFile(stack)}.migrated (delete it once you have checked).\n`);
    }
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
