/**
 * Renders every helm_release of synthesized stacks with `helm template`, as the
 * helm provider would install it: the release name and namespace, the values
 * built as the provider builds them, CRDs included (the provider installs a
 * chart's crds/ unless skip_crds), `--kube-version` of the environment and
 * `--api-versions` for every CRD the environment's platform installs, so
 * templates gated on .Capabilities render as on the real cluster.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse, stringify } from 'yaml';
import type { Environment } from '../../config/schema';
import type { Json, Synthesized } from '../../synth/output';
import { chartPackage, pinOf, skippedCharts } from './charts';
import { helmBinary } from './helm-binary';
import { releaseValues, type Values } from './values';

export interface RenderedObject {
  readonly object: Json;
  /** The chart template that produced it (`# Source:` line). */
  readonly source: string;
}

export interface RenderedRelease {
  readonly stack: string;
  /** helm_release resource name in the stack (its Terraform address is helm_release.<id>). */
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  readonly values: Values;
  readonly objects: readonly RenderedObject[];
  readonly error?: string;
  /** Why it was not rendered (RENDER_SKIP_CHARTS). */
  readonly skipped?: string;
}

/** Kubernetes minor per environment, as RenderOptions.kubeVersions takes it. */
export function kubeVersionsOf(envs: readonly Environment[]): Record<string, string> {
  return Object.fromEntries(envs.map((e) => [e.name, e.kubernetes.version]));
}

export interface RenderOptions {
  /** Kubernetes minor per environment name, e.g. { 'aws-dev': '1.35' }. */
  readonly kubeVersions: Readonly<Record<string, string>>;
  /** Where the synthesized stacks live (local chart assets are read from there). */
  readonly outdir: string;
  /** Stacks to render; all by default. */
  readonly only?: readonly string[];
  /** Only the releases this accepts (tests render one release at a time). */
  readonly filter?: (stack: string, id: string) => boolean;
  /** Write <outdir>/rendered/<stack>/<release>.yaml and .values.yaml. */
  readonly write?: boolean;
}

interface Job {
  readonly stack: string;
  readonly env: string;
  readonly id: string;
  readonly body: Json;
  readonly chartPath?: string;
  /** The stack's directory in the outdir, where Terraform runs (and so the release's post-renderer). */
  readonly stackDir: string;
  readonly skipped?: string;
  readonly values: Values;
}

function envOf(stack: string, kubeVersions: Readonly<Record<string, string>>): string | undefined {
  return Object.keys(kubeVersions).find((env) => stack.startsWith(`${env}-`));
}

/** Whether a chart's templates ask for API versions (then CRDs installed elsewhere change its output). */
const capabilityCache = new Map<string, boolean>();
function usesApiVersions(chartPath: string): boolean {
  let cached = capabilityCache.get(chartPath);
  if (cached === undefined) {
    const text = statSync(chartPath).isDirectory()
      ? readdirSync(chartPath, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => readFileSync(join(e.parentPath, e.name), 'utf8')).join('\n')
      : gunzipSync(readFileSync(chartPath)).toString('latin1');
    cached = text.includes('Capabilities.APIVersions');
    capabilityCache.set(chartPath, cached);
  }
  return cached;
}

/** Parsed documents by text: CRDs and most templates come out identical in every environment and pass. Shared, so read-only. */
const parsed = new Map<string, Json | null>();
function parseOnce(chunk: string): Json | null {
  if (!parsed.has(chunk)) parsed.set(chunk, parse(chunk) as Json | null);
  return parsed.get(chunk)!;
}

function parseManifests(output: string): RenderedObject[] {
  const objects: RenderedObject[] = [];
  for (const chunk of output.split(/^---\s*$/m)) {
    const source = chunk.match(/^# Source: (.*)$/m)?.[1] ?? '';
    const doc = parseOnce(chunk);
    if (!doc || typeof doc !== 'object') continue;
    // Charts sometimes wrap objects in a List; Helm applies the items.
    const items: Json[] = typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items) ? doc.items : [doc];
    for (const object of items) objects.push({ object, source });
  }
  return objects;
}

interface HelmResult {
  readonly output?: string;
  readonly error?: string;
}

