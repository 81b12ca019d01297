/** Helpers for cross-field rules: the typed view they read, typed field paths, CIDR layout checks. */
import { contains, overlaps, parseCidr, type Cidr } from './cidr';
import type { Environment, EnvironmentInput } from './schema';

export interface Problem {
  readonly path: string;
  readonly message: string;
}

/**
 * An environment file as the cross-field rules read it: what its author wrote (no defaults filled
 * in), with the schema's types, every field optional. The rules also run when the schema refused
 * something, so one run reports every problem: a value whose type the schema refused is left out
 * (load.ts writtenPart), while one that only failed a range or pattern check stays, typed.
 */
export type Written<T> = T extends readonly (infer U)[]
  ? ReadonlyArray<Written<U> | undefined>
  : T extends object
    ? { readonly [K in keyof T]?: Written<T[K]> }
    : T;

export type WrittenEnvironment = Written<EnvironmentInput>;

/** Keys whose values the schema refused, by the object of a refused file that held them. */
const refusedKeys = new WeakMap<object, Set<PropertyKey>>();

/** Takes a value the schema refused out of a refused file's copy (load.ts writtenPart); isSet still sees it was there. */
export function takeOut(parent: object, key: PropertyKey): void {
  const values = parent as Record<PropertyKey, unknown>;
  // A required field left out is refused too, but nothing was written there.
  if (values[key] === undefined) return;
  // Kept as a key (a list keeps its length, a map its keys), read as undefined.
  values[key] = undefined;
  refusedKeys.set(parent, (refusedKeys.get(parent) ?? new Set()).add(key));
}

/**
 * Whether the file sets `key` of `parent`, even to a value the schema refused (which the rules do
 * not see): "is missing" is said of what is not written, never of what was written wrong.
 */
export function isSet<T extends object>(parent: T | undefined, key: keyof T): boolean {
  return parent !== undefined && (parent[key] !== undefined || (refusedKeys.get(parent)?.has(key) ?? false));
}

/**
 * The path of the field `pick` reads, as problems name it: fieldPath((e) => e.kubernetes.nodePools[2]?.name)
 * is "kubernetes.nodePools[2].name". `pick` is checked against the schema's types, so renaming a
 * field fails to compile here as in the rule. A key that is data rather than a field (a tag key, a
 * node label) is appended by the caller: spelled with digits only, it would read as a list index.
 */
export function fieldPath<T = Environment>(pick: (env: T) => unknown): string {
  const keys: string[] = [];
  const recorder: object = new Proxy({}, {
    get: (_, key) => {
      keys.push(String(key));
      return recorder;
    },
  });
  pick(recorder as T);
  return keys.reduce((path, key) => (/^\d+$/.test(key) ? `${path}[${key}]` : path ? `${path}.${key}` : key), '');
}

export function block(value: string | undefined): Cidr | undefined {
  if (value === undefined) return undefined;
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

/** The well-formed blocks of a list field, each named by its index under `path`. */
export function blocksAt(list: ReadonlyArray<string | undefined> | undefined, path: string): NamedBlock[] {
  return (list ?? []).flatMap((v, i) => {
    const cidr = block(v);
    return cidr ? [{ path: `${path}[${i}]`, cidr }] : [];
  });
}

export function one(value: string | undefined, path: string): NamedBlock[] {
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
export function tooWide(range: string | undefined): string | undefined {
  const cidr = block(range);
  if (!cidr || cidr.prefix >= WIDEST_ADMIN_PREFIX) return undefined;
  return cidr.prefix === 0 ? 'the whole internet' : `${(2 ** (32 - cidr.prefix)).toLocaleString('en-US')} addresses`;
}

export function checkProdState(env: WrittenEnvironment, problems: Problem[], remote: string): void {
  if (env.tier === 'prod' && env.state?.type === 'local') {
    problems.push({
      path: fieldPath((e) => e.state.type),
      message: `"local" keeps prod state on one workstation without locking or encryption (allowed: ${remote})`,
    });
  }
}
