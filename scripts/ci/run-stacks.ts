/**
 * Runs Terraform on synthesized stacks, one environment at a time, in the order given (the
 * dependency order scripts/ci/matrix.ts emits). Used by every workflow and usable on a workstation:
 *
 *   tsx scripts/ci/run-stacks.ts plan   --stacks "<s1> <s2>" --out plans [--no-lock] [--plan-json]
 *   tsx scripts/ci/run-stacks.ts apply  --stacks "<s1> <s2>" --out plans   # the saved plans, nothing else
 *   tsx scripts/ci/run-stacks.ts deploy --stacks "<s1> <s2>" --out plans   # plan then apply each (dev)
 *   tsx scripts/ci/run-stacks.ts drift  --stacks "<s1> <s2>" --out plans   # plan -detailed-exitcode
 *
 * `plan` saves `cdktf.out/stacks/<stack>/tfplan` and writes `<out>/results.json` and
 * `<out>/summary.md`. A consumer whose producer has not applied an output it reads is reported
 * "waiting for <producer> to apply <output>" (scripts/ci/remote-outputs.ts), not failed.
 * Exit codes: 0 done; 1 a stack failed; 2 (drift) a stack differs from its code or waits.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOutdir, type Json } from '../../synth/output';
import { missingOutputs, outputNames, remoteReads, waitingFromPlanError, waitingText, type RemoteRead } from './remote-outputs';
import { environmentMarkdown, planLines, type EnvironmentResult, type StackResult } from './summary';
import { environmentOf } from './targets';

export const PLAN_FILE = 'tfplan';
export const LOCK_TIMEOUT = '-lock-timeout=5m';

interface Options {
  readonly outdir: string;
  readonly out: string;
  readonly stacks: readonly string[];
  /** PR plans, drift checks and gated plans write no state and hold no lock; applies wait for it (-lock-timeout). */
  readonly lock: boolean;
  readonly planJson: boolean;
  readonly environment: string;
}

interface Tf {
  readonly status: number;
  /** stdout and stderr together, as a person reads them. */
  readonly output: string;
  readonly stdout: string;
}

const terraformBin = () => process.env.TERRAFORM_BIN ?? 'terraform';

/** Runs terraform; `quiet` keeps the output out of the log (it may hold output values). */
function terraform(dir: string, args: readonly string[], quiet = false): Tf {
  const run = spawnSync(terraformBin(), [`-chdir=${dir}`, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' },
  });
  if (run.error) throw new Error(`cannot run ${terraformBin()}: ${run.error.message}`);
  const output = `${run.stdout}${run.stderr}`;
  if (!quiet && !process.env.RUN_STACKS_QUIET) process.stdout.write(output);
  return { status: run.status ?? 1, output, stdout: run.stdout };
}

const sha = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

class Runner {
  private readonly stacks: Record<string, Json>;
  private readonly manifest: Json;
  private readonly initialized = new Set<string>();

  constructor(private readonly opts: Options) {
    ({ stacks: this.stacks, manifest: this.manifest } = readOutdir(opts.outdir));
    for (const s of opts.stacks) if (!this.stacks[s]) throw new Error(`stack "${s}" is not in ${opts.outdir}/manifest.json`);
  }

  dir(stack: string): string {
    return join(this.opts.outdir, this.manifest.stacks[stack].workingDirectory as string);
  }

  /**
   * -lockfile=readonly everywhere: the providers installed are the ones the committed lock file
   * (provider-locks/, copied at synth) names and checksums, and nothing a run does can change it.
   */
  init(stack: string): void {
    if (this.initialized.has(stack)) return;
    const args = ['init', '-input=false', '-no-color', '-lockfile=readonly'];
    const result = terraform(this.dir(stack), args);
    if (result.status !== 0) throw new StackError(stack, `terraform init failed: ${lastError(result.output)}`);
    this.initialized.add(stack);
  }

  /** The producer outputs a stack reads: names present in each producer's state, and value hashes. */
  producerOutputs(reads: readonly RemoteRead[]): { names: Record<string, string[]>; hashes: Record<string, string> } {
    const names: Record<string, string[]> = {};
    const hashes: Record<string, string> = {};
    for (const producer of new Set(reads.map((r) => r.producer))) {
      if (!this.stacks[producer]) continue;
      this.init(producer);
      const result = terraform(this.dir(producer), ['output', '-json', '-no-color'], true);
      if (result.status !== 0) throw new StackError(producer, `terraform output failed: ${lastError(result.output)}`);
      names[producer] = outputNames(result.stdout);
      const values = JSON.parse(result.stdout.trim() || '{}') as Record<string, { value: unknown }>;
      for (const read of reads.filter((r) => r.producer === producer)) {
        for (const o of read.outputs) if (values[o]) hashes[`${producer}.${o}`] = sha(values[o].value);
      }
    }
    return { names, hashes };
  }