/**
 * A release's `postrender` block as `helm template` flags, run where the helm provider runs it:
 * Helm starts binary_path with args from Terraform's working directory, the stack directory, so
 * relative asset paths resolve there. NODE_PATH lets a Node.js post-renderer find the project's
 * packages when the outdir lies outside the project (tests synthesize into a temporary directory).
 */
export function postRenderer(body: Json, stackDir: string): { flags: string[]; cwd?: string; nodePath?: string } {
  const block = Array.isArray(body.postrender) ? body.postrender[0] : body.postrender;
  if (!block?.binary_path) return { flags: [] };
  const flags = ['--post-renderer', block.binary_path, ...(block.args ?? []).flatMap((arg: string) => ['--post-renderer-args', arg])];
  return { flags, cwd: resolve(stackDir), nodePath: join(__dirname, '..', '..', 'node_modules') };
}

function runHelmTemplate(job: Job, kubeVersion: string, apiVersions: readonly string[], scratch: string): Promise<HelmResult> {
  const valuesFile = resolve(scratch, `${job.stack}--${job.id}.values.json`);
  writeFileSync(valuesFile, JSON.stringify(job.values));
  const post = postRenderer(job.body, job.stackDir);
  const args = [
    'template', job.body.name, resolve(job.chartPath!),
    '--namespace', job.body.namespace ?? 'default',
    '--kube-version', `v${kubeVersion}.0`,
    // Helm installs crds/ unless the release skips them (ChartCrds releases install those instead).
    ...(job.body.skip_crds === true ? [] : ['--include-crds']),
    '--values', valuesFile,
    ...apiVersions.flatMap((v) => ['--api-versions', v]),
    ...post.flags,
  ];
  const env = { ...process.env, HELM_CACHE_HOME: resolve(scratch, 'cache'), HELM_CONFIG_HOME: resolve(scratch, 'config'), HELM_DATA_HOME: resolve(scratch, 'data'), ...(post.nodePath ? { NODE_PATH: post.nodePath } : {}) };
  return new Promise((resolve) => {
    execFile(helmBinary().path, args, { maxBuffer: 256 * 1024 * 1024, env, cwd: post.cwd }, (error, stdout, stderr) => {
      if (error) resolve({ error: (stderr || error.message).trim().split('\n').slice(0, 5).join(' | ') });
      else resolve({ output: stdout });
    });
  });
}

/**
 * What decides a render's manifests. Environments share charts and often whole values (the same
 * add-on with the same settings), so each distinct render runs once per renderStacks call. An
 * asset chart sits in its stack's directory under a content-hash name, so the same path relative
 * to the stack is the same chart; anything else (a pinned package) is keyed by its absolute path.
 */
function renderKey(job: Job, kubeVersion: string, apiVersions: readonly string[]): string {
  const stackDir = resolve(job.stackDir);
  const chart = resolve(job.chartPath!);
  const chartId = chart.startsWith(stackDir + sep) ? relative(stackDir, chart) : chart;
  return JSON.stringify([job.body.name, job.body.namespace ?? 'default', chartId, kubeVersion, job.body.skip_crds === true, apiVersions, postRenderer(job.body, job.stackDir).flags, job.values]);
}

