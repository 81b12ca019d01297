/**
 * Plans offline copies of synthesized stacks with the real terraform binary.
 *
 * Stacks are planned together, as modules of one root: the AWS provider takes
 * seconds of CPU to start and Terraform starts it three times per plan, so one
 * plan of every stack (one provider process per distinct configuration, the
 * graph walked in parallel) costs a fraction of one plan per stack. Errors are
 * attributed back to their stack and construct path; when some stacks fail,
 * the others are planned again without them, so one broken stack never hides
 * the result of another.
 */
import { execFile, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Environment } from '../../config/schema';
import type { Json } from '../../synth/output';
import { offlineCopy, type OfflineCopy } from './copy';
import { startFakeSts } from './fake-sts';
import { providerMode, providerSource, type ProviderSource } from './providers';

export interface StackResult {
  readonly stack: string;
  readonly status: 'planned' | 'failed' | 'not planned';
  /** Why a stack was not planned. */
  readonly reason?: string;
  /** Every error, `<construct path> (<address>): <summary>: <detail>`. */
  readonly errors: readonly string[];
  /** Resources the plan would create. */
  readonly toAdd: number;
  /** Providers that planned it for real, `hashicorp/aws 5.100.0`. */
  readonly providers: readonly string[];
  readonly notes: readonly string[];
}

export interface PlanReport {
  readonly terraform: string;
  readonly source: ProviderSource;
  readonly results: readonly StackResult[];
  /** Wall-clock seconds for init and plan(s). */
  readonly seconds: number;
}

export interface PlanOptions {
  /** Every synthesized stack by name (producers are read from here too). */
  readonly stacks: Readonly<Record<string, Json>>;
  /** The stacks to plan; all by default. */
  readonly only?: readonly string[];
  readonly envs: readonly Environment[];
  /** Where the offline copies and the root module are written. */
  readonly workdir: string;
  readonly source?: ProviderSource;
  readonly log?: (line: string) => void;
}

export class TerraformMissingError extends Error {
  constructor() {
    super('terraform is not on the PATH: install Terraform >= 1.10 to plan offline');
    this.name = 'TerraformMissingError';
  }
}

const run = promisify(execFile);

export async function terraformVersion(): Promise<string> {
  try {
    const { stdout } = await run('terraform', ['version', '-json'], { env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    return (JSON.parse(stdout) as Json).terraform_version as string;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new TerraformMissingError();
    throw error;
  }
}

function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn('terraform', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

/** For each line of a pretty-printed module, the block address it belongs to. */
function lineAddresses(text: string): (string | undefined)[] {
  const path: string[] = [];
  const out: (string | undefined)[] = [undefined];
  for (const line of text.split('\n')) {
    const m = /^( *)"((?:[^"\\]|\\.)*)": /.exec(line);
    if (m) {
      path.length = m[1]!.length - 1;
      path.push(m[2]!);
    }
    const [section, a, b] = path;
    out.push(
      section === 'resource' && b ? `${a}.${b}` : section === 'data' && b ? `data.${a}.${b}` : section === 'locals' && a ? `local.${a}` : section === 'output' && a ? `output.${a}` : undefined,
    );
  }
  return out;
}

interface Batch {
  readonly root: Json;
  /** Provider alias in the root to the stacks it serves. */
  readonly aliases: Map<string, string[]>;
}

function batchRoot(copies: readonly OfflineCopy[]): Batch {
  const required: Json = {};
  const providers: Record<string, Json[]> = {};
  const seen = new Map<string, string>();
  const aliases = new Map<string, string[]>();
  const modules: Json = {};
  for (const copy of copies) {
    Object.assign(required, copy.requiredProviders);
    const mapping: Json = {};
    for (const p of copy.providers) {
      const key = `${p.type} ${JSON.stringify(p.config)}`;
      let alias = seen.get(key);
      if (!alias) {
        alias = `${p.type}.p${seen.size}`;
        seen.set(key, alias);
        (providers[p.type] ??= []).push({ ...p.config, alias: alias.split('.')[1] });
      }
      aliases.set(alias, [...(aliases.get(alias) ?? []), copy.stack]);
      mapping[p.alias ? `${p.type}.${p.alias}` : p.type] = alias;
    }
    modules[copy.stack] = { source: `./stacks/${copy.stack}`, ...(Object.keys(mapping).length > 0 ? { providers: mapping } : {}) };
  }
  const root: Json = { module: modules };
  if (Object.keys(required).length > 0) root.terraform = { required_providers: required };
  if (Object.keys(providers).length > 0) root.provider = providers;
  return { root, aliases };
}

