/**
 * Once per test run: synthesizes every example environment as `cdktf synth` does
 * (main.ts through tsx, with the synth speed-ups on unless the environment switches
 * some off), then renders every
 * helm_release with Helm (scripts/render). Test files read both results
 * (synthExamples() without a selection, renderedExamples()) instead of each
 * paying for a synth or a render of their own. Pinned charts missing from
 * .charts/ and CHARTS_DIR are pulled first where a network allows. A render
 * that cannot run (no chart package, no Helm) is recorded, not thrown: the
 * render tests fail with its message and every other test still runs.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ENVIRONMENTS } from '../../config/environments';
import { loadEnvironments } from '../../config/load';
import { pullMissing } from '../../scripts/charts-pull';
import { kubeVersionsOf, renderStacks } from '../../scripts/render/render';
import { readOutdir, tempDir } from '../../synth/output';
import { synthCommand } from './synth-command';

declare module 'vitest' {
  export interface ProvidedContext {
    examplesOutdir: string;
  }
}

/** Where renderedExamples() finds the render of the run: `{ seconds, releases }` or `{ error }`. */
export const RENDERED_FILE = 'rendered-releases.json';

export default async function setup(project: TestProject): Promise<() => void> {
  const outdir = tempDir();
  const { command, args, env } = synthCommand(outdir, 'as set');
  execFileSync(command, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  project.provide('examplesOutdir', outdir);
  const started = Date.now();
  try {
    // A fresh machine with network pulls what it lacks; offline, CHARTS_DIR must hold the packages.
    await pullMissing();
    const releases = await renderStacks(readOutdir(outdir), { kubeVersions: kubeVersionsOf(loadEnvironments(ENVIRONMENTS, undefined)), outdir });
    writeFileSync(join(outdir, RENDERED_FILE), JSON.stringify({ seconds: (Date.now() - started) / 1000, releases }));
  } catch (error) {
    writeFileSync(join(outdir, RENDERED_FILE), JSON.stringify({ error: (error as Error).message }));
  }
  return () => rmSync(outdir, { recursive: true, force: true });
}
