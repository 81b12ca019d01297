/** The command `cdktf synth` runs (cdktf.json's app), for a synth of every example environment into `outdir`. */
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export function synthCommand(outdir: string, speedups: 'on' | 'off'): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  return {
    command: join(ROOT, 'node_modules', '.bin', 'tsx'),
    args: [join(ROOT, 'main.ts')],
    // Every switch set, so a shell's SYNTH_SPEEDUPS or ENVIRONMENTS cannot make the two synths alike.
    env: { ...process.env, CDKTF_OUTDIR: outdir, ENVIRONMENTS: '', SYNTH_SPEEDUPS: speedups, SYNTH_SPEEDUPS_OFF: '', CDKTF_SOURCE_MAPS: '' },
  };
}
