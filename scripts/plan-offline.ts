/**
 * npm run plan:offline [-- [--no-synth] <stack>...]
 *
 * Synthesizes every example environment into cdktf.out (--no-synth reads
 * what is there), writes an offline copy of each stack to
 * cdktf.out/plan-offline/ and runs `terraform plan -refresh=false` on them
 * with stubbed upstream outputs and data sources. Prints one line per stack
 * and every error with its construct path; exits 1 if any planned stack
 * fails. docs/offline-plan.md says what it proves and what it cannot.
 */
import '../constructs/synth-speedups/startup';
import { join } from 'node:path';
import { ENVIRONMENTS } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { run } from '../synth/run';
import { formatReport, planOffline } from './offline-plan/plan';
import { readOutdir } from '../synth/output';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  if (!args.includes('--no-synth')) run(ENVIRONMENTS, undefined, outdir);
  const only = args.filter((a) => !a.startsWith('--'));
  const { stacks } = readOutdir(outdir);
  const unknown = only.filter((s) => !stacks[s]);
  if (unknown.length > 0) throw new Error(`no synthesized stack named ${unknown.join(', ')} (known: ${Object.keys(stacks).sort().join(', ')})`);
  const report = await planOffline({
    stacks,
    only: only.length > 0 ? only : undefined,
    envs: loadEnvironments(ENVIRONMENTS, undefined),
    workdir: join(outdir, 'plan-offline'),
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`${formatReport(report).join('\n')}\n`);
  if (report.results.some((r) => r.status === 'failed')) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
