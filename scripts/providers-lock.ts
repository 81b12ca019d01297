/**
 * `npm run providers:lock [-- --versions-only]`: writes provider-locks/<set>/versions.tf from the
 * synthesized stacks (every registered environment) and, per set, runs
 *   terraform providers lock -platform=linux_amd64 -platform=linux_arm64 -platform=darwin_amd64 -platform=darwin_arm64 -platform=windows_amd64
 * which downloads each provider package from the registry, checks it against HashiCorp's signed
 * SHA256SUMS and records its checksums (needs network). `--versions-only` (no network) writes the
 * lock entries' version and constraints only, keeping the checksums of entries whose version did
 * not change: Terraform then records checksums at the next `terraform init`, trusting the registry
 * on first use, as without a lock file. Review the diff, commit both files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENTS } from '../config/environments';
import { LOCKS_DIR, LOCK_FILE, LOCK_PLATFORMS, lockSets, parseLockFile, versionsTf, type LockEntry, type RequiredProvider } from '../synth/provider-locks';
import { run } from '../synth/run';
import { readOutdir, tempDir } from '../synth/output';

/** A lock file with the given providers' version and constraints, and the checksums `previous` has for the same version. */
export function lockFileText(providers: readonly RequiredProvider[], previous: readonly LockEntry[]): string {
  const header = '# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n';
  const blocks = [...providers]
    .sort((a, b) => a.address.localeCompare(b.address))
    .map((p) => {
      const hashes = previous.find((e) => e.address === p.address && e.version === p.version)?.hashes ?? [];
      const list = hashes.length > 0 ? `\n  hashes = [\n${hashes.map((h) => `    "${h}",`).join('\n')}\n  ]\n` : '\n';
      return `provider "${p.address}" {\n  version     = "${p.version}"\n  constraints = "${p.version}"${list}}\n`;
    });
  return `${header}\n${blocks.join('\n')}`;
}

function main(args: readonly string[]): number {
  const versionsOnly = args.includes('--versions-only');
  const outdir = tempDir();
  try {
    run(ENVIRONMENTS, undefined, outdir, { log: () => undefined, providerLocks: false });
    const sets = lockSets(readOutdir(outdir).stacks);
    mkdirSync(LOCKS_DIR, { recursive: true });
    for (const stale of readdirSync(LOCKS_DIR).filter((d) => !sets.has(d))) {
      rmSync(join(LOCKS_DIR, stale), { recursive: true, force: true });
      console.log(`provider-locks/${stale}: removed (no stack uses this set any more)`);
    }
    let failed = 0;
    for (const [key, { providers, stacks }] of sets) {
      const dir = join(LOCKS_DIR, key);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'versions.tf'), versionsTf(providers));
      const lock = join(dir, LOCK_FILE);
      if (versionsOnly) {
        const previous = existsSync(lock) ? parseLockFile(readFileSync(lock, 'utf8')) : [];
        writeFileSync(lock, lockFileText(providers, previous));
        console.log(`provider-locks/${key}: versions written (${stacks.length} stacks), checksums kept where the version is unchanged`);
        continue;
      }
      const platforms = LOCK_PLATFORMS.map((p) => `-platform=${p}`);
      const result = spawnSync('terraform', [`-chdir=${dir}`, 'providers', 'lock', ...platforms], { stdio: 'inherit', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
      rmSync(join(dir, '.terraform'), { recursive: true, force: true });
      if (result.status !== 0) failed += 1;
    }
    if (failed > 0) console.error(`${failed} lock set(s) failed: terraform providers lock needs the registry (or --versions-only offline)`);
    return failed > 0 ? 1 : 0;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