async function pool<T, R>(items: readonly T[], worker: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(items.length, Math.max(2, availableParallelism())) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await worker(items[i]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** `group/version` and `group/version/Kind` for every version a CRD serves. */
export function crdApiVersions(objects: readonly RenderedObject[]): string[] {
  const out = new Set<string>();
  for (const { object } of objects) {
    if (object.kind !== 'CustomResourceDefinition') continue;
    for (const version of object.spec?.versions ?? []) {
      if (version.served === false) continue;
      out.add(`${object.spec.group}/${version.name}`);
      out.add(`${object.spec.group}/${version.name}/${object.spec.names.kind}`);
    }
  }
  return [...out].sort();
}

function jobsOf(synth: Synthesized, stack: string, env: string, outdir: string): Job[] {
  const skip = skippedCharts();
  return Object.entries<Json>(synth.stacks[stack]?.resource?.helm_release ?? {}).map(([id, body]) => {
    const stackDir = join(outdir, synth.manifest.stacks[stack].workingDirectory);
    const base = { stack, env, id, body, stackDir, values: releaseValues(synth.stacks[stack]!, body) };
    if (skip.has(body.chart)) return { ...base, skipped: `RENDER_SKIP_CHARTS names ${body.chart}: no offline copy of ${body.repository}/${body.chart} ${body.version}` };
    const pin = pinOf(body.repository, body.chart, body.version);
    const chartPath = pin ? chartPackage(pin) : join(stackDir, body.chart);
    return { ...base, chartPath };
  });
}

export async function renderStacks(synth: Synthesized, options: RenderOptions): Promise<RenderedRelease[]> {
  const selected = (options.only ?? Object.keys(synth.stacks)).filter((s) => synth.stacks[s]?.resource?.helm_release);
  const scratch = join(options.outdir, 'rendered', '.scratch');
  mkdirSync(scratch, { recursive: true });

  const jobs = selected.flatMap((stack) => {
    const env = envOf(stack, options.kubeVersions);
    if (!env) throw new Error(`${stack}: no environment with a Kubernetes version owns this stack`);
    return jobsOf(synth, stack, env, options.outdir).filter((job) => !options.filter || options.filter(job.stack, job.id));
  });
  const renderable = (job: Job): job is Job & { chartPath: string } => !job.skipped && !!job.chartPath;
  const renders = new Map<string, Promise<HelmResult>>();
  const helmTemplate = (job: Job, kubeVersion: string, apiVersions: readonly string[], dir: string): Promise<HelmResult> => {
    const key = renderKey(job, kubeVersion, apiVersions);
    let render = renders.get(key);
    if (!render) renders.set(key, (render = runHelmTemplate(job, kubeVersion, apiVersions, dir)));
    return render;
  };

  // The platform renders first, without CRD API versions: its CRDs give each environment its
  // --api-versions. Then every release renders once more only if its chart asks for API versions
  // (or was not rendered yet); a platform release that does not ask keeps its first render.
  const isPlatform = (job: Job) => job.stack === `${job.env}-platform`;
  const first = await pool(jobs, (job): Promise<HelmResult> => (renderable(job) && isPlatform(job) ? helmTemplate(job, options.kubeVersions[job.env]!, [], scratch) : Promise.resolve({})));
  const crds = new Map<string, RenderedObject[]>();
  const platformStacks = new Set(Object.keys(synth.stacks).filter((s) => s.endsWith('-platform')));
  for (const env of new Set(jobs.map((j) => j.env))) {
    const platform = `${env}-platform`;
    const fromFirst = jobs.flatMap((job, i) => (job.stack === platform && first[i]!.output ? parseManifests(first[i]!.output!) : []));
    // A subset without the platform stack still gets the platform's CRDs.
    const extra = !options.filter && !selected.includes(platform) && platformStacks.has(platform)
      ? (await pool(jobsOf(synth, platform, env, options.outdir).filter(renderable), (job) => helmTemplate(job, options.kubeVersions[env]!, [], scratch))).flatMap((r) => (r.output ? parseManifests(r.output) : []))
      : [];
    crds.set(env, [...fromFirst, ...extra]);
  }
  const apiVersions = new Map([...crds].map(([env, objects]) => [env, crdApiVersions(objects)]));

  const second = await pool(
    jobs.map((job, index) => ({ job, index })),
    ({ job, index }): Promise<HelmResult> => {
      if (!renderable(job) || (isPlatform(job) && !usesApiVersions(job.chartPath))) return Promise.resolve(first[index]!);
      return helmTemplate(job, options.kubeVersions[job.env]!, usesApiVersions(job.chartPath) ? (apiVersions.get(job.env) ?? []) : [], scratch);
    },
  );
  rmSync(scratch, { recursive: true, force: true });

  return jobs.map((job, i) => {
    const result = second[i]!;
    const rendered: RenderedRelease = {
      stack: job.stack,
      id: job.id,
      name: job.body.name,
      namespace: job.body.namespace ?? 'default',
      chart: job.body.chart.startsWith('assets/') ? `local:${job.body.name}` : `${job.body.chart} ${job.body.version}`,
      values: job.values,
      objects: result.output ? parseManifests(result.output) : [],
      ...(result.error ? { error: result.error } : {}),
      ...(job.skipped ? { skipped: job.skipped } : {}),
    };
    if (options.write) {
      const dir = join(options.outdir, 'rendered', job.stack);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${rendered.name}.values.yaml`), stringify(job.values));
      writeFileSync(join(dir, `${rendered.name}.yaml`), result.output ?? `# ${result.error ?? job.skipped}\n`);
    }
    return rendered;
  });
}