  /** Plans one stack to its saved plan file; never applies. */
  plan(stack: string, extra: readonly string[] = []): StackResult {
    this.init(stack);
    const reads = remoteReads(this.stacks[stack]!, this.stacks);
    const { names, hashes } = this.producerOutputs(reads);
    const waiting = missingOutputs(reads, names);
    if (waiting.length > 0) return { stack, status: 'waiting', headline: waitingText(waiting), inputs: hashes };
    const dir = this.dir(stack);
    const lock = this.opts.lock ? [LOCK_TIMEOUT] : ['-lock=false'];
    const result = terraform(dir, ['plan', '-input=false', '-no-color', '-detailed-exitcode', ...lock, `-out=${PLAN_FILE}`, ...extra]);
    if (result.status === 1) {
      const waits = waitingFromPlanError(result.output, reads);
      if (waits) return { stack, status: 'waiting', headline: waitingText(waits), inputs: hashes };
      return { stack, status: 'failed', headline: `plan failed: ${lastError(result.output)}` };
    }
    const show = terraform(dir, ['show', '-no-color', PLAN_FILE], true);
    const { headline, details } = planLines(show.output);
    if (this.opts.planJson) {
      const json = terraform(dir, ['show', '-json', PLAN_FILE], true);
      writeFileSync(join(dir, 'plan.json'), json.stdout, { mode: 0o600 });
    }
    return { stack, status: result.status === 2 ? 'changes' : 'no-changes', headline, details, inputs: hashes };
  }

  /**
   * Applies exactly the saved plan, after checking that the producer outputs it read are unchanged.
   * The check runs for every planned stack, "no changes" and "waiting" included: a consumer planned
   * against outputs that an earlier stack of this run has since changed (or applied for the first
   * time) has a plan that no longer says what applying its code would do, so the run stops there.
   */
  applySaved(planned: StackResult): StackResult {
    const { stack } = planned;
    if (planned.status === 'changes' || planned.status === 'no-changes' || planned.status === 'waiting') {
      const reads = remoteReads(this.stacks[stack]!, this.stacks);
      if (reads.length > 0) {
        const moved = movedInputs(planned.inputs ?? {}, this.producerOutputs(reads).hashes);
        if (moved.length > 0) {
          throw new StackError(stack, `re-plan needed: ${stack}: ${moved.join(', ')} changed after this plan was made; run the deploy again to plan against the applied values`);
        }
      }
    }
    if (planned.status !== 'changes') return planned;
    const dir = this.dir(stack);
    if (!existsSync(join(dir, PLAN_FILE))) throw new StackError(stack, `no saved plan ${dir}/${PLAN_FILE}: nothing that was reviewed can be applied`);
    this.init(stack);
    const result = terraform(dir, ['apply', '-input=false', '-no-color', LOCK_TIMEOUT, PLAN_FILE]);
    if (result.status !== 0) throw new StackError(stack, `apply failed: ${lastError(result.output)}`);
    return { ...planned, status: 'applied' };
  }
}

/**
 * Producer outputs (`<producer>.<output>`) whose value differs between the plan and now, including
 * one that appeared or disappeared since (a waiting consumer's producer applied it meanwhile).
 */
export function movedInputs(planned: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>): string[] {
  return [...new Set([...Object.keys(planned), ...Object.keys(now)])].filter((k) => planned[k] !== now[k]).sort();
}

class StackError extends Error {
  constructor(readonly stackName: string, message: string) {
    super(message);
  }
}

/** The first Terraform error line, for one-line summaries (the full text is in the log). */
function lastError(output: string): string {
  const match = /Error: (.+)/.exec(output);
  return match ? match[1]!.trim() : output.trim().split('\n').slice(-1)[0] ?? 'see the log';
}

