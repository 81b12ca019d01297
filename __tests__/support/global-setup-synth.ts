/**
 * Global setup for mutation testing (vitest.mutate.config.mts): the examples synthesized as
 * global-setup.ts does, without the Helm render (no test in the mutation scope reads it), and
 * once per Stryker worker process rather than once per test run: Stryker reuses one Vitest
 * instance for every mutant, and Vitest calls the global setup again on each run, which cost a
 * full synth (~10 s) per mutant. Synthesized with the unmutated code: Stryker activates a mutant
 * only inside the test workers.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ENVIRONMENTS } from '../../config/environments';
import { tempDir } from '../../synth/output';
import { run } from '../../synth/run';
import { RENDERED_FILE } from './global-setup';

const CACHED = 'MUTATE_EXAMPLES_OUTDIR';

export default function setup(project: TestProject): void {
  let outdir = process.env[CACHED];
  if (!outdir) {
    outdir = tempDir();
    run(ENVIRONMENTS, undefined, outdir, { log: () => undefined });
    writeFileSync(join(outdir, RENDERED_FILE), JSON.stringify({ error: 'not rendered: the mutation-testing setup skips the Helm render' }));
    process.env[CACHED] = outdir;
    const dir = outdir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  project.provide('examplesOutdir', outdir);
}
