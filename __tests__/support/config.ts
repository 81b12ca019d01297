/** Example configurations changed for one test, checked or synthesized the way main.ts does it. */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ENVIRONMENTS } from '../../config/environments';
import { loadEnvironments } from '../../config/load';
import { run } from '../../synth/run';
import { clone, problemsOf, readOutdir, tempDir, type Json, type Synthesized } from './synth';

/** A copy of an example environment's configuration (config/environments/<name>.ts) to change freely. */
export const example = (name: string): Json => clone(ENVIRONMENTS[name]) as Json;

/**
 * The example `base` with `change` applied, as a registry of one environment. Its file is named after the
 * changed `name` (renaming an environment renames its file) unless `file` says otherwise.
 */
export function registryWith(base: string, change: (c: Json) => void, file?: string): Record<string, Json> {
  const config = example(base);
  change(config);
  return { [file ?? (typeof config.name === 'string' ? config.name : base)]: config };
}

/** The `layer` stack of the example `base` with `change` applied, synthesized: stackWith('aws-prod', 'cluster', (c) => ...). */
export const stackWith = (base: string, layer: string, change: (c: Json) => void): Json => synthWith(registryWith(base, change)).stacks[`${base}-${layer}`]!;

/** Loads `input` as config/<name>.ts: call it through problemsOf, or expect it not to throw. */
export const validate = (name: string, input: unknown) => () => loadEnvironments({ [name]: input }, undefined);

/** The problems a synth of `registry` reports, having checked that it wrote nothing. */
export function refused(registry: Record<string, unknown>, selection?: string, options?: Parameters<typeof run>[3]): readonly string[] {
  const outdir = join(tempDir(), 'cdktf.out');
  const problems = problemsOf(() => run(registry, selection, outdir, options));
  expect(existsSync(outdir)).toBe(false);
  return problems;
}

/** Synthesizes `registry` (only `selection`, when given) in a temporary directory and reads the result back. */
export function synthWith(registry: Record<string, unknown>, selection?: string): Synthesized {
  const outdir = tempDir();
  try {
    run(registry, selection, outdir, { log: () => undefined });
    return readOutdir(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