function costOf(dir: string): string | undefined {
  const planJson = join(dir, 'plan.json');
  if (!existsSync(planJson)) return undefined;
  const run = spawnSync('infracost', ['diff', '--path', planJson, '--format', 'json', '--no-color'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) return `not estimated (${(run.stderr || 'infracost failed').trim().split('\n')[0]})`;
  const report = JSON.parse(run.stdout) as { diffTotalMonthlyCost?: string | null; currency?: string };
  const diff = Number(report.diffTotalMonthlyCost ?? 0);
  return `${diff >= 0 ? '+' : '-'}${Math.abs(diff).toFixed(2)} ${report.currency ?? 'USD'}`;
}

/** Why costs are not estimated, or undefined when Infracost can run. */
export function costNote(env: NodeJS.ProcessEnv, planJson: boolean): string | undefined {
  if (!planJson) return undefined;
  if (!env.INFRACOST_API_KEY) return 'Cost estimate skipped: no INFRACOST_API_KEY secret is configured (docs/delivery.md, "CI set-up").';
  return undefined;
}

export type Mode = 'plan' | 'apply' | 'deploy' | 'drift';

export function runStacks(mode: Mode, opts: Options): { result: EnvironmentResult; exitCode: number } {
  // The stack holding CI trust is applied by an administrator, never by the identities it defines.
  const notLayers = opts.stacks.filter((s) => environmentOf(s) === undefined);
  if ((mode === 'apply' || mode === 'deploy') && notLayers.length > 0) {
    throw new Error(`${notLayers.join(', ')}: CI does not ${mode} bootstrap stacks; an administrator applies them from a workstation (docs/delivery.md)`);
  }
  const runner = new Runner(opts);
  mkdirSync(opts.out, { recursive: true });
  const resultsFile = join(opts.out, 'results.json');
  const previous = mode === 'apply' ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as EnvironmentResult) : undefined;
  const note = costNote(process.env, opts.planJson);
  const results: StackResult[] = [];
  let failed = false;
  for (const stack of opts.stacks) {
    if (failed) {
      results.push({ stack, status: 'not-run', headline: 'not run: an earlier stack failed' });
      continue;
    }
    if (!process.env.RUN_STACKS_QUIET) console.log(`::group::${mode} ${stack}`);
    try {
      let result: StackResult;
      if (mode === 'apply') {
        const planned = previous!.stacks.find((s) => s.stack === stack);
        if (!planned) throw new StackError(stack, 'was not planned in this run');
        result = runner.applySaved(planned);
        if (result.status === 'waiting') result = { ...result, headline: `${result.headline}: plan it with the next deploy run` };
      } else {
        result = runner.plan(stack);
        if (mode === 'plan' && result.status === 'changes' && opts.planJson && !note) result = { ...result, cost: costOf(runner.dir(stack)) };
        if (mode === 'deploy') result = runner.applySaved(result);
      }
      // dev applies straight away: a consumer still waiting after its producers applied is a failure.
      if (mode === 'deploy' && result.status === 'waiting') result = { ...result, status: 'failed' };
      results.push(result);
      failed = result.status === 'failed';
    } catch (error) {
      const message = error instanceof StackError ? `${error.stackName === stack ? "" : `${error.stackName}: `}${error.message}` : (error as Error).message;
      results.push({ stack, status: 'failed', headline: message });
      failed = true;
    } finally {
      if (mode === 'deploy' || mode === 'drift') rmSync(join(runner.dir(stack), PLAN_FILE), { force: true });
      if (!process.env.RUN_STACKS_QUIET) console.log('::endgroup::');
    }
  }
  const result: EnvironmentResult = { environment: opts.environment, stacks: results, ...(note ? { costNote: note } : {}) };
  writeFileSync(resultsFile, JSON.stringify(result, null, 2));
  const differs = results.filter((r) => r.status === 'changes' || r.status === 'waiting').map((r) => r.stack);
  const drift = mode === 'drift' ? `**Drifted:** ${differs.length > 0 ? differs.join(', ') : 'none'}\n\n` : '';
  writeFileSync(join(opts.out, 'summary.md'), `${drift}${environmentMarkdown(result)}`);
  if (mode === 'drift') writeFileSync(join(opts.out, 'drifted.txt'), differs.join(', '));
  return { result, exitCode: failed ? 1 : mode === 'drift' && differs.length > 0 ? 2 : 0 };
}

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

if (require.main === module) {
  const [mode, ...args] = process.argv.slice(2);
  const stacks = (flag(args, 'stacks') ?? '').split(/\s+/).filter(Boolean);
  if (!['plan', 'apply', 'deploy', 'drift'].includes(mode ?? '') || stacks.length === 0) {
    console.error('usage: run-stacks.ts plan|apply|deploy|drift --stacks "<stack> ..." [--out plans] [--outdir cdktf.out] [--environment name] [--no-lock] [--plan-json]');
    process.exit(64);
  }
  const { result, exitCode } = runStacks(mode as Mode, {
    outdir: flag(args, 'outdir') ?? 'cdktf.out',
    out: flag(args, 'out') ?? 'plans',
    stacks,
    lock: !args.includes('--no-lock'),
    planJson: args.includes('--plan-json'),
    // A bootstrap stack (PR plans, drift) comes first but names no environment: take the first layer's.
    environment: flag(args, 'environment') ?? stacks.map(environmentOf).find(Boolean) ?? stacks[0]!,
  });
  for (const s of result.stacks) console.log(`${s.stack}: ${s.status}: ${s.headline}`);
  process.exit(exitCode);
}
