/**
 * Token resolution of a stack's synthesized document with cdktf's own
 * resolver, minus its cost on the plain parts. cdktf's `resolve` visits every
 * string, number, array and object of every element (~30 000 values in a full
 * synth) and, at each, joins its path into a string, builds a context object
 * with two closures and copies its options, whether or not the value holds a
 * token: ~0.2 s of a full synth. Here a value cdktf would return unchanged
 * (a string without token markers, a number that is not an encoded token,
 * a plain object or array made of such values) is copied the way cdktf copies
 * it (undefined dropped from objects and arrays); every other value (a token,
 * a string with a marker, a number or list token, a class instance such as a
 * Date or a construct, anything past cdktf's depth limit) goes to cdktf's
 * resolve with the same path, so its result, its errors and its checks are
 * cdktf's. Switch: resolve-document (switches.ts); __tests__/synth-speedups.test.ts
 * compares the output with it off byte for byte.
 */
import { Token, type ITokenResolver } from 'cdktf';
import type { IConstruct } from 'constructs';

/** cdktf's private functions this resolver defers to, loaded at first use so that with the switch off nothing loads them. */
interface CdktfInternals {
  readonly extractTokenDouble: typeof import('cdktf/lib/tokens/private/encoding').extractTokenDouble;
  readonly resolve: typeof import('cdktf/lib/tokens/private/resolve').resolve;
}
let internals: CdktfInternals | undefined;

function cdktf(): CdktfInternals {
  internals ??= {
    extractTokenDouble: (require('cdktf/lib/tokens/private/encoding') as typeof import('cdktf/lib/tokens/private/encoding')).extractTokenDouble,
    resolve: (require('cdktf/lib/tokens/private/resolve') as typeof import('cdktf/lib/tokens/private/resolve')).resolve,
  };
  return internals;
}

/** Every string token marker (`${TfToken[`, `#{TfToken[`, `&{TfToken[`) contains this. */
const TOKEN_MARKER = 'TfToken[';
/** cdktf's NUMBER_TOKEN_REGEX (tokens/private/encoding.js), without the global flag: a string cdktf scans for encoded numbers. */
const NUMBER_TOKEN = new RegExp('[-|\\d|.\\+]+(e[-|\\d|.|e|E|\\+]+)');
/** cdktf's limit on nesting (a guard against cyclic structures). */
const MAX_DEPTH = 200;

/** A string cdktf's resolve returns as it is, without a lookup, warning or error. */
function plainString(s: string): boolean {
  return !s.includes(TOKEN_MARKER) && s !== Token.STRING_MAP_TOKEN_VALUE && s !== Token.ANY_MAP_TOKEN_VALUE && !NUMBER_TOKEN.test(s);
}

/** An element of an array cdktf maps one by one (no list token among the elements). */
function plainElement(x: unknown): boolean {
  return typeof x === 'string' ? plainString(x) : typeof x !== 'number';
}

interface Walk {
  readonly scope: IConstruct;
  readonly resolver: ITokenResolver;
  /** The keys down to the current value: cdktf's `prefix`, for its depth limit and error messages. */
  readonly path: string[];
}

function byCdktf(x: unknown, w: Walk): unknown {
  return cdktf().resolve(x, { scope: w.scope, preparing: false, resolver: w.resolver, prefix: [...w.path] });
}

// Module-level functions rather than closures: tsx names every function it creates (esbuild's keepNames), per call.
function walk(x: unknown, w: Walk): unknown {
  if (w.path.length > MAX_DEPTH) return byCdktf(x, w);
  switch (typeof x) {
    case 'undefined':
      return undefined;
    case 'string':
      return plainString(x) ? x : byCdktf(x, w);
    case 'number':
      return x !== Token.NUMBER_MAP_TOKEN_VALUE && cdktf().extractTokenDouble(x, false) === undefined ? x : byCdktf(x, w);
    case 'boolean':
      return x;
    case 'object':
      break;
    default:
      return byCdktf(x, w);
  }
  if (x === null) return null;
  if (Array.isArray(x)) {
    if (!x.every(plainElement)) return byCdktf(x, w);
    const out: unknown[] = [];
    for (let i = 0; i < x.length; i++) {
      w.path.push(`${i}`);
      const v = walk(x[i], w);
      w.path.pop();
      if (v !== undefined) out.push(v);
    }
    return out;
  }
  const proto = Object.getPrototypeOf(x) as unknown;
  const record = x as Record<string, unknown>;
  // Tokens and constructs (which cdktf rejects) are objects with methods or construct fields.
  if ((proto !== Object.prototype && proto !== null) || typeof record.resolve === 'function' || (record._children !== undefined && record._metadata !== undefined)) {
    return byCdktf(x, w);
  }
  const keys = Object.keys(record);
  if (!keys.every(plainString)) return byCdktf(x, w);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    w.path.push(key);
    const v = walk(record[key], w);
    w.path.pop();
    if (v !== undefined) out[key] = v;
  }
  return out;
}

export function resolveDocument(value: unknown, scope: IConstruct, resolver: ITokenResolver): unknown {
  return walk(value, { scope, resolver, path: [] });
}
