/** The command `cdktf synth` runs (cdktf.json's app), for a synth of every example environment into `outdir`. */
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * `speedups`: 'as set' keeps the synth speed-up switches of the environment (all on unless
 * SYNTH_SPEEDUPS, SYNTH_SPEEDUPS_OFF or CDKTF_SOURCE_MAPS say otherwise: how a cdktf move
 * re-verifies them one at a time); 'off' turns every one off.
 */
export function synthCommand(outdir: string, speedups: 'as set' | 'off'): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  const off = speedups === 'off' ? { SYNTH_SPEEDUPS: 'off', SYNTH_SPEEDUPS_OFF: '', CDKTF_SOURCE_MAPS: '' } : {};
  return {
    command: join(ROOT, 'node_modules', '.bin', 'tsx'),
    args: [join(ROOT, 'main.ts')],
    env: { ...process.env, ...off, CDKTF_OUTDIR: outdir, ENVIRONMENTS: '' },
  };
}
