/**
 * Finding and rewriting references (`aws_vpc.x.id`, `data.y.z.outputs.a[0]`)
 * inside the strings of synthesized Terraform JSON, which are templates.
 */
import type { Json } from '../../synth/output';

export interface Reference {
  readonly data: boolean;
  readonly type: string;
  readonly name: string;
  /** What follows the name, one entry each: `.attr`, `[0]`, `["key"]`, `[each.key]`, `.*`. */
  readonly traversal: readonly string[];
}

/** Returns the replacement text, or undefined to leave the reference as it is. */
export type Rewrite = (ref: Reference) => string | undefined;

const HEAD = /(?<![\w.-])(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/g;
const ATTRIBUTE = /^\.([A-Za-z_][\w-]*|\*)/;

/** The end of the bracketed index starting at `start` (a `[`), skipping quoted strings. */
function closingBracket(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return -1;
}

function traversalAt(text: string, from: number): { segments: string[]; end: number } {
  const segments: string[] = [];
  let i = from;
  for (;;) {
    const attr = ATTRIBUTE.exec(text.slice(i, i + 200));
    if (attr) {
      segments.push(attr[0]);
      i += attr[0].length;
    } else if (text[i] === '[') {
      const end = closingBracket(text, i);
      if (end < 0) break;
      segments.push(text.slice(i, end + 1));
      i = end + 1;
    } else break;
  }
  return { segments, end: i };
}

/** Rewrites every reference `rewrite` answers for in one string. */
export function rewriteString(text: string, rewrite: Rewrite): string {
  if (!text.includes('.')) return text;
  let out = '';
  let last = 0;
  for (const match of text.matchAll(HEAD)) {
    const start = match.index;
    if (start < last) continue;
    const { segments, end } = traversalAt(text, start + match[0].length);
    const replacement = rewrite({ data: match[1] !== undefined, type: match[2]!, name: match[3]!, traversal: segments });
    if (replacement === undefined) continue;
    out += text.slice(last, start) + replacement;
    last = end;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** Applies `rewrite` to every string in a JSON value except `//` metadata and `depends_on` lists. */
export function rewriteValue(value: unknown, rewrite: Rewrite): unknown {
  if (typeof value === 'string') return rewriteString(value, rewrite);
  if (Array.isArray(value)) return value.map((v) => rewriteValue(v, rewrite));
  if (value !== null && typeof value === 'object') {
    const out: Json = {};
    for (const [key, v] of Object.entries(value)) out[key] = key === '//' || key === 'depends_on' ? v : rewriteValue(v, rewrite);
    return out;
  }
  return value;
}

/** A string as an HCL quoted string literal, for use inside `${...}`. */
export function hclString(text: string): string {
  return JSON.stringify(text).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

/** A literal value as JSON-syntax Terraform: strings lose any template meaning. */
export function literal(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
  if (Array.isArray(value)) return value.map(literal);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v)]));
  return value;
}

/** Whether a synthesized value holds no expression at all. */
export function isLiteral(value: unknown): boolean {
  if (typeof value === 'string') return !/[$%]\{/.test(value);
  if (Array.isArray(value)) return value.every(isLiteral);
  if (value !== null && typeof value === 'object') return Object.values(value).every(isLiteral);
  return true;
}
