/** Reading a synthesized cdktf.out back as JSON (tests, the graph, the benchmark). */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Json = Record<string, any>;

export interface Synthesized {
  readonly stacks: Record<string, Json>;
  readonly manifest: Json;
}

export function readOutdir(outdir: string): Synthesized {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as Json;
  const stacks: Record<string, Json> = {};
  for (const [name, stack] of Object.entries<Json>(manifest.stacks)) {
    stacks[name] = JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), 'utf8')) as Json;
  }
  return { stacks, manifest };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'cdktf-'));
}

/** Output names a stack reads from one of its terraform_remote_state data sources. */
export function outputsRead(stack: Json, remoteStateId: string): Set<string> {
  const pattern = new RegExp(`data\\.terraform_remote_state\\.${remoteStateId}\\.outputs\\.(\\w+)`, 'g');
  return new Set([...JSON.stringify(stack).matchAll(pattern)].map((m) => m[1]!));
}

