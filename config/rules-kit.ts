/** Helpers for cross-field rules: loose readers of raw input and CIDR layout checks. */
import { contains, overlaps, parseCidr, type Cidr } from './cidr';

export interface Problem {
  readonly path: string;
  readonly message: string;
}

export type Loose = Record<string, unknown>;

export function obj(value: unknown): Loose {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : {};
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function block(value: unknown): Cidr | undefined {
  if (typeof value !== 'string') return undefined;
  const parsed = parseCidr(value);
  return typeof parsed === 'string' ? undefined : parsed;
}

export interface NamedBlock {
  readonly path: string;
  readonly cidr: Cidr;
}

/** Every block must sit inside the parent and overlap no other block. */
export function checkBlocks(parent: NamedBlock | undefined, blocks: NamedBlock[], problems: Problem[]): void {
  for (const b of blocks) {
    if (parent && !contains(parent.cidr, b.cidr)) {
      problems.push({
        path: b.path,
        message: `"${b.cidr.text}" is outside ${parent.path} "${parent.cidr.text}" (allowed: a block inside ${parent.cidr.text})`,
      });
    }
  }
  blocks.forEach((a, i) => {
    for (const b of blocks.slice(i + 1)) {
      if (overlaps(a.cidr, b.cidr)) {
        problems.push({
          path: b.path,
          message: `"${b.cidr.text}" overlaps ${a.path} "${a.cidr.text}" (allowed: a block that overlaps no other subnet)`,
        });
      }
    }
  });
}

export function blocksAt(list: unknown, path: string): NamedBlock[] {
  return arr(list).flatMap((v, i) => {
    const cidr = block(v);
    return cidr ? [{ path: `${path}[${i}]`, cidr }] : [];
  });
}

export function one(value: unknown, path: string): NamedBlock[] {
  const cidr = block(value);
  return cidr ? [{ path, cidr }] : [];
}

/**
 * Admin allow-lists (API servers, Key Vault) hold VPN, office and CI egress
 * ranges. A block wider than /16 is not such a range: it opens the endpoint to
 * much of the internet, split or not (0.0.0.0/1 + 128.0.0.0/1).
 */
export const WIDEST_ADMIN_PREFIX = 16;

/** What a too-wide admin range opens the endpoint to, or undefined when it is narrow enough. */
export function tooWide(range: unknown): string | undefined {
  const cidr = block(range);
  if (!cidr || cidr.prefix >= WIDEST_ADMIN_PREFIX) return undefined;
  return cidr.prefix === 0 ? 'the whole internet' : `${(2 ** (32 - cidr.prefix)).toLocaleString('en-US')} addresses`;
}

export function checkProdState(env: Loose, problems: Problem[], remote: string): void {
  if (env.tier === 'prod' && obj(env.state).type === 'local') {
    problems.push({
      path: 'state.type',
      message: `"local" keeps prod state on one workstation without locking or encryption (allowed: ${remote})`,
    });
  }
}
