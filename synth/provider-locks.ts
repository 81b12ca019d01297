/**
 * Provider lock files: Terraform pins a provider build only through `.terraform.lock.hcl` (version
 * plus the checksums of each platform's package), and uses a plugin-cache entry only when it
 * matches one. cdktf writes none, so the reviewed lock files live in git, one per set of providers
 * a stack requires (`provider-locks/<set>/`, e.g. `aws-helm-kubernetes-random`: stacks with the
 * same providers share one), next to a `versions.tf` with the same `required_providers` so that
 * `terraform providers lock` and Renovate's lock-file maintenance can work on the directory.
 * Synth checks each stack's required providers against its set's lock file (version and
 * constraint, nothing missing, nothing extra) and copies the file into the stack's directory, so
 * CI (`terraform init -lockfile=readonly`) and workstations install exactly the reviewed builds.
 * `npm run providers:lock` writes both files (docs/delivery.md, "Provider lock files").
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Json } from './output';

export const LOCKS_DIR = join(__dirname, '..', 'provider-locks');
export const LOCK_FILE = '.terraform.lock.hcl';
/** Platforms every lock file should hold checksums for: CI runners (linux amd64/arm64) and workstations. */
export const LOCK_PLATFORMS = ['linux_amd64', 'linux_arm64', 'darwin_amd64', 'darwin_arm64', 'windows_amd64'] as const;

export interface RequiredProvider {
  /** Local name in required_providers (`aws`). */
  readonly name: string;
  /** Fully qualified address (`registry.terraform.io/hashicorp/aws`). */
  readonly address: string;
  readonly version: string;
}

export interface LockEntry {
  readonly address: string;
  readonly version: string;
  readonly constraints: string | undefined;
  readonly hashes: readonly string[];
}

/** `aws` -> registry.terraform.io/hashicorp/aws; `hashicorp/random` -> registry.terraform.io/hashicorp/random. */
export function providerAddress(source: string): string {
  const parts = source.toLowerCase().split('/');
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts[0]}/${parts[1]}`;
  return parts.join('/');
}

export function requiredProviders(stack: Json): RequiredProvider[] {
  return Object.entries<Json>(stack.terraform?.required_providers ?? {})
    .map(([name, p]) => ({ name, address: providerAddress(String(p.source ?? name)), version: String(p.version) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The lock set a stack belongs to: its providers' local names, sorted, joined with "-". */
export function lockSet(providers: readonly RequiredProvider[]): string {
  return providers.map((p) => p.name).join('-');
}

/** The provider blocks of a `.terraform.lock.hcl` (the subset of HCL Terraform writes there). */
export function parseLockFile(text: string): LockEntry[] {
  return [...text.matchAll(/^provider "([^"]+)" \{([\s\S]*?)^\}/gm)].map(([, address, body]) => ({
    address: address!,
    version: /^\s*version\s*=\s*"([^"]*)"/m.exec(body!)?.[1] ?? '',
    constraints: /^\s*constraints\s*=\s*"([^"]*)"/m.exec(body!)?.[1],
    hashes: [...body!.matchAll(/"((?:h1|zh):[^"]+)"/g)].map((m) => m[1]!),
  }));
}

/** What `terraform providers lock` needs beside the lock file: the set's required_providers. */
export function versionsTf(providers: readonly RequiredProvider[]): string {
  const rows = providers.map((p) => `    ${p.name} = {\n      source  = "${p.address.replace(/^registry\.terraform\.io\//, '')}"\n      version = "${p.version}"\n    }`);
  return `# Written by npm run providers:lock from the synthesized stacks: the providers of every stack in\n# this lock set. Do not edit; the lock file beside it is what synth copies into each stack.\nterraform {\n  required_providers {\n${rows.join('\n')}\n  }\n}\n`;
}

/** Every stack grouped by lock set, with the set's providers. */
export function lockSets(stacks: Readonly<Record<string, Json>>): Map<string, { providers: RequiredProvider[]; stacks: string[] }> {
  const sets = new Map<string, { providers: RequiredProvider[]; stacks: string[] }>();
  for (const [name, stack] of Object.entries(stacks)) {
    const providers = requiredProviders(stack);
    if (providers.length === 0) continue;
    const key = lockSet(providers);
    const set = sets.get(key) ?? { providers, stacks: [] };
    set.stacks.push(name);
    sets.set(key, set);
  }
  return sets;
}

/** One line per way a stack's providers and its set's committed lock file disagree. */
export function lockProblems(stacks: Readonly<Record<string, Json>>, locksDir = LOCKS_DIR): string[] {
  const problems: string[] = [];
  const fix = 'run npm run providers:lock (docs/delivery.md, "Provider lock files")';
  for (const [key, { providers, stacks: members }] of lockSets(stacks)) {
    const file = join(locksDir, key, LOCK_FILE);
    const where = `provider-locks/${key}/${LOCK_FILE}`;
    if (!existsSync(file)) {
      problems.push(`${where}: missing, but ${members.sort().join(', ')} require ${providers.map((p) => `${p.address} ${p.version}`).join(', ')}: ${fix}`);
      continue;
    }
    const entries = parseLockFile(readFileSync(file, 'utf8'));
    for (const p of providers) {
      const entry = entries.find((e) => e.address === p.address);
      if (!entry) problems.push(`${where}: no entry for ${p.address}, which ${members[0]} requires at ${p.version}: ${fix}`);
      else if (entry.version !== p.version || entry.constraints !== p.version) {
        problems.push(`${where}: ${p.address} is locked at version "${entry.version}" constraints "${entry.constraints ?? ''}", but the stacks require exactly "${p.version}": ${fix}`);
      }
    }
    for (const e of entries.filter((x) => !providers.some((p) => p.address === x.address))) {
      problems.push(`${where}: ${e.address} is locked but no stack of this set requires it: ${fix}`);
    }
  }
  return problems;
}

/** Copies each stack's lock file into its synthesized directory (after lockProblems found none). */
export function copyLocks(outdir: string, stacks: Readonly<Record<string, Json>>, manifest: Json, locksDir = LOCKS_DIR): void {
  for (const [key, { stacks: members }] of lockSets(stacks)) {
    for (const stack of members) copyFileSync(join(locksDir, key, LOCK_FILE), join(outdir, manifest.stacks[stack].workingDirectory, LOCK_FILE));
  }
}
