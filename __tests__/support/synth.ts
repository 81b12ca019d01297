/** Synthesizes into a temporary directory and reads the result back as JSON. */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { ENVIRONMENTS } from '../../config/environments';
import { ConfigError, loadEnvironments } from '../../config/load';
import type { Environment } from '../../config/schema';
import { readOutdir, tempDir, type Json, type Synthesized } from '../../synth/output';
import type { RenderedRelease } from '../../scripts/render/render';
import { run } from '../../synth/run';

export { readOutdir, tempDir, type Json, type Synthesized };
export { parsePolicy } from '../../policies/engine';

/** The example environments: all of them from the run's one synth (global-setup.ts), or a fresh synth of a selection. */
export function synthExamples(selection?: string): Synthesized {
  if (selection === undefined) return readOutdir(examplesOutdir());
  const outdir = tempDir();
  try {
    run(ENVIRONMENTS, selection, outdir, { log: () => undefined });
    return readOutdir(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Where global-setup.ts synthesized every example environment for this run. */
export function examplesOutdir(): string {
  return inject('examplesOutdir');
}

let rendered: { seconds: number; releases: RenderedRelease[] } | undefined;

/**
 * Every helm_release of every example stack as Helm renders it (global-setup.ts did the
 * rendering once for the run). Throws the render's own error when it could not run.
 * Shared within a worker: treat it as read-only.
 */
export function renderedExamples(): { seconds: number; releases: RenderedRelease[] } {
  if (!rendered) {
    const file = JSON.parse(readFileSync(join(examplesOutdir(), 'rendered-releases.json'), 'utf8')) as {
      error?: string; seconds: number; releases: RenderedRelease[] };
    if (file.error) throw new Error(`the render could not run: ${file.error}`);
    rendered = file;
  }
  return rendered;
}

/** The objects one release of one stack renders, e.g. rendered('aws-prod-app', 'rocketchat'). */
export function renderedObjectsOf(stack: string, release: string): Json[] {
  const match = renderedExamples().releases.find((r) => r.stack === stack && r.name === release);
  if (!match) throw new Error(`no rendered release ${release} in ${stack}`);
  return match.objects.map((o) => o.object);
}

/** Resource bodies of one type in a stack, without cdktf's metadata. */
export function resources(stack: Json, type: string): Json[] {
  return Object.values<Json>(stack.resource?.[type] ?? {}).map(({ '//': _meta, ...rest }) => rest);
}

export function only(stack: Json, type: string): Json {
  const all = resources(stack, type);
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0]!;
}

/** The resource whose cdktf construct path ends with `suffix`. */
export function byPath(stack: Json, type: string, suffix: string): Json {
  const match = Object.values<Json>(stack.resource?.[type] ?? {}).find((r) => r['//']?.metadata?.path?.endsWith(suffix));
  if (!match) throw new Error(`no ${type} at a path ending ${suffix}`);
  const { '//': _meta, ...rest } = match;
  return rest;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** `input` (by default the example of that name) loaded as config/<name>.ts: the checked, typed Environment. */
export const parsed = (name: string, input: unknown = ENVIRONMENTS[name]): Environment => loadEnvironments({ [name]: input }, undefined)[0]!;

/** The problems of the ConfigError `fn` throws; fails if it throws none. */
export function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