function cliConfig(source: ProviderSource): string {
  if (source.kind === 'mirror') {
    return `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(resolve(source.dir))}\n  }\n}\ndisable_checkpoint = true\n`;
  }
  // Outside the work directory so test runs in temporary directories download each provider once.
  const cache = process.env.TF_PLUGIN_CACHE_DIR ?? join(__dirname, '..', '..', 'node_modules', '.cache', 'rocketchat-platform', 'terraform-plugins');
  mkdirSync(cache, { recursive: true });
  return `plugin_cache_dir = ${JSON.stringify(resolve(cache))}\ndisable_checkpoint = true\n`;
}

interface Diagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
  readonly range?: { filename: string; start: { line: number } };
  readonly snippet?: { context?: string };
}

export async function planOffline(options: PlanOptions): Promise<PlanReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const version = await terraformVersion();
  const source = options.source ?? providerSource();
  const names = options.only ?? Object.keys(options.stacks).sort();
  const sts = await startFakeSts();
  try {
    const copies = names.map((stack) => offlineCopy(stack, { stacks: options.stacks, envs: options.envs, mode: (s, v) => providerMode(s, v, source), stsEndpoint: sts.endpoint }));
    const workdir = resolve(options.workdir);
    rmSync(join(workdir, 'stacks'), { recursive: true, force: true });
    const lines = new Map<string, (string | undefined)[]>();
    for (const copy of copies) {
      const dir = join(workdir, 'stacks', copy.stack);
      mkdirSync(dir, { recursive: true });
      const text = `${JSON.stringify(copy.module, null, 1)}\n`;
      writeFileSync(join(dir, 'main.tf.json'), text);
      lines.set(copy.stack, lineAddresses(text));
    }
    const cliFile = join(workdir, 'terraform.rc');
    writeFileSync(cliFile, cliConfig(source));
    const env: NodeJS.ProcessEnv = {
      // The AWS provider's start-up is allocation-heavy: collecting less often cut the plans' CPU time by about a quarter (docs/offline-plan.md).
      GOGC: '300',
      ...process.env,
      TF_CLI_CONFIG_FILE: cliFile,
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
    };
    delete env.TF_DATA_DIR;
    delete env.TF_WORKSPACE;

    const errors = new Map<string, string[]>(copies.map((c) => [c.stack, [...c.problems]]));
    const toAdd = new Map<string, number>();
    let pending = copies.filter((c) => !c.notPlanned && c.problems.length === 0);
    const byStack = new Map(copies.map((c) => [c.stack, c]));

    const attribute = (d: Diagnostic, batch: Batch): [string[], string] => {
      const text = `${d.summary}${d.detail ? `: ${d.detail.replace(/\s+/g, ' ').trim()}` : ''}`;
      const module = /^module\.([^.[]+)\.(.*)$/.exec(d.address ?? '');
      if (module) {
        const copy = byStack.get(module[1]!);
        const local = module[2]!.replace(/\[[^\]]*\]/g, '');
        const origin = copy?.origins.get(local);
        return [[module[1]!], origin ? `${origin.path} (${origin.address}): ${text}` : `${module[2]}: ${text}`];
      }
      const file = /^stacks\/([^/]+)\/main\.tf\.json$/.exec(d.range?.filename ?? '');
      if (file) {
        const address = lines.get(file[1]!)?.[d.range!.start.line];
        const origin = address ? byStack.get(file[1]!)?.origins.get(address) : undefined;
        return [[file[1]!], origin ? `${origin.path} (${origin.address}): ${text}` : `${address ?? d.range!.filename}: ${text}`];
      }
      const provider = /^provider\["[^"]+"\]\.(\w+)$/.exec(d.address ?? '');
      const stacks = provider ? batch.aliases.get(`${d.address!.match(/\/(\w+)"\]/)?.[1]}.${provider[1]}`) : undefined;
      if (stacks) return [stacks, `provider configuration: ${text}`];
      return [pending.map((c) => c.stack), `${d.address ?? d.range?.filename ?? 'root module'}: ${text}`];
    };

    while (pending.length > 0) {
      const batch = batchRoot(pending);
      writeFileSync(join(workdir, 'main.tf.json'), `${JSON.stringify(batch.root, null, 1)}\n`);
      log(`offline plan: terraform ${version}, ${pending.length} stack(s), providers from ${source.kind === 'mirror' ? source.dir : 'the registry'}`);
      // Versions are exact in the copies and may change with the provider source: a lock from an earlier run would refuse them.
      rmSync(join(workdir, '.terraform.lock.hcl'), { force: true });
      const t0 = Date.now();
      const init = await terraform(['init', '-input=false', '-backend=false', '-no-color'], workdir, env);
      if (init.code !== 0) {
        for (const c of pending) errors.get(c.stack)!.push(`terraform init: ${init.stderr.trim() || init.stdout.trim()}`);
        break;
      }
      const t1 = Date.now();
      const parallelism = Math.max(10, availableParallelism() * 8);
      const plan = await terraform(['plan', '-refresh=false', '-lock=false', '-input=false', '-json', `-parallelism=${parallelism}`], workdir, env);
      log(`offline plan: init ${((t1 - t0) / 1000).toFixed(1)} s, plan ${((Date.now() - t1) / 1000).toFixed(1)} s`);
      const failed = new Set<string>();
      const added = new Map<string, number>();
      for (const line of plan.stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        const message = JSON.parse(line) as Json;
        if (message.type === 'planned_change' && message.change?.action === 'create') {
          const stack = /^module\.([^.[]+)/.exec(message.change.resource?.module ?? '')?.[1];
          if (stack) added.set(stack, (added.get(stack) ?? 0) + 1);
        }
        const d = message.diagnostic as Diagnostic | undefined;
        if (message.type !== 'diagnostic' || d?.severity !== 'error') continue;
        const [stacks, text] = attribute(d, batch);
        for (const s of stacks) {
          failed.add(s);
          errors.get(s)!.push(text);
        }
      }
      if (plan.code !== 0 && failed.size === 0) {
        for (const c of pending) errors.get(c.stack)!.push(`terraform plan exited ${plan.code}: ${plan.stderr.trim()}`);
        break;
      }
      if (failed.size === 0) {
        for (const c of pending) toAdd.set(c.stack, added.get(c.stack) ?? 0);
        break;
      }
      // A failure in one stack can stop Terraform before it plans the others: plan those again on their own.
      pending = pending.filter((c) => !failed.has(c.stack));
    }
    if (sts.unexpected.length > 0) log(`offline plan: unexpected STS calls: ${sts.unexpected.join('; ')}`);

    const results: StackResult[] = copies.map((copy) => {
      const providers = Object.values(copy.requiredProviders).map((p) => `${p.source} ${p.version}`);
      const errs = errors.get(copy.stack)!;
      if (copy.notPlanned) return { stack: copy.stack, status: 'not planned', reason: copy.notPlanned, errors: errs, toAdd: 0, providers, notes: copy.notes };
      if (errs.length > 0 || !toAdd.has(copy.stack)) {
        return { stack: copy.stack, status: 'failed', errors: errs.length > 0 ? errs : ['not planned: an earlier step failed'], toAdd: 0, providers, notes: copy.notes };
      }
      return { stack: copy.stack, status: 'planned', errors: [], toAdd: toAdd.get(copy.stack)!, providers, notes: copy.notes };
    });
    return { terraform: version, source, results, seconds: (Date.now() - started) / 1000 };
  } finally {
    await sts.close();
  }
}

