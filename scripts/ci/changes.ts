/**
 * Which stacks a pull request changes: both sides are synthesized and every stack's synthesized
 * directory (cdk.tf.json plus the assets it ships, e.g. local Helm charts) is hashed; a stack is
 * planned when its hash differs or it is new. Hashing what Terraform receives, rather than
 * guessing from the files a PR touched, catches a config or construct edit that reaches a stack
 * through any import, and skips stacks whose output a refactor left identical.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Manifest } from './targets';

/**
 * Files Terraform leaves in a stack directory that are not synthesized output. The provider lock
 * file is synthesized output (copied from provider-locks/ at synth): a new provider checksum plans.
 */
const NOT_SYNTHESIZED = /(^|\/)(\.terraform|tfplan[^/]*|plan\.json)$/;

function filesUnder(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (NOT_SYNTHESIZED.test(relative(root, path))) return [];
      return entry.isDirectory() ? filesUnder(path, root) : [path];
    })
    .sort();
}

/** sha256 over every synthesized file of the stack's working directory (paths included). */
export function stackHash(outdir: string, workingDirectory: string): string {
  const root = join(outdir, workingDirectory);
  const hash = createHash('sha256');
  for (const file of filesUnder(root)) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function stackHashes(outdir: string): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as Manifest & {
    stacks: Record<string, { workingDirectory: string }>;
  };
  return Object.fromEntries(
    Object.entries(manifest.stacks).map(([name, stack]) => [name, stackHash(outdir, stack.workingDirectory)]),
  );
}

/**
 * Stacks of `head` whose synthesized output differs from `base`'s. No base (its synth failed or
 * did not run) means every stack is changed: planning too much is safe, too little is not.
 */
export function changedStacks(base: Record<string, string> | undefined, head: Record<string, string>): string[] {
  return Object.keys(head)
    .filter((stack) => !base || base[stack] !== head[stack])
    .sort();
}
