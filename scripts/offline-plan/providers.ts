/**
 * Which providers an offline plan can run for real, which are stood in for
 * by Terraform's built-in terraform_data, and which stop a stack from being
 * planned at all. docs/offline-plan.md explains each decision.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export type ProviderMode =
  | { readonly kind: 'real'; readonly version: string }
  | { readonly kind: 'stand-in'; readonly reason: string }
  | { readonly kind: 'missing'; readonly reason: string };

/** Where providers come from: a filesystem mirror (TF_PLUGIN_DIR, or one of Terraform's implied mirror directories) or the public registry. */
export type ProviderSource = { readonly kind: 'mirror'; readonly dir: string } | { readonly kind: 'registry' };

/**
 * Terraform's implied local mirror directories on Unix ("Implied Local Mirror Directories" in the
 * CLI configuration docs): the user's, then the XDG data directories. Nothing of one machine.
 */
export function impliedMirrors(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME ?? '';
  const dataHome = env.XDG_DATA_HOME || (home && join(home, '.local', 'share'));
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share/:/usr/share/').split(':').filter(Boolean);
  return [home && join(home, '.terraform.d', 'plugins'), ...[dataHome, ...dataDirs].filter(Boolean).map((d) => join(d, 'terraform', 'plugins'))].filter(Boolean);
}

/**
 * An offline machine's mirror kept near the root (a directory holding `registry.terraform.io`, at
 * most two levels down): found by looking, so no machine's path is written in the repository.
 */
function mirrorNearRoot(): string | undefined {
  const children = (dir: string) => {
    try {
      return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !['proc', 'sys', 'dev', 'tmp', 'node_modules'].includes(e.name)).map((e) => join(dir, e.name));
    } catch {
      return [];
    }
  };
  return [...children('/'), ...children('/').flatMap(children)].find((d) => existsSync(join(d, 'registry.terraform.io')));
}

export function providerSource(env: NodeJS.ProcessEnv = process.env): ProviderSource {
  const dir = env.TF_PLUGIN_DIR || [...impliedMirrors(env)].find((d) => existsSync(join(d, 'registry.terraform.io'))) || mirrorNearRoot();
  return dir ? { kind: 'mirror', dir } : { kind: 'registry' };
}

/** `aws` or `hashicorp/aws` or `registry.terraform.io/hashicorp/aws` -> `hashicorp/aws`. */
export function normalizeSource(source: string): string {
  const parts = source.split('/');
  if (parts.length === 1) return `hashicorp/${parts[0]}`;
  return parts.slice(-2).join('/');
}

/**
 * Versions of a provider in a mirror, in either layout Terraform reads:
 * unpacked `<host>/<ns>/<type>/<version>/<os_arch>/` or packed
 * `<host>/<ns>/<type>/terraform-provider-<type>_<version>_<os>_<arch>.zip`.
 */
export function mirrorVersions(dir: string, source: string): string[] {
  const [namespace, type] = source.split('/') as [string, string];
  const base = join(dir, 'registry.terraform.io', namespace, type);
  if (!existsSync(base)) return [];
  const platform = `${process.platform}_${process.arch === 'x64' ? 'amd64' : process.arch}`;
  const versions = new Set<string>();
  for (const entry of readdirSync(base, { withFileTypes: true })) {
    if (entry.isDirectory() && existsSync(join(base, entry.name, platform))) versions.add(entry.name);
    const zip = new RegExp(`^terraform-provider-${type}_(.+)_${platform}\\.zip$`).exec(entry.name);
    if (entry.isFile() && zip) versions.add(zip[1]!);
  }
  return [...versions].sort(compareVersions);
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map(Number);
  const pb = b.split(/[.-]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Providers whose plans need the Kubernetes API (and, for helm_release, the
 * chart repositories) even for a create-only plan: the fake cluster endpoint
 * of an offline plan answers nothing, so they are always stood in for.
 */
const ALWAYS_STAND_IN: Readonly<Record<string, string>> = {
  'hashicorp/helm': 'its plans render charts fetched from their repositories and talk to the Kubernetes API',
  'hashicorp/kubernetes': 'its plans talk to the Kubernetes API',
};

/**
 * Providers that work offline when installed, and can be stood in for when not (no network, no
 * state). time's sleeps only delay an apply; a plan of a stand-in loses nothing.
 */
const STAND_IN_WHEN_ABSENT = new Set(['hashicorp/random', 'hashicorp/time']);

/**
 * Providers that cannot be configured without the network even when
 * installed: a stack that needs one is not planned.
 */
const NEEDS_NETWORK_TO_CONFIGURE: Readonly<Record<string, string>> = {
  'hashicorp/azurerm':
    'azurerm obtains an Entra ID token when it is configured (there is no skip setting: hashicorp/terraform-provider-azurerm#23462), so it cannot be configured offline',
  'integrations/github':
    'the GitHub settings stack reads its reviewers\' user and team ids from GitHub\'s API at plan, and an administrator applies it from a workstation (docs/offline-plan.md)',
};

export function providerMode(source: string, pinned: string, from: ProviderSource): ProviderMode {
  const name = normalizeSource(source);
  const standIn = ALWAYS_STAND_IN[name];
  if (standIn) return { kind: 'stand-in', reason: standIn };
  const where = from.kind === 'mirror' ? `the provider mirror ${from.dir}` : 'the registry';
  let version: string | undefined = pinned;
  if (from.kind === 'mirror') {
    const versions = mirrorVersions(from.dir, name);
    version = versions.includes(pinned) ? pinned : versions.at(-1);
  }
  const offline = NEEDS_NETWORK_TO_CONFIGURE[name];
  if (version === undefined) {
    if (STAND_IN_WHEN_ABSENT.has(name)) return { kind: 'stand-in', reason: `${name} is not in ${where}` };
    return { kind: 'missing', reason: `${name} ${pinned} is not in ${where}${offline ? `; even installed, ${offline}` : ''}` };
  }
  if (offline) return { kind: 'missing', reason: offline };
  return { kind: 'real', version };
}

/**
 * Arguments the stacks set that exist only in a newer major of a provider
 * than the one installed: dropped from the offline copy only when that older
 * major is what plans it (the registry installs the pinned version and drops
 * nothing). Anything else the older schema rejects fails the plan.
 */
export interface DroppedArgument {
  readonly provider: string;
  /** Majors of the installed provider this drop applies to. */
  readonly belowMajor: number;
  readonly type: string;
  readonly argument: string;
  readonly reason: string;
}

export const NEWER_MAJOR_ONLY: readonly DroppedArgument[] = [
  {
    provider: 'hashicorp/aws',
    belowMajor: 6,
    type: 'aws_eks_cluster',
    argument: 'deletion_protection',
    reason: 'added in the 6.x series (not in 5.100.0\'s schema); it only guards later deletes, so a create plan loses nothing',
  },
];