/** One line per stack, then every error with its construct path. */
export function formatReport(report: PlanReport): string[] {
  const width = Math.max(...report.results.map((r) => r.stack.length));
  const lines = report.results.map((r) => {
    const name = r.stack.padEnd(width);
    if (r.status === 'planned') return `  planned      ${name}  ${r.toAdd} to add (${r.providers.join(', ')})`;
    if (r.status === 'failed') return `  FAILED       ${name}  ${r.errors.length} error(s)`;
    return `  not planned  ${name}  ${r.reason}`;
  });
  // What the copies changed besides stubbing, once per distinct note: relaxed versions, stand-ins, dropped arguments.
  const notes = new Map<string, string[]>();
  for (const r of report.results.filter((r) => r.status !== 'not planned')) {
    for (const note of r.notes.filter((n) => !n.endsWith('is stubbed') && !n.includes('is stubbed ('))) notes.set(note, [...(notes.get(note) ?? []), r.stack]);
  }
  const noteLines = [...notes].map(([note, stacks]) => `note: ${note} [${stacks.length === report.results.filter((r) => r.status !== 'not planned').length ? 'every planned stack' : stacks.join(', ')}]`);
  const errors = report.results.flatMap((r) => r.errors.map((e) => `${r.status === 'not planned' ? 'warning' : 'error'}: ${r.stack}: ${e}`));
  return [`Offline plan (terraform ${report.terraform}, ${report.seconds.toFixed(1)} s):`, ...lines, ...noteLines, ...errors];
}
