/**
 * Moving a synthesized output directory into place (synth/run.ts). Plain file system
 * calls, no cdktf internals; a speed-up with its switch all the same, so that
 * SYNTH_SPEEDUPS=off is the whole unoptimized path.
 */
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { enabled } from './switches';

/** Moves every file of `from` to the same place under `to`, replacing what is there and keeping everything else. */
export function moveInto(from: string, to: string): void {
  // output-move: a directory new to `to` (a first synth, a new stack) moves whole, one rename instead of one per file and an rmdir per directory.
  if (!existsSync(to)) {
    mkdirSync(dirname(to), { recursive: true });
    if (enabled('output-move')) {
      renameSync(from, to);
      return;
    }
    mkdirSync(to);
  }
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) moveInto(source, join(to, entry.name));
    else renameSync(source, join(to, entry.name));
  }
}
