/**
 * Synthesizes every example environment once per test run; test files read the
 * result (synthExamples() without a selection, the render audit) instead of
 * each paying for a full synth of their own.
 */
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { ENVIRONMENTS } from '../config/environments';
import { tempDir } from '../scripts/synth-output';
import { run } from '../stacks/synth';

declare module 'vitest' {
  export interface ProvidedContext {
    examplesOutdir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const outdir = tempDir();
  run(ENVIRONMENTS, undefined, outdir, { log: () => undefined });
  project.provide('examplesOutdir', outdir);
  return () => rmSync(outdir, { recursive: true, force: true });
}
